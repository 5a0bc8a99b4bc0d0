import DepotCrypto
import DepotModel
import Foundation

/// Content-addressed installer storage: `blobs/sha256/ab/cdef…`. A blob is written to a temporary file in the
/// home, fsynced, then renamed into place, and never rewritten; identical bytes are stored once.
public struct BlobStore: Sendable {
    public let root: URL
    public let incoming: URL

    public init(home: DepotHome) {
        root = home.blobs
        incoming = home.incoming
    }

    /// A fresh temporary path inside the home for bytes on their way in.
    public func temporaryFile() -> URL {
        incoming.appendingPathComponent("upload-\(UUID().uuidString)")
    }

    public func url(for sha256: String) -> URL {
        let hex = sha256.lowercased()
        return root.appendingPathComponent("sha256").appendingPathComponent(String(hex.prefix(2)))
            .appendingPathComponent(String(hex.dropFirst(2)))
    }

    public func contains(_ sha256: String) -> Bool { FileManager.default.fileExists(atPath: url(for: sha256).path) }

    /// Moves a complete temporary file into place under its hash. When the blob already exists the temporary
    /// file is removed and the stored one kept untouched.
    @discardableResult
    public func adopt(_ temporary: URL, sha256: String) throws -> URL {
        guard sha256.count == 64, sha256.allSatisfy(\.isHexDigit) else {
            throw StorageError(.internal, code: "blob.hash", "'\(sha256)' is not a SHA-256 in hex")
        }
        let target = url(for: sha256)
        let fm = FileManager.default
        if fm.fileExists(atPath: target.path) {
            try? fm.removeItem(at: temporary)
            return target
        }
        do {
            try Self.fsync(temporary)
            try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            if rename(temporary.path, target.path) != 0 {
                throw StorageError(.internal, code: "blob.rename", "could not move \(temporary.lastPathComponent) into the blob store: \(String(cString: strerror(errno)))")
            }
            try Self.fsync(target.deletingLastPathComponent())
            _ = chmod(target.path, 0o444)
        } catch let error as StorageError {
            try? fm.removeItem(at: temporary)
            throw error
        }
        return target
    }

    /// Stores small bytes (a licence text, a log) under their SHA-256; returns the hash.
    @discardableResult
    public func store(bytes: [UInt8]) throws -> String {
        let sha256 = SHA256Hasher.hex(bytes)
        if contains(sha256) { return sha256 }
        let temporary = temporaryFile()
        do {
            try Data(bytes).write(to: temporary)
        } catch {
            throw StorageError(.internal, code: "blob.write", "could not write into \(temporary.deletingLastPathComponent().path): \(error.localizedDescription)")
        }
        try adopt(temporary, sha256: sha256)
        return sha256
    }

    public func discard(_ temporary: URL) { try? FileManager.default.removeItem(at: temporary) }

    static func fsync(_ url: URL) throws {
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else {
            throw StorageError(.internal, code: "blob.fsync", "could not open \(url.lastPathComponent) to flush it: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        guard Foundation.fsync(fd) == 0 else {
            throw StorageError(.internal, code: "blob.fsync", "could not flush \(url.lastPathComponent) to disk: \(String(cString: strerror(errno)))")
        }
    }
}
