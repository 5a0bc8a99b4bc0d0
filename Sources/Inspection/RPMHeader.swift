/// The RPM lead, signature header and main header, parsed from bytes intake has already read.
/// Layout: a 96-byte lead; the signature header (padded to 8 bytes); the main header; then the payload,
/// a compressed cpio archive. Each header: magic 8E AD E8 01, 4 reserved bytes, index count and store size
/// (big-endian), 16-byte index entries (tag, type, offset, count), then the store.
struct RPMHeader {
    static let leadSize = 96
    /// Headers larger than this are refused as hostile; the largest real ones are a few MiB.
    static let maxHeaderBytes = 16 << 20

    enum Tag: Int32 {
        case name = 1000, version = 1001, release = 1002, epoch = 1003, vendor = 1011
        case license = 1014, packager = 1015, os = 1021, arch = 1022
    }

    private(set) var strings: [Int32: String] = [:]
    private(set) var integers: [Int32: Int64] = [:]

    func string(_ tag: Tag) -> String? { strings[tag.rawValue] }
    func integer(_ tag: Tag) -> Int64? { integers[tag.rawValue] }

    /// Where one header structure starts and ends.
    struct Extent {
        var start: Int
        var indexCount: Int
        var storeSize: Int
        var end: Int { start + 16 + indexCount * 16 + storeSize }
    }

    enum ParseError: Error {
        case message(String)
        /// A budget from `intake.yaml` was exceeded: the installer is refused as hostile.
        case budget(String)
    }

    /// The longest string value kept from a header; names, versions and licences are far shorter.
    static let maxStringBytes = 4096

    /// Reads the extent of the header at `start`, asking `ensure` for the bytes it needs (false at end of file).
    /// More than `maxTags` index entries is refused naming the `intake.yaml` key.
    static func extent(at start: Int, maxTags: Int, in bytes: () -> [UInt8], ensure: (Int) throws -> Bool) throws -> Extent {
        guard try ensure(start + 16) else { throw ParseError.message("the file ends inside an RPM header") }
        let b = bytes()
        guard Array(b[start..<start + 4]) == [0x8E, 0xAD, 0xE8, 0x01] else {
            throw ParseError.message("an RPM header at byte \(start) lacks its magic number")
        }
        let count = Int(Self.be32(b, start + 8))
        let store = Int(Self.be32(b, start + 12))
        guard count <= maxTags else {
            throw ParseError.budget("the RPM header at byte \(start) has \(count) tags; the limit is \(maxTags) (intake.yaml: maxRpmHeaderTags)")
        }
        guard count <= 1 << 20, store <= maxHeaderBytes, 16 + count * 16 + store <= maxHeaderBytes else {
            throw ParseError.message("an RPM header claims \(count) tags and \(store) bytes of data, more than any real package")
        }
        let extent = Extent(start: start, indexCount: count, storeSize: store)
        guard try ensure(extent.end) else { throw ParseError.message("the file ends inside an RPM header") }
        return extent
    }

    /// Decodes the tags intake needs from a header whose bytes are all present. Each tag is read once (the first
    /// index entry naming it), within the store, and a string is scanned at most `maxStringBytes` for its end, so
    /// half a million NAME entries pointing at one unterminated 8 MiB string cost one short scan, not N × S.
    init(_ b: [UInt8], _ extent: Extent) throws {
        let storeStart = extent.start + 16 + extent.indexCount * 16
        let storeEnd = storeStart + extent.storeSize
        var read = Set<Int32>()
        for index in 0..<extent.indexCount {
            let at = extent.start + 16 + index * 16
            let tag = Int32(bitPattern: Self.be32(b, at))
            let type = Self.be32(b, at + 4)
            let offset = Int(Self.be32(b, at + 8))
            guard let known = Tag(rawValue: tag), offset < extent.storeSize else { continue }
            guard read.insert(tag).inserted else { continue }
            let from = storeStart + offset
            switch type {
            case 6, 8, 9:  // STRING, STRING_ARRAY, I18NSTRING: the first string
                let limit = min(storeEnd, from + Self.maxStringBytes)
                guard let end = b[from..<limit].firstIndex(of: 0) else {
                    if limit == storeEnd {
                        throw ParseError.message("the RPM header's \(known) string at store offset \(offset) is not terminated within the header")
                    }
                    throw ParseError.message("the RPM header's \(known) string at store offset \(offset) is longer than \(Self.maxStringBytes) bytes")
                }
                strings[tag] = String(decoding: b[from..<end], as: UTF8.self)
            case 4 where from + 4 <= storeEnd:  // INT32
                integers[tag] = Int64(Self.be32(b, from))
            default:
                continue
            }
        }
    }

    static func be32(_ b: [UInt8], _ at: Int) -> UInt32 {
        UInt32(b[at]) << 24 | UInt32(b[at + 1]) << 16 | UInt32(b[at + 2]) << 8 | UInt32(b[at + 3])
    }
}
