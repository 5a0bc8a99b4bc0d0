import CArchive

/// Where a libarchive reader gets its bytes: the installer's single pass, or a parent archive's entry.
/// libarchive calls `next()` through a C callback; a Swift error cannot cross that boundary, so it is kept
/// in `failure` and the reader reports a fatal error that the walk then replaces with this one.
class ArchiveInput {
    var failure: Error?
    /// The next bytes, valid until the following call; empty at the end; nil on failure (with `failure` set).
    func next() -> UnsafeRawBufferPointer? { nil }
}

/// Serves the installer from the single pass, starting at `start`: first the bytes the sniffing already
/// read (and hashed), then fresh blocks.
final class PassInput: ArchiveInput {
    private let source: ByteSource
    private var pending: UnsafeMutableRawBufferPointer?
    private var skip: Int64

    /// `head` holds the first bytes of the file, already taken from `source`.
    init(source: ByteSource, head: [UInt8], start: Int64) {
        self.source = source
        if start < Int64(head.count) {
            let rest = head[Int(max(start, 0))...]
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: rest.count, alignment: 16)
            buffer.copyBytes(from: rest)
            pending = buffer
            skip = 0
        } else {
            skip = start - Int64(head.count)
        }
    }

    deinit { pending?.deallocate() }

    private var served = false

    override func next() -> UnsafeRawBufferPointer? {
        if let pending, !served {
            served = true
            return UnsafeRawBufferPointer(pending)
        }
        do {
            while true {
                let chunk = try source.next()
                if chunk.isEmpty || skip == 0 { return chunk }
                if Int64(chunk.count) <= skip {
                    skip -= Int64(chunk.count)
                    continue
                }
                let from = Int(skip)
                skip = 0
                return UnsafeRawBufferPointer(rebasing: chunk[from...])
            }
        } catch {
            failure = error
            return nil
        }
    }
}

/// Serves the data of the current entry of a parent archive, without copying (libarchive's own buffer).
/// Every byte produced is charged to the walk's expansion budget, so a nested bomb is stopped while it inflates.
final class EntryInput: ArchiveInput {
    private let parent: OpaquePointer
    private let parentDepth: Int
    private let charge: (Int64) throws -> Void
    private var expected: Int64 = 0

    init(parent: OpaquePointer, parentDepth: Int, charge: @escaping (Int64) throws -> Void) {
        self.parent = parent
        self.parentDepth = parentDepth
        self.charge = charge
    }

    override func next() -> UnsafeRawBufferPointer? {
        var buffer: UnsafeRawPointer?
        var size = 0
        var offset: la_int64_t = 0
        let status = archive_read_data_block(parent, &buffer, &size, &offset)
        if status == ARCHIVE_EOF { return UnsafeRawBufferPointer(start: nil, count: 0) }
        if status < ARCHIVE_WARN {
            failure = ArchiveFailure(depth: parentDepth, message: LibArchive.errorText(parent))
            return nil
        }
        // Sparse entries have holes that would have to be filled with zeros; no installer nests an archive that way.
        if offset != expected {
            failure = ArchiveFailure(depth: parentDepth + 1, message: "a sparse entry cannot be read as an archive")
            return nil
        }
        expected &+= Int64(size)
        do { try charge(Int64(size)) } catch {
            failure = error
            return nil
        }
        return UnsafeRawBufferPointer(start: buffer, count: size)
    }
}

private func readCallback(
    _ archive: OpaquePointer?, _ client: UnsafeMutableRawPointer?,
    _ out: UnsafeMutablePointer<UnsafeRawPointer?>?
) -> la_ssize_t {
    guard let client, let out else { return la_ssize_t(ARCHIVE_FATAL) }
    let input = Unmanaged<ArchiveInput>.fromOpaque(client).takeUnretainedValue()
    guard let chunk = input.next() else { return la_ssize_t(ARCHIVE_FATAL) }
    out.pointee = chunk.baseAddress.map { UnsafeRawPointer($0) }
    return la_ssize_t(chunk.count)
}

/// The archive formats a reader is allowed to bid for; intake chooses them from the sniffed format
/// rather than letting libarchive try everything.
struct ArchiveFormats: OptionSet {
    let rawValue: Int
    static let zip = ArchiveFormats(rawValue: 1 << 0)
    static let tar = ArchiveFormats(rawValue: 1 << 1)
    static let ar = ArchiveFormats(rawValue: 1 << 2)
    static let cpio = ArchiveFormats(rawValue: 1 << 3)
    static let xar = ArchiveFormats(rawValue: 1 << 4)
    static let cab = ArchiveFormats(rawValue: 1 << 5)
    static let iso9660 = ArchiveFormats(rawValue: 1 << 6)
    static let sevenZip = ArchiveFormats(rawValue: 1 << 7)
    /// What intake opens when it finds an archive inside an archive.
    static let nested: ArchiveFormats = [.zip, .tar, .ar, .cpio, .xar, .cab, .iso9660]
}

