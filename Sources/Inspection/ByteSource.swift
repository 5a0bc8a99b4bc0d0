#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DepotCrypto
import DepotModel
import Dispatch

/// The single sequential pass over an installer: every byte read is hashed once, in order, and written to
/// the copy target when there is one. Readers never touch the file themselves; they take blocks from here.
final class ByteSource {
    static let blockSize = 1 << 20

    let displayName: String
    let size: Int64
    private(set) var position: Int64 = 0
    private let fd: Int32
    private var copy: CopyWriter?
    private let hasher = SHA256Hasher()
    /// A ring of blocks: the one libarchive reads now, and those the copy writer has not written yet.
    private let blocks: [UnsafeMutableRawBufferPointer]
    private var current = 0
    private let maxBytes: Int64
    private let progress: (@Sendable (Int64, Int64) -> Void)?
    private var lastReport: UInt64 = 0
    private var finished = false
    private var digest: String?

    init(path: String, copyTo: String?, maxBytes: Int64, progress: (@Sendable (Int64, Int64) -> Void)?) throws {
        displayName = path
        self.maxBytes = maxBytes
        self.progress = progress
        // Never blocks: a FIFO, device or socket is refused before anything waits on it.
        let fd: Int32
        let size: Int64
        switch RegularFile.openForReading(path) {
        case .success(let opened): (fd, size) = opened
        case .failure(let failure): throw InspectionError.unreadable(path, failure.reason)
        }
        guard size <= maxBytes else {
            close(fd)
            throw InspectionError(.tooLarge, code: "inspect.too-large",
                "installer '\(path)' is \(size) bytes, over the intake limit of \(maxBytes) bytes; "
                + "raise maxInstallerBytes in the intake policy if this installer is genuine")
        }
        self.fd = fd
        self.size = size
        if let copyTo {
            let copyFD = open(copyTo, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            if copyFD < 0 {
                let detail = Self.errnoText()
                close(fd)
                throw InspectionError(.internal, code: "inspect.copy-failed",
                                      "cannot create the copy '\(copyTo)' of installer '\(path)': \(detail)")
            }
            // No preallocation to the full size: a copy cut short by a crash must hold only what was written.
            copy = CopyWriter(fd: copyFD, ringSize: CopyWriter.ringSize, installer: path)
        }
        blocks = (0..<(copyTo == nil ? 1 : CopyWriter.ringSize)).map { _ in
            UnsafeMutableRawBufferPointer.allocate(byteCount: Self.blockSize, alignment: 4096)
        }
        #if os(Linux)
        _ = posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_SEQUENTIAL))
        #endif
    }

    deinit {
        // The writer may still hold blocks: wait for it before freeing them.
        copy?.waitForAll()
        close(fd)
        for block in blocks { block.deallocate() }
    }

    /// The last `count` bytes of the file (fewer for a shorter file), read aside from the pass and not hashed:
    /// trailers such as DMG's `koly` and zip's end-of-central-directory record.
    func tail(_ count: Int) -> [UInt8] {
        let length = Int(min(Int64(count), size))
        guard length > 0 else { return [] }
        var out = [UInt8](repeating: 0, count: length)
        let got = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress, length, off_t(size - Int64(length))) }
        return got == length ? out : []
    }

    /// `count` bytes at `offset`, read aside from the pass and not hashed (a zip's central directory);
    /// empty when the file does not hold them.
    func readAside(offset: Int64, count: Int) -> [UInt8] {
        guard offset >= 0, count > 0, offset + Int64(count) <= size else { return [] }
        var out = [UInt8](repeating: 0, count: count)
        let got = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(offset)) }
        return got == count ? out : []
    }

    /// The next block of the pass (at most 1 MiB), already hashed and copied; empty at the end of the file.
    /// The bytes stay valid until the next call.
    func next() throws -> UnsafeRawBufferPointer {
        guard !finished else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        current = (current + 1) % blocks.count
        let block = blocks[current]
        try copy?.reclaim(current)
        var filled = 0
        // Fill the whole block where the file allows: fewer, larger hash and copy calls.
        while filled < Self.blockSize {
            let got = read(fd, block.baseAddress! + filled, Self.blockSize - filled)
            if got < 0 {
                if errno == EINTR { continue }
                throw InspectionError.unreadable(displayName, "read failed at byte \(position + Int64(filled)): \(Self.errnoText())")
            }
            if got == 0 { finished = true; break }
            filled += got
        }
        let chunk = UnsafeRawBufferPointer(rebasing: block[0..<filled])
        guard filled > 0 else { report(force: true); return chunk }
        position += Int64(filled)
        // The file grew while being read: its size limit still holds.
        if position > maxBytes {
            throw InspectionError(.tooLarge, code: "inspect.too-large",
                "installer '\(displayName)' grew past the intake limit of \(maxBytes) bytes while it was read")
        }
        hasher.update(chunk)
        copy?.submit(current, chunk)
        if copy != nil && position > Int64(Self.blockSize) { CrashPoint.reach("intake.copying") }
        report(force: finished)
        return chunk
    }

    /// Reads the rest of the file through the hash and the copy (a reader may stop before the end).
    func drain() throws {
        // Bounded: `next()` throws once the file passes maxInstallerBytes.
        while !finished {
            if try next().isEmpty { break }
        }
        try copy?.finish()
    }

    /// Hex SHA-256 of everything read; call after `drain()`.
    func finish() -> String {
        if let digest { return digest }
        let hex = hasher.finalizeHex()
        digest = hex
        return hex
    }

    private func report(force: Bool) {
        guard let progress else { return }
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let nanos = UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
        // At most ten reports a second, plus the final one.
        if force || lastReport == 0 || nanos &- lastReport >= 100_000_000 {
            lastReport = nanos
            progress(position, size)
        }
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}

