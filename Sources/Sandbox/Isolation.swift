import Foundation

/// How far the host lets the sandbox shut the installer in.
enum Isolation: Sendable, Equatable {
    /// bubblewrap: no network, host read-only, own PID namespace, no capabilities.
    case bubblewrap(String)
    /// Nothing beyond the process group and the limit; the reason says why.
    case none(String)

    var words: [String] {
        switch self {
        case .bubblewrap:
            ["network: none (bubblewrap --unshare-net)", "file system: host read-only, prefix and scratch /tmp and $HOME writable",
             "processes: own PID namespace and process group, killed at the limit"]
        case .none(let reason):
            ["network: not isolated (\(reason))",
             "file system: the Z: drive (the host's /) is removed from the prefix; not otherwise isolated (\(reason))",
             "processes: own process group, killed at the limit"]
        }
    }

    private static let cache = ProbedOnce(IsolationProbe.probe)

    /// Asks bubblewrap once per process whether it can make the namespaces it needs here.
    static func detect(environment: [String: String] = ProcessInfo.processInfo.environment) -> Isolation {
        if environment["DEPOT_SANDBOX_ISOLATION"] == "none" { return .none("turned off by DEPOT_SANDBOX_ISOLATION=none") }
        return cache.value
    }
}

/// A value computed once per process, on first use: what the host allows does not change while Depot runs.
final class ProbedOnce<Value: Sendable>: @unchecked Sendable {
    // `known` is only read and written under `lock`.
    private var known: Value?
    private let lock = NSLock()
    private let probe: @Sendable () -> Value

    init(_ probe: @escaping @Sendable () -> Value) { self.probe = probe }

    var value: Value {
        lock.lock()
        defer { lock.unlock() }
        if let known { return known }
        let found = probe()
        known = found
        return found
    }
}

enum IsolationProbe {
    static func probe() -> Isolation {
        guard let bwrap = ["/usr/bin/bwrap", "/bin/bwrap"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            return .none("bubblewrap is not installed; run 'make deps'")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: bwrap)
        process.arguments = WineSession.bubblewrapArguments(writable: [], environment: [:]) + ["/bin/true"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return .none("bubblewrap cannot start") }
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            return .none("bubblewrap cannot create namespaces here: \(message.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return .bubblewrap(bwrap)
    }
}

/// Whether this host mounts overlayfs in an unprivileged user namespace: then a test's prefix is the template with
/// a layer of its own on top (nothing copied); otherwise it is a full copy of the template.
enum OverlaySupport {
    private static let cache = ProbedOnce(OverlayProbe.probe)
    static var available: Bool {
        if ProcessInfo.processInfo.environment["DEPOT_SANDBOX_OVERLAY"] == "off" { return false }
        return cache.value
    }

    /// `unshare` then `mount -t overlay`, then whatever follows in the arguments.
    static func arguments(lower: URL, upper: URL, work: URL, merged: URL) -> [String] {
        ["/usr/bin/unshare", "--user", "--map-root-user", "--mount", "--propagation", "private",
         // A PID namespace whose first process dies with unshare: nothing of the test outlives it.
         "--pid", "--fork", "--kill-child", "--", "/bin/sh", "-c",
         "mount -t overlay overlay -o \"userxattr,lowerdir=$1,upperdir=$2,workdir=$3\" \"$4\" && shift 4 && exec \"$@\"",
         "sh", lower.path, upper.path, work.path, merged.path]
    }

    /// overlayfs options cannot carry these characters in folder names.
    static func usable(_ urls: [URL]) -> Bool {
        !urls.contains { $0.path.contains(",") || $0.path.contains(":") || $0.path.contains("\\") }
    }
}

enum OverlayProbe {
    static func probe() -> Bool {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") else { return false }
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("depot-overlay-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: base) }
        let dirs = ["lower", "upper", "work", "merged"].map { base.appendingPathComponent($0) }
        for dir in dirs { try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        process.arguments = Array(OverlaySupport.arguments(lower: dirs[0], upper: dirs[1], work: dirs[2], merged: dirs[3])
            .dropFirst()) + ["/bin/true"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
