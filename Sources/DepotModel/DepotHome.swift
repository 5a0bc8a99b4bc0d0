import Foundation

/// The directory that holds everything a catalog host keeps: the database, blobs, keys and published files.
public struct DepotHome: Sendable, Equatable {
    public let root: URL

    public init(root: URL) { self.root = root.standardizedFileURL }

    /// `--home DIR`, else `$DEPOT_HOME`, else `./.depot`.
    public static func resolve(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> DepotHome {
        let path = explicit ?? environment["DEPOT_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ".depot"
        let url = path.hasPrefix("/")
            ? URL(fileURLWithPath: path, isDirectory: true)
            : URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
                .appendingPathComponent(path, isDirectory: true)
        return DepotHome(root: url)
    }

    public var database: URL { root.appendingPathComponent("depot.sqlite") }
    public var blobs: URL { root.appendingPathComponent("blobs", isDirectory: true) }
    public var keys: URL { root.appendingPathComponent("keys", isDirectory: true) }
    public var published: URL { root.appendingPathComponent("published", isDirectory: true) }
    public var incoming: URL { root.appendingPathComponent("incoming", isDirectory: true) }

    /// Creates the home and its folders, readable by the owner only where they hold secrets.
    public func create() throws {
        let fm = FileManager.default
        for dir in [root, blobs, incoming, published] {
            try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        }
        try fm.createDirectory(at: keys, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    /// True when `url` lies inside the home (after resolving `..` and symlinks), the only place Depot writes.
    public func contains(_ url: URL) -> Bool {
        let base = root.resolvingSymlinksInPath().path
        let candidate = url.standardizedFileURL.resolvingSymlinksInPath().path
        return candidate == base || candidate.hasPrefix(base + "/")
    }
}