/// One libarchive reader; freed when released.
final class LibArchive {
    let handle: OpaquePointer
    let depth: Int
    /// Kept alive as long as the reader, which holds it as unretained client data.
    private let input: ArchiveInput?

    /// Opens a reader over `input`. Compression filters are limited to those libarchive implements itself,
    /// so hostile input can never make it start an external decompressor program.
    init(formats: ArchiveFormats, input: ArchiveInput, depth: Int) throws {
        guard let handle = archive_read_new() else {
            throw ArchiveFailure(depth: depth, message: "libarchive could not allocate a reader")
        }
        self.handle = handle
        self.depth = depth
        self.input = input
        Self.enable(handle, formats)
        let client = Unmanaged.passUnretained(input).toOpaque()
        if archive_read_open(handle, client, nil, readCallback, nil) != ARCHIVE_OK {
            if let failure = input.failure { throw failure }
            throw Self.failure(handle, depth: depth)
        }
    }

    /// Opens a reader on a file by path: only for formats that must seek (7z keeps its index at the end).
    init(formats: ArchiveFormats, path: String, depth: Int) throws {
        guard let handle = archive_read_new() else {
            throw ArchiveFailure(depth: depth, message: "libarchive could not allocate a reader")
        }
        self.handle = handle
        self.depth = depth
        self.input = nil
        Self.enable(handle, formats)
        if archive_read_open_filename(handle, path, ByteSource.blockSize) != ARCHIVE_OK {
            throw Self.failure(handle, depth: depth)
        }
    }

    deinit { archive_read_free(handle) }

    /// The input's own failure (I/O, limits), if it has one.
    var failureFromInput: Error? { input?.failure }

    /// The error a failed call left: the input's own (I/O, limits) first, else libarchive's message.
    func failure() -> Error {
        if let failure = input?.failure { return failure }
        return Self.failure(handle, depth: depth)
    }

    private static func failure(_ handle: OpaquePointer, depth: Int) -> ArchiveFailure {
        let text = errorText(handle)
        return ArchiveFailure(depth: depth, message: text, unrecognised: text.hasPrefix("Unrecognized archive format"))
    }

    static func errorText(_ handle: OpaquePointer) -> String {
        guard let text = archive_error_string(handle) else { return "unknown error" }
        return CText.lossy(text)
    }

    /// The decompressors libarchive was built with. Where a library is missing libarchive would fall back to
    /// running an external program (ARCHIVE_WARN); such filters are left out, found once on a scratch reader.
    private static let builtInFilters: [@Sendable (OpaquePointer) -> Int32] = {
        let all: [@Sendable (OpaquePointer) -> Int32] = [
            { archive_read_support_filter_gzip($0) }, { archive_read_support_filter_bzip2($0) },
            { archive_read_support_filter_xz($0) }, { archive_read_support_filter_lzma($0) },
            { archive_read_support_filter_zstd($0) },
        ]
        return all.filter { filter in
            guard let scratch = archive_read_new() else { return false }
            defer { archive_read_free(scratch) }
            return filter(scratch) == ARCHIVE_OK
        }
    }()

    private static func enable(_ handle: OpaquePointer, _ formats: ArchiveFormats) {
        for filter in builtInFilters { _ = filter(handle) }
        // Streaming zip reads local headers in order and never seeks to the central directory,
        // which keeps the hash pass strictly sequential.
        if formats.contains(.zip) { archive_read_support_format_zip_streamable(handle) }
        if formats.contains(.tar) { archive_read_support_format_tar(handle); archive_read_support_format_gnutar(handle) }
        if formats.contains(.ar) { archive_read_support_format_ar(handle) }
        if formats.contains(.cpio) { archive_read_support_format_cpio(handle) }
        if formats.contains(.xar) { archive_read_support_format_xar(handle) }
        if formats.contains(.cab) { archive_read_support_format_cab(handle) }
        if formats.contains(.iso9660) { archive_read_support_format_iso9660(handle) }
        if formats.contains(.sevenZip) { archive_read_support_format_7zip(handle) }
    }
}
