import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One disposable prefix and the Wine sessions run in it: the template with an overlay of the test's own on top
/// where the host allows it, else a full copy of the template.
struct WineSession {
    let work: URL
    let wine: String
    let wineserver: String
    let isolation: Isolation
    let limit: Double
    /// The template below an overlay; nil for a plain prefix (the template being made, or a copy).
    let template: URL?

    /// The prefix path Wine sees.
    var prefix: URL { work.appendingPathComponent("prefix", isDirectory: true) }
    var upper: URL { work.appendingPathComponent("upper", isDirectory: true) }
    var overlayWork: URL { work.appendingPathComponent("overlay-work", isDirectory: true) }
    var scratchTmp: URL { work.appendingPathComponent("tmp", isDirectory: true) }
    var scratchHome: URL { work.appendingPathComponent("home", isDirectory: true) }
    var logs: URL { work.appendingPathComponent("logs", isDirectory: true) }

    /// What the prefix holds, read from the host side (the overlay is only mounted while Wine runs).
    var layers: PrefixLayers { template.map { PrefixLayers(lower: $0, upper: upper) } ?? PrefixLayers(lower: prefix, upper: nil) }
    /// Where Depot's own files go: `C:\depot`, written into the top layer.
    var depotFolder: URL { (template == nil ? prefix : upper).appendingPathComponent("drive_c/depot", isDirectory: true) }

