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

    /// A fresh, empty file inside the home's incoming folder for bytes on their way in. It is locked (`flock`)
    /// for as long as this process may still adopt it, so that a sweep by another process leaves it alone; a
    /// process killed mid-upload drops its locks, and the next sweep removes what it left.
    public func temporaryFile() -> URL {
        try? FileManager.default.createDirectory(at: incoming, withIntermediateDirectories: true)
        for _ in 0..<8 {
            let url = incoming.appendingPathComponent("upload-\(UUID().uuidString)")
            if IncomingLocks.shared.create(url.path) { return url }
        }
        // Creation keeps failing (a full disk, a read-only home): the path alone lets the caller's write report why.
        return incoming.appendingPathComponent("upload-\(UUID().uuidString)")
    }

    /// Removes every file in `incoming/` that no running process holds: what uploads and submissions killed
    /// part-way left behind. Returns how many files and bytes were removed.
    @discardableResult
    public func sweepIncoming() -> (files: Int, bytes: Int64) {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: incoming.path) else { return (0, 0) }
        var removed = 0
        var bytes: Int64 = 0
        for name in names {
            let path = incoming.appendingPathComponent(name).path
            guard !IncomingLocks.shared.holds(path) else { continue }
            // O_NONBLOCK: a FIFO someone placed here must not hang the sweep.
            let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW)
            guard fd >= 0 else {
                // A symlink or something unopenable is not an upload of ours; it is removed all the same.
                if unlink(path) == 0 { removed += 1 }
                continue
            }
            defer { close(fd) }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { continue }
            var info = stat()
            let size = fstat(fd, &info) == 0 ? Int64(info.st_size) : 0
            if (info.st_mode & S_IFMT) == S_IFDIR {
                if (try? fm.removeItem(atPath: path)) != nil { removed += 1 }
            } else if unlink(path) == 0 {
                removed += 1
                bytes += size
            }
        }
        return (removed, bytes)
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
        defer { IncomingLocks.shared.release(temporary.path) }
        if fm.fileExists(atPath: target.path) {
            try? fm.removeItem(at: temporary)
            // A blob renamed into place by a process killed before it could chmod keeps its old mode: repair it.
            Self.makeReadOnly(target)
            return target
        }
        do {
            // Read-only before the rename, so no blob is ever visible with a writable mode.
            guard chmod(temporary.path, Self.blobMode) == 0 else {
                throw StorageError(.internal, code: "blob.mode", "could not make \(temporary.lastPathComponent) read-only: \(String(cString: strerror(errno)))")
            }
            try Self.fsync(temporary)
            try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            if rename(temporary.path, target.path) != 0 {
                throw StorageError(.internal, code: "blob.rename", "could not move \(temporary.lastPathComponent) into the blob store: \(String(cString: strerror(errno)))")
            }
            CrashPoint.reach("blob.renamed")
            try Self.fsync(target.deletingLastPathComponent())
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
            discard(temporary)
            throw StorageError(.internal, code: "blob.write", "could not write into \(temporary.deletingLastPathComponent().path): \(error.localizedDescription)")
        }
        try adopt(temporary, sha256: sha256)
        return sha256
    }


    public func discard(_ temporary: URL) {
        try? FileManager.default.removeItem(at: temporary)
        IncomingLocks.shared.release(temporary.path)
    }

    /// Every blob is read-only for everyone: content-addressed bytes are never rewritten.
    public static let blobMode: mode_t = 0o444

    /// Sets a blob's mode to `blobMode` when it is not; true when it had to be changed.
    @discardableResult
    public static func makeReadOnly(_ url: URL) -> Bool {
        var info = stat()
        guard lstat(url.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_mode & 0o7777 != blobMode else {
            return false
        }
        return chmod(url.path, blobMode) == 0
    }

    /// Every blob file under `blobs/sha256/`, with its hash (from its path) and whether its mode is wrong.
    public func storedBlobs() -> [(sha256: String, url: URL, size: Int64, writable: Bool)] {
        let base = root.appendingPathComponent("sha256")
        let fm = FileManager.default
        var out: [(String, URL, Int64, Bool)] = []
        for prefix in ((try? fm.contentsOfDirectory(atPath: base.path)) ?? []).sorted() where prefix.count == 2 {
            let folder = base.appendingPathComponent(prefix)
            // Signatures (`<hash>.p7s`) sit beside their blobs; only the blobs are named by 62 more hex digits.
            for rest in ((try? fm.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
            where rest.count == 62 && rest.allSatisfy(\.isHexDigit) {
                let url = folder.appendingPathComponent(rest)
                var info = stat()
                guard lstat(url.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
                out.append((prefix + rest, url, Int64(info.st_size), info.st_mode & 0o7777 != Self.blobMode))
            }
        }
        return out
    }

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

/// The incoming files this process created and may still adopt, each held open with an exclusive `flock` so that
/// sweeps in other processes (and this one) skip it. The kernel drops the locks of a killed process.
///
/// `@unchecked Sendable`: the dictionary is only touched under `lock`.
final class IncomingLocks: @unchecked Sendable {
    static let shared = IncomingLocks()
    private let lock = NSLock()
    private var held: [String: Int32] = [:]

    /// Creates `path` (it must not exist) and locks it; false when it cannot. A sweep in another process may
    /// remove the file between its creation and the lock: then the path no longer names the locked file, which
    /// is detected and reported as a failure, so the caller tries a fresh name.
    func create(_ path: String) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return false }
        var mine = stat(), named = stat()
        guard flock(fd, LOCK_EX) == 0, fstat(fd, &mine) == 0, stat(path, &named) == 0,
              mine.st_ino == named.st_ino, mine.st_dev == named.st_dev else {
            close(fd)
            return false
        }
        lock.lock()
        held[path] = fd
        lock.unlock()
        return true
    }

    func holds(_ path: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return held[path] != nil
    }

    /// Closes the descriptor (dropping the lock) once the file is adopted or discarded.
    func release(_ path: String) {
        lock.lock()
        let fd = held.removeValue(forKey: path)
        lock.unlock()
        if let fd { close(fd) }
    }
}
