#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DepotModel

/// Random access to an installer on disk: installers can be gigabytes, so readers ask for the bytes they need.
final class InstallerFile {
    let path: String
    let size: Int64
    // Owned descriptor, closed in deinit; the object is used by one reader on one thread.
    private let descriptor: Int32
    let limits: WindowsReadLimits
    /// Bytes handed out so far, against `maxBytesRead`.
    private(set) var bytesRead: Int64 = 0
    private let maxBytesRead: Int64
    private let deadline: ContinuousClock.Instant

    init(path: String, limits: WindowsReadLimits = .standard) throws {
        self.path = path
        self.limits = limits
        deadline = ContinuousClock.now + .seconds(limits.maxSeconds)
        switch RegularFile.openForReading(path) {
        case .success(let opened):
            descriptor = opened.descriptor
            size = opened.size
        case .failure(let failure):
            throw WindowsFormatError.io(path, "cannot open the file (\(failure.reason))")
        }
        let (product, overflow) = size.multipliedReportingOverflow(by: Int64(max(1, limits.maxReadMultiple)))
        maxBytesRead = overflow ? Int64.max : max(product, WindowsReadLimits.readFloor)
    }

    deinit { close(descriptor) }

    /// Counts `count` bytes against the read budget and checks the time budget.
    private func charge(_ count: Int) throws {
        bytesRead += Int64(count)
        if bytesRead > maxBytesRead {
            throw BudgetExceeded("reading it needs more than \(Grouped.digits(maxBytesRead)) bytes from disk, "
                + "\(limits.maxReadMultiple) times its size of \(Grouped.digits(size)) bytes: its structures point at "
                + "the same data again and again (intake.yaml: maxReadMultiple)")
        }
        try checkTime()
    }

    /// Throws once the reader has spent its wall-clock budget on this installer.
    func checkTime() throws {
        if ContinuousClock.now > deadline {
            throw BudgetExceeded("reading it took longer than \(limits.maxSeconds) seconds, the limit for one installer "
                + "(intake.yaml: maxSecondsPerInstaller)")
        }
    }

    /// Exactly `count` bytes at `offset`; a range past the end is a defect described by `what`.
    func read(at offset: Int64, count: Int, _ what: @autoclosure () -> String) throws -> [UInt8] {
        guard count >= 0, offset >= 0, offset <= size, Int64(count) <= size - offset else {
            throw FormatDefect("\(what()) needs \(count) bytes at offset \(offset), but the file is only \(size) bytes")
        }
        return try readAvailable(at: offset, maxCount: count)
    }

    /// Up to `maxCount` bytes at `offset`, fewer at the end of the file.
    func readAvailable(at offset: Int64, maxCount: Int) throws -> [UInt8] {
        guard offset >= 0, offset < size, maxCount > 0 else { return [] }
        let count = Int(min(Int64(maxCount), size - offset))
        var out = [UInt8](repeating: 0, count: count)
        let got = try out.withUnsafeMutableBytes { try fill($0, at: offset) }
        if got < count { out.removeLast(count - got) }
        return out
    }

    /// Fills the buffer from `offset`, returning how many bytes were read (fewer only at the end of the file).
    func fill(_ buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        try charge(buffer.count)
        var done = 0
        while done < buffer.count {
            let result = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset + Int64(done)))
            if result < 0 {
                if errno == EINTR { continue }
                throw WindowsFormatError.io(path, "read failed at offset \(offset + Int64(done)) (\(String(cString: strerror(errno))))")
            }
            if result == 0 { break }
            done += result
        }
        return done
    }
}

extension Array where Element == UInt8 {
    func u8(_ offset: Int) -> UInt8? {
        offset >= 0 && offset < count ? self[offset] : nil
    }

    func u16(_ offset: Int) -> UInt16? {
        guard offset >= 0, offset <= count - 2 else { return nil }
        return UInt16(self[offset]) | UInt16(self[offset + 1]) << 8
    }

    func u32(_ offset: Int) -> UInt32? {
        guard offset >= 0, offset <= count - 4 else { return nil }
        return UInt32(self[offset]) | UInt32(self[offset + 1]) << 8 | UInt32(self[offset + 2]) << 16
            | UInt32(self[offset + 3]) << 24
    }

    func u64(_ offset: Int) -> UInt64? {
        guard let low = u32(offset), let high = u32(offset + 4) else { return nil }
        return UInt64(low) | UInt64(high) << 32
    }

    /// Little-endian reads that report which structure ran short.
    func u16(_ offset: Int, _ what: @autoclosure () -> String) throws -> UInt16 {
        guard let value = u16(offset) else { throw FormatDefect("\(what()) is cut short") }
        return value
    }

    func u32(_ offset: Int, _ what: @autoclosure () -> String) throws -> UInt32 {
        guard let value = u32(offset) else { throw FormatDefect("\(what()) is cut short") }
        return value
    }

    /// Bytes `offset..<offset+length`, clamped to the array.
    func slice(_ offset: Int, _ length: Int) -> [UInt8] {
        guard offset >= 0, offset < count, length > 0 else { return [] }
        return Array(self[offset..<Swift.min(count, offset + Swift.min(length, count - offset))])
    }
}

/// Text helpers shared by the readers.
enum TextDecoding {
    /// UTF-16LE code units from `bytes` starting at `offset`, up to a NUL or `limit` bytes.
    static func utf16Units(_ bytes: [UInt8], at offset: Int, limit: Int) -> [UInt16] {
        var units: [UInt16] = []
        var cursor = offset
        let end = Swift.min(limit, bytes.count)
        while cursor + 2 <= end {
            let unit = UInt16(bytes[cursor]) | UInt16(bytes[cursor + 1]) << 8
            if unit == 0 { break }
            units.append(unit)
            cursor += 2
        }
        return units
    }

    static func string(utf16 units: [UInt16]) -> String {
        String(decoding: units, as: UTF16.self)
    }

    static func hex(_ value: UInt32, width: Int = 8) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: Swift.max(0, width - digits.count)) + digits
    }
}
