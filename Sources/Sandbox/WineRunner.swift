import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Tests installers in Wine: a template prefix made once (`wineboot -i`), copied per test and deleted afterwards;
/// each Wine session runs in a process group of its own under a wall-clock limit, and, where the host allows,
/// inside bubblewrap with no network, the host read-only, and scratch folders standing in for /tmp and $HOME so
/// that any write outside the prefix is seen and reported.
public struct WineRunner: InstallTestRunner {
    /// Holds the per-test prefixes (`<depot home>/sandbox`).
    public let directory: URL
    /// Holds the template prefixes, one per Wine version: `<directory>/templates`, or shared between homes
    /// (and test runs) through `templates:` or `$DEPOT_WINE_TEMPLATES`.
    public let templates: URL
    /// The 64-bit Wine loader; it starts the 32-bit one for 32-bit installers.
    public let wine: String
    public let wineserver: String
    /// How long `wineboot -i` may take when the template is made.
    public var templateTimeoutSeconds: Double = 180

    /// Finds Wine (Debian's `/usr/lib/wine/wine64`, else `wine64` on PATH) and keeps its prefixes under `directory`.
    public init(directory: URL, templates: URL? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.directory = directory.standardizedFileURL
        self.templates = (templates ?? environment["DEPOT_WINE_TEMPLATES"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? directory.appendingPathComponent("templates", isDirectory: true)).standardizedFileURL
        let path = environment["PATH"] ?? "/usr/bin:/bin"
        func find(_ candidates: [String]) -> String? {
            for candidate in candidates {
                if candidate.hasPrefix("/") {
                    if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
                    continue
                }
                for dir in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(dir)/\(candidate)") {
                    return "\(dir)/\(candidate)"
                }
            }
            return nil
        }
        guard let wine = find([environment["DEPOT_WINE"] ?? "", "/usr/lib/wine/wine64", "wine64"].filter { !$0.isEmpty }) else {
            throw SandboxError(.internal, code: "sandbox.no-wine",
                "Wine is not installed (no /usr/lib/wine/wine64 or wine64 on PATH); run 'make deps', which installs wine64 and wine32")
        }
        let dir = (wine as NSString).deletingLastPathComponent
        guard let server = find(["\(dir)/wineserver", "/usr/lib/wine/wineserver64", "wineserver"]) else {
            throw SandboxError(.internal, code: "sandbox.no-wine", "wineserver is missing next to \(wine); run 'make deps'")
        }
        self.wine = wine
        self.wineserver = server
    }

    var templateRoot: URL { templates }
    var runs: URL { directory.appendingPathComponent("runs", isDirectory: true) }

    // MARK: Runner

    public func describe() async throws -> RunnerInfo {
        let template = try await prepareTemplate()
        var isolation = Isolation.detect().words
        isolation.append(OverlaySupport.available
            ? "prefix: the template under an overlay of the test's own (overlayfs), deleted afterwards"
            : "prefix: a copy of the template, deleted afterwards")
        return RunnerInfo(kind: "wine", version: Self.versionCache.value(for: wine) ?? "Wine",
                          template: template.name, isolation: isolation)
    }

    public func run(_ job: InstallTestJob, progress: @escaping @Sendable (String) -> Void) async throws -> InstallTestEvidence {
        let started = Date()
        progress("preparing the template prefix")
        let info = try await describe()
        let template = try await prepareTemplate()
        let work = runs.appendingPathComponent(UUID().uuidString, isDirectory: true)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let overlay = OverlaySupport.available && OverlaySupport.usable([template.prefix, work])
        let session = try WineSession(work: work, wine: wine, wineserver: wineserver, isolation: Isolation.detect(),
                                      limit: Double(job.timeoutSeconds), template: overlay ? template.prefix : nil)
        if !overlay {
            progress("copying the template prefix")
            try session.copyPrefix(from: template.prefix)
        }
        try session.stage(job.installer, as: job.fileName)

        // Every test starts from the template as it is: its snapshot is taken once per process.
        let before = try Self.templateSnapshots.snapshot(of: template.prefix)
        let plan = InstallCommands.install(job)
        guard let command = plan.command else {
            throw SandboxError(.refused, code: "sandbox.untestable", plan.problem ?? "this installer cannot be tested in Wine")
        }
        progress("installing: \(command)")
        let install = try await session.run(command, phase: "install", log: plan.log)
        let afterInstall = try PrefixSnapshot.take(session.layers)
        let changes = SnapshotDiff.compare(before, afterInstall, layers: session.layers)
        let rule = DetectionRule.derive(from: changes)
        let detected = rule?.holds(in: afterInstall) ?? false

        var uninstall: PhaseResult?
        var detectedAfter: Bool?
        var leftovers = Leftovers()
        if install.succeeded, let entry = Self.entryToUninstall(changes, expected: job.expectedVersion),
           let command = InstallCommands.uninstall(entry, installerType: job.installerType) {
            progress("uninstalling: \(command)")
            let log = command.contains("uninstall.log") ? "\(InstallCommands.workFolder)\\uninstall.log" : nil
            uninstall = try await session.run(command, phase: "uninstall", log: log)
            let afterUninstall = try PrefixSnapshot.take(session.layers)
            detectedAfter = rule?.holds(in: afterUninstall)
            let remaining = SnapshotDiff.compare(before, afterUninstall, layers: session.layers, hashing: false)
            leftovers = Leftovers(files: remaining.filesAdded.map(\.path), registryKeys: remaining.registryKeysAdded)
        }
        progress("checking the sandbox")
        let outside = session.writesOutsidePrefix()
        let left = session.processesLeft()

        var evidence = InstallTestEvidence(
            runner: info, installer: job.fileName, installerType: job.installerType, expectedVersion: job.expectedVersion,
            install: install, installChanges: changes, detectionRule: rule, detectedAfterInstall: detected,
            uninstall: uninstall, detectedAfterUninstall: detectedAfter, leftovers: leftovers,
            writesOutsidePrefix: outside, processesLeft: left, passed: false, reasons: [], complexity: [],
            seconds: (Date().timeIntervalSince(started) * 100).rounded() / 100)
        evidence.reasons = InstallVerdict.reasons(evidence, limit: job.timeoutSeconds)
        evidence.passed = evidence.reasons.isEmpty
        evidence.complexity = InstallVerdict.complexity(evidence)
        return evidence
    }