/// Writes the copy on its own thread, overlapping the writes with hashing: block `i` of the ring is handed
/// over after it is hashed and reclaimed before it is filled again.
///
/// `@unchecked Sendable`: the file descriptor and block contents are touched only by the serial queue between
/// `submit` and the matching semaphore signal; the error is guarded by `lock`.
final class CopyWriter: @unchecked Sendable {
    static let ringSize = 4

    private let fd: Int32
    private let installer: String
    private let queue = DispatchQueue(label: "depot.inspection.copy")
    private let done: [DispatchSemaphore]
    private var pending: [Bool]
    private let lock = PThreadLock()
    private var failure: InspectionError?
    private var closed = false

    init(fd: Int32, ringSize: Int, installer: String) {
        self.fd = fd
        self.installer = installer
        done = (0..<ringSize).map { _ in DispatchSemaphore(value: 0) }
        pending = Array(repeating: false, count: ringSize)
    }

    /// Queues `chunk` (held in ring block `index`) for writing.
    func submit(_ index: Int, _ chunk: UnsafeRawBufferPointer) {
        pending[index] = true
        let start = UInt(bitPattern: chunk.baseAddress)
        let count = chunk.count
        queue.async { [self] in
            if lock.withLock({ failure == nil }) {
                let base = UnsafeRawPointer(bitPattern: start)
                var written = 0
                while written < count, let base {
                    let n = write(fd, base + written, count - written)
                    if n < 0 {
                        if errno == EINTR { continue }
                        let text = ByteSource.errnoText()
                        lock.withLock {
                            failure = InspectionError(.internal, code: "inspect.copy-failed",
                                                      "cannot write the copy of installer '\(installer)': \(text)")
                        }
                        break
                    }
                    written += n
                }
            }
            done[index].signal()
        }
    }

    /// Waits until ring block `index` is written, so it can be filled again; throws the first write failure.
    func reclaim(_ index: Int) throws {
        if pending[index] {
            done[index].wait()
            pending[index] = false
        }
        if let failure = lock.withLock({ failure }) { throw failure }
    }

    func waitForAll() {
        for index in pending.indices where pending[index] {
            done[index].wait()
            pending[index] = false
        }
        if !closed {
            closed = true
            close(fd)
        }
    }

    /// Waits for every write and closes the copy; throws the first write failure.
    func finish() throws {
        waitForAll()
        if let failure = lock.withLock({ failure }) { throw failure }
    }
}

/// A pthread mutex (Synchronization.Mutex needs macOS 15; the package supports macOS 14).
final class PThreadLock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}
