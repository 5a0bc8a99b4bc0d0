#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Only regular files are inspected or submitted. Opening a FIFO for reading blocks until a writer appears, and a
/// device or socket has no end, so every reader asks here first, by `stat(2)` (which never blocks), and opens
/// with `O_NONBLOCK` so that a file swapped for a FIFO between the check and the open still cannot hang it.
public enum RegularFile {
    /// What a file type is, in words, for the refusal ("a FIFO (named pipe)"); nil for a regular file.
    public static func otherKind(mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: nil
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        case S_IFDIR: "a directory"
        case S_IFLNK: "a symbolic link"
        default: "not a regular file"
        }
    }

    /// Why `path` cannot be read as an installer ("is a FIFO (named pipe), not a regular file"); nil when it can.
    public static func problem(atPath path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            return errno == ENOENT ? "does not exist" : "cannot be examined (\(String(cString: strerror(errno))))"
        }
        return otherKind(mode: info.st_mode).map { "is \($0), not a regular file" }
    }

    /// Opens `path` read-only without ever blocking, and only when it is a regular file; the descriptor is
    /// returned in blocking mode, with the file's size. The error text is the reason ("is a socket, not a
    /// regular file", or the system's words).
    public static func openForReading(_ path: String) -> Result<(descriptor: Int32, size: Int64), OpenFailure> {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard descriptor >= 0 else { return .failure(OpenFailure(reason: String(cString: strerror(errno)))) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            return .failure(OpenFailure(reason: reason))
        }
        if let kind = otherKind(mode: info.st_mode) {
            close(descriptor)
            return .failure(OpenFailure(reason: "it is \(kind), not a regular file"))
        }
        let flags = fcntl(descriptor, F_GETFL)
        if flags >= 0 { _ = fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK) }
        return .success((descriptor, Int64(info.st_size)))
    }

    /// Why a file could not be opened as an installer.
    public struct OpenFailure: Error, Sendable {
        public let reason: String
    }
}