    /// The entry to uninstall by: the one whose version is the package's, else the first.
    static func entryToUninstall(_ changes: ObservedChanges, expected: String?) -> UninstallEntry? {
        let entries = changes.uninstallEntries
        if let expected, let match = entries.first(where: { InstallVerdict.versionsMatch($0.displayVersion, expected) }) {
            return match
        }
        return entries.first
    }

    // MARK: Template

    struct Template {
        var prefix: URL
        var name: String
    }

    /// The template prefix, made once per Wine version (`wineboot -i` takes seconds; a copy is much cheaper).
    func prepareTemplate() async throws -> Template {
        let version = Self.versionCache.value(for: wine) ?? "wine"
        let slug = version.lowercased().map { $0.isLetter || $0.isNumber || $0 == "." ? $0 : "-" }
        let name = "win64-" + String(slug).split(separator: "-").joined(separator: "-")
        let prefix = templateRoot.appendingPathComponent(name, isDirectory: true)
        let ready = prefix.appendingPathComponent(".depot-template-ready")
        if FileManager.default.fileExists(atPath: ready.path) { return Template(prefix: prefix, name: name) }
        try FileManager.default.createDirectory(at: templateRoot, withIntermediateDirectories: true)
        // One maker at a time, across processes: the others wait for the lock and find the template ready.
        let lock = try FileLock(templateRoot.appendingPathComponent(".lock"))
        try await lock.acquire()
        defer { lock.release() }
        if FileManager.default.fileExists(atPath: ready.path) { return Template(prefix: prefix, name: name) }
        let building = templateRoot.appendingPathComponent("\(name).building-\(getpid())", isDirectory: true)
        try? FileManager.default.removeItem(at: building)
        let session = try WineSession(work: building, wine: wine, wineserver: wineserver, isolation: .none("the template is made outside the sandbox"),
                                      limit: templateTimeoutSeconds)
        let outcome = try await session.boot()
        guard outcome.exitCode == 0, FileManager.default.fileExists(atPath: session.prefix.appendingPathComponent("system.reg").path) else {
            let tail = session.outputTail(phase: "wineboot").suffix(5).joined(separator: " | ")
            try? FileManager.default.removeItem(at: building)
            throw SandboxError(.internal, code: "sandbox.template",
                "wineboot -i could not make the template prefix (\(outcome.timedOut ? "timed out" : "exit \(outcome.exitCode ?? -1)")): \(tail)")
        }
        FileManager.default.createFile(atPath: session.prefix.appendingPathComponent(".depot-template-ready").path,
                                       contents: Data("\(version)\n".utf8))
        try? FileManager.default.removeItem(at: prefix)
        try FileManager.default.moveItem(at: session.prefix, to: prefix)
        try? FileManager.default.removeItem(at: building)
        return Template(prefix: prefix, name: name)
    }

    static let templateSnapshots = TemplateSnapshots()

    /// `wine --version` is asked once per loader and process.
    static let versionCache = VersionCache()
}

/// Remembers `wine64 --version` per loader path.
final class VersionCache: @unchecked Sendable {
    // Guarded by `lock`; the cache is written once per loader.
    private var values: [String: String] = [:]
    private let lock = NSLock()

    func value(for wine: String) -> String? {
        lock.lock()
        defer { lock.unlock() }
        if let known = values[wine] { return known }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: wine)
        process.arguments = ["--version"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        // "wine-8.0 (Debian 8.0~repack-4)" reads as "Wine 8.0 (Debian 8.0~repack-4)".
        var text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("wine-") { text = "Wine " + text.dropFirst(5) }
        values[wine] = text
        return text
    }
}

/// An advisory lock on a file (flock), polled so that waiting never blocks a thread.
final class FileLock: @unchecked Sendable {
    // The descriptor is owned by this object and closed in deinit.
    private let fd: Int32

    init(_ url: URL) throws {
        fd = open(url.path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw SandboxError(.internal, code: "sandbox.lock", "cannot open \(url.path); check the depot home's permissions")
        }
    }

    func acquire() async throws {
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            try await Task.sleep(nanoseconds: 100_000_000)
        }
    }

    func release() { flock(fd, LOCK_UN) }

    deinit { close(fd) }
}

/// The snapshot of each template prefix, taken once: templates never change after they are made.
final class TemplateSnapshots: @unchecked Sendable {
    // Guarded by `lock`.
    private var known: [String: PrefixSnapshot] = [:]
    private let lock = NSLock()

    func snapshot(of template: URL) throws -> PrefixSnapshot {
        lock.lock()
        defer { lock.unlock() }
        if let found = known[template.path] { return found }
        let taken = try PrefixSnapshot.take(prefix: template)
        known[template.path] = taken
        return taken
    }
}
