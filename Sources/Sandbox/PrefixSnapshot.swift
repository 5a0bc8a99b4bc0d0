import DepotCrypto
import Foundation

/// One file in a prefix's `drive_c`.
struct SnapshotFile: Sendable, Equatable {
    var size: Int64
    var modified: Double
}

/// What a Wine prefix holds at one moment: the files under `drive_c` and both registry hives.
/// Snapshots are compared, never stored; the evidence keeps the differences.
struct PrefixSnapshot: Sendable {
    /// Path relative to `drive_c`, with `/` separators → size and modification time.
    var files: [String: SnapshotFile]
    var machine: RegistryHive
    var user: RegistryHive

    /// Folders of the prefix that are Depot's own working space, not the installer's.
    static let ownFolders: Set<String> = ["depot"]

    /// A snapshot of a plain prefix folder.
    static func take(prefix: URL) throws -> PrefixSnapshot { try take(PrefixLayers(lower: prefix, upper: nil)) }

    /// A snapshot of what the prefix looks like through its layers: the template below, the test's changes above
    /// (overlayfs: a character device 0/0 marks a deleted file, `user.overlay.opaque` a folder replaced whole).
    static func take(_ layers: PrefixLayers) throws -> PrefixSnapshot {
        var files = walk(layers.lower.appendingPathComponent("drive_c").path)
        if let upper = layers.upper {
            var opaque: [String] = []
            let changed = walk(upper.appendingPathComponent("drive_c").path, whiteouts: true, opaque: &opaque)
            if !opaque.isEmpty {
                files = files.filter { path, _ in !opaque.contains { path.hasPrefix($0 + "/") } }
            }
            for (path, file) in changed {
                if file.size < 0 { files[path] = nil } else { files[path] = file }
            }
        }
        return PrefixSnapshot(
            files: files,
            machine: try RegistryHive(contentsOf: layers.resolve("system.reg"), root: "HKLM"),
            user: try RegistryHive(contentsOf: layers.resolve("user.reg"), root: "HKCU"))
    }

    private static func walk(_ base: String) -> [String: SnapshotFile] {
        var ignored: [String] = []
        return walk(base, whiteouts: false, opaque: &ignored)
    }

    /// Regular files under `base`; with `whiteouts`, deleted files come back with size -1.
    private static func walk(_ base: String, whiteouts: Bool, opaque: inout [String]) -> [String: SnapshotFile] {
        var files: [String: SnapshotFile] = [:]
        guard let enumerator = FileManager.default.enumerator(atPath: base) else { return files }
        while let relative = enumerator.nextObject() as? String {
            let top = relative.split(separator: "/").first.map(String.init) ?? ""
            if ownFolders.contains(top) {
                if !relative.contains("/") { enumerator.skipDescendants() }
                continue
            }
            var info = stat()
            let full = base + "/" + relative
            guard lstat(full, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFREG:
                files[relative] = SnapshotFile(size: Int64(info.st_size),
                                               modified: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
            case S_IFCHR where whiteouts && info.st_rdev == 0:
                files[relative] = SnapshotFile(size: -1, modified: 0)
            case S_IFDIR where whiteouts:
                var flag: UInt8 = 0
                if readExtendedAttribute(full, "user.overlay.opaque", &flag, 1) == 1, flag == UInt8(ascii: "y") { opaque.append(relative) }
            default: continue
            }
        }
        return files
    }

    /// Every key of both hives.
    var registry: [String: [String: String]] { machine.keys.merging(user.keys) { a, _ in a } }

    /// `drive_c`-relative path as Windows shows it.
    static func windowsPath(_ relative: String) -> String {
        "C:\\" + relative.replacingOccurrences(of: "/", with: "\\")
    }

    /// Lowercase SHA-256 of a file, streamed.
    static func sha256(of file: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: file) else { return nil }
        defer { try? handle.close() }
        let hasher = SHA256Hasher()
        while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            chunk.withUnsafeBytes { hasher.update($0) }
        }
        return hasher.finalizeHex()
    }
}

/// A prefix as layers: the template (read only) and, with overlayfs, the folder that holds the test's changes.
/// Without overlayfs the prefix is a full copy and `upper` is nil.
struct PrefixLayers: Sendable {
    var lower: URL
    var upper: URL?

    /// The current file at `relative` (a path inside the prefix): the changed copy when there is one.
    func resolve(_ relative: String) -> URL {
        if let upper {
            let changed = upper.appendingPathComponent(relative)
            var info = stat()
            if lstat(changed.path, &info) == 0 { return changed }
        }
        return lower.appendingPathComponent(relative)
    }
}

/// getxattr(2): Glibc's Swift module does not export <sys/xattr.h>.
@_silgen_name("getxattr")
private func readExtendedAttribute(_ path: UnsafePointer<CChar>, _ name: UnsafePointer<CChar>,
                                   _ value: UnsafeMutableRawPointer?, _ size: Int) -> Int