    init(work: URL, wine: String, wineserver: String, isolation: Isolation, limit: Double, template: URL? = nil) throws {
        self.work = work
        self.wine = wine
        self.wineserver = wineserver
        self.isolation = isolation
        self.limit = limit
        self.template = template
        var dirs = [work, scratchTmp, scratchHome, logs]
        if template != nil { dirs += [prefix, upper, overlayWork] }
        for dir in dirs { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) }
    }

    /// Copies the template when overlayfs is not available (cp -a keeps the modification times the snapshots compare).
    func copyPrefix(from template: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/cp")
        process.arguments = ["-a", "--reflink=auto", template.path, prefix.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw SandboxError(.internal, code: "sandbox.copy",
                "cannot copy the template prefix \(template.path) to \(prefix.path); check free space in the depot home")
        }
    }

    /// Puts the installer into `C:\depot\NAME`.
    func stage(_ installer: URL, as name: String) throws {
        try FileManager.default.createDirectory(at: depotFolder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: installer, to: depotFolder.appendingPathComponent(name))
    }

    var environment: [String: String] {
        var env = [
            "WINEPREFIX": prefix.path, "WINEARCH": "win64", "WINEDEBUG": "-all",
            // No Mono or Gecko download prompts, and no desktop menu entries written into $HOME.
            "WINEDLLOVERRIDES": "mscoree,mshtml=;winemenubuilder.exe=d",
            "HOME": scratchHome.path, "USER": "depot", "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin",
            "WINE": wine, "WINESERVER": wineserver,
        ]
        if case .none = isolation { env["TMPDIR"] = scratchTmp.path } else { env["TMPDIR"] = "/tmp" }
        return env
    }

    /// bubblewrap's arguments: the host read-only, `writable` folders read-write, fresh /dev, /proc and /tmp, no network.
    static func bubblewrapArguments(writable: [URL], environment: [String: String], tmp: URL? = nil) -> [String] {
        var args = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
                    "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--die-with-parent", "--cap-drop", "ALL"]
        if let tmp { args += ["--bind", tmp.path, "/tmp", "--bind", tmp.path, "/var/tmp", "--bind", tmp.path, "/dev/shm"] }
        for dir in writable { args += ["--bind", dir.path, dir.path] }
        args += ["--clearenv"]
        for (key, value) in environment.sorted(by: { $0.key < $1.key }) { args += ["--setenv", key, value] }
        return args
    }

    /// Runs a shell script under the session's isolation, process group and limit.
    func shell(_ script: String, phase: String) async throws -> ProcessOutcome {
        var arguments = ["/bin/sh", "-c", script]
        let limits = ["/usr/bin/prlimit", "--fsize=\(8 << 30)", "--nofile=4096:4096", "--core=0", "--"]
        if FileManager.default.isExecutableFile(atPath: limits[0]) { arguments = limits + arguments }
        if case .bubblewrap(let bwrap) = isolation {
            arguments = [bwrap] + Self.bubblewrapArguments(writable: [work], environment: environment, tmp: scratchTmp) + arguments
        }
        if let template {
            arguments = OverlaySupport.arguments(lower: template, upper: upper, work: overlayWork, merged: prefix) + arguments
        }
        let outcome = try await SandboxProcess.run(arguments, environment: environment, directory: work,
                                                   output: logs.appendingPathComponent("\(phase).out"), limit: limit)
        if case .none = isolation { await killLeftovers() } else if outcome.timedOut { await killLeftovers() }
        return outcome
    }

    /// `wineboot -i` in a new prefix, then waits for Wine to save the registry.
    func boot() async throws -> ProcessOutcome {
        try await shell("\"$WINE\" wineboot -i && \"$WINESERVER\" -w", phase: "wineboot")
    }

    /// Runs `command` through a batch file so the full exit code is kept; waits until every process of the
    /// prefix has ended (an NSIS uninstaller re-launches itself from %TEMP% and returns at once).
    func run(_ command: String, phase: String, log: String?) async throws -> PhaseResult {
        let exitName = "\(phase).exit"
        let batch = InstallCommands.batch(command, exitFile: "\(InstallCommands.workFolder)\\\(exitName)")
        try Data(batch.utf8).write(to: depotFolder.appendingPathComponent("\(phase).bat"))
        // Without bubblewrap the host is writable, so the Z: drive (the host's /) goes: Windows paths then end at the prefix.
        let unmapHost = { if case .none = isolation { return true } else { return false } }()
            ? "rm -f \"$WINEPREFIX/dosdevices/z:\"; " : ""
        let outcome = try await shell(
            unmapHost + "\"$WINE\" cmd /c 'C:\\depot\\\(phase).bat'; \"$WINESERVER\" -w", phase: phase)
        var exitCode: Int?
        if !outcome.timedOut, let text = try? String(contentsOf: depotFolder.appendingPathComponent(exitName), encoding: .utf8) {
            exitCode = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)).map { Int(Int32(truncatingIfNeeded: $0)) }
        }
        if !outcome.timedOut, exitCode == nil { exitCode = outcome.exitCode.map(Int.init) }
        var tail: [String] = []
        if let log {
            let relative = log.dropFirst(3).replacingOccurrences(of: "\\", with: "/")
            tail = Self.tail(of: layers.resolve("drive_c/" + relative))
        }
        if tail.isEmpty { tail = outputTail(phase: phase) }
        return PhaseResult(command: command, exitCode: exitCode, timedOut: outcome.timedOut, seconds: outcome.seconds, logTail: tail)
    }

    func outputTail(phase: String) -> [String] { Self.tail(of: logs.appendingPathComponent("\(phase).out")) }

    /// The last lines of a log, UTF-16 or UTF-8, without blank lines.
    static func tail(of file: URL, lines: Int = 20) -> [String] {
        guard let handle = FileHandle(forReadingAtPath: file.path) else { return [] }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        let start = size > 16_384 ? size - 16_384 : 0
        try? handle.seek(toOffset: start)
        guard let data = try? handle.readToEnd(), !data.isEmpty else { return [] }
        let zeros = data.prefix(512).filter { $0 == 0 }.count
        var text: String
        if zeros > 64 {
            var bytes = [UInt8](data)
            if start % 2 == 1 { bytes.removeFirst() }
            text = String(decoding: stride(from: 0, to: bytes.count - 1, by: 2).map { UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8 },
                          as: UTF16.self)
        } else {
            text = String(decoding: data, as: UTF8.self)
        }
        text = text.replacingOccurrences(of: "\u{FEFF}", with: "")
        let all = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" })
            .map { String($0.unicodeScalars.filter { $0.value >= 0x20 || $0 == "\t" }.prefix(300)) }
            .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        return Array(all.suffix(lines))
    }

    /// Files the installer wrote into the scratch /tmp and $HOME, i.e. outside its prefix, as host paths.
    func writesOutsidePrefix() -> [String] {
        var found: [String] = []
        for (dir, shown) in [(scratchTmp, "/tmp"), (scratchHome, "$HOME")] {
            guard let enumerator = FileManager.default.enumerator(atPath: dir.path) else { continue }
            while let relative = enumerator.nextObject() as? String {
                // Wine's own server socket and lock live in /tmp/.wine-UID.
                if relative.hasPrefix(".wine-") || relative.hasPrefix("wine-") { enumerator.skipDescendants(); continue }
                var info = stat()
                guard lstat(dir.path + "/" + relative, &info) == 0, (info.st_mode & S_IFMT) != S_IFDIR else { continue }
                found.append("\(shown)/\(relative)")
            }
        }
        return found.sorted()
    }

    /// Processes still running with this prefix (the group kill and `wineserver -k` should have left none).
    func processesLeft() -> Int {
        let marker = Array("WINEPREFIX=\(prefix.path)\0".utf8)
        var count = 0
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] where Int32(entry) != nil {
            guard let data = FileManager.default.contents(atPath: "/proc/\(entry)/environ"), !data.isEmpty else { continue }
            let bytes = [UInt8](data)
            if bytes.starts(with: marker) || contains(bytes, [0] + marker) { count += 1 }
        }
        return count
    }

    private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }

    /// Without a PID namespace, Wine processes that left the group (wineserver detaches) end through `wineserver -k`.
    func killLeftovers() async {
        _ = try? await SandboxProcess.run([wineserver, "-k"], environment: environment, directory: work,
                                          output: logs.appendingPathComponent("kill.out"), limit: 15)
    }
}
