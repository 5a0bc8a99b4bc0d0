/// What the first bytes (and the DMG trailer) say a file is.
enum SniffedFormat: Equatable {
    case windows(msi: Bool)
    case zip
    /// A Chrome extension: the zip starts at `zipStart`, or nil when the CRX version is unknown.
    case crx(zipStart: Int64?)
    case deb
    /// An `ar` archive that is not a Debian package.
    case ar
    case rpm
    case xar
    case sevenZip
    case cab
    case iso9660
    case tar
    /// Compressed data (gzip, bzip2, xz, zstd, lzma): a tarball if libarchive finds tar inside.
    case compressed(String)
    case dmg
    case unknown
}

enum FormatSniffer {
    static func sniff(head: [UInt8], tail: [UInt8], windowsRecognises: ([UInt8]) -> Bool) -> SniffedFormat {
        func has(_ magic: [UInt8], at offset: Int = 0) -> Bool {
            head.count >= offset + magic.count && Array(head[offset..<offset + magic.count]) == magic
        }
        // The primary volume descriptor sits at sector 16, whatever the first sectors hold (hybrid boot images).
        if has(Array("CD001".utf8), at: 32769) { return .iso9660 }
        if windowsRecognises(Array(head.prefix(1 << 16))) {
            return .windows(msi: has([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]))
        }
        if has([0x50, 0x4B, 0x03, 0x04]) || has([0x50, 0x4B, 0x05, 0x06]) || has([0x50, 0x4B, 0x07, 0x08]) { return .zip }
        if has(Array("Cr24".utf8)) { return .crx(zipStart: crxZipStart(head)) }
        if has(Array("!<arch>\n".utf8)) {
            // Too short to name its first member: a truncated package, which the Debian reader reports.
            return has(Array("debian-binary".utf8), at: 8) || head.count < 8 + 16 ? .deb : .ar
        }
        if has([0xED, 0xAB, 0xEE, 0xDB]) { return .rpm }
        if has(Array("xar!".utf8)) { return .xar }
        if has([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]) { return .sevenZip }
        if has(Array("MSCF".utf8)) { return .cab }
        if has(Array("ustar".utf8), at: 257) { return .tar }
        if has([0x1F, 0x8B]) { return .compressed("gzip") }
        if has(Array("BZh".utf8)) { return .compressed("bzip2") }
        if has([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { return .compressed("xz") }
        if has([0x28, 0xB5, 0x2F, 0xFD]) { return .compressed("zstd") }
        if has([0x5D, 0x00, 0x00]) { return .compressed("lzma") }
        if tail.count >= 512, Array(tail[(tail.count - 512)...].prefix(4)) == Array("koly".utf8) { return .dmg }
        return .unknown
    }

    /// A zip's end-of-central-directory record, found in the file's last bytes.
    struct ZipEnd: Equatable {
        /// Entries the central directory lists, or nil for zip64 archives.
        var entries: Int?
        var centralDirectorySize: Int64
        /// Where the record starts, counted from the start of the file.
        var offset: Int64
    }

    /// Finds the end record in `tail` (the last bytes of a file of `fileSize` bytes); nil when there is none,
    /// which means the zip is truncated.
    static func zipEnd(_ tail: [UInt8], fileSize: Int64) -> ZipEnd? {
        guard tail.count >= 22 else { return nil }
        var index = tail.count - 22
        while index >= 0 {
            if tail[index] == 0x50, tail[index + 1] == 0x4B, tail[index + 2] == 0x05, tail[index + 3] == 0x06 {
                let commentLength = Int(tail[index + 20]) | Int(tail[index + 21]) << 8
                if index + 22 + commentLength <= tail.count {
                    let count = Int(tail[index + 10]) | Int(tail[index + 11]) << 8
                    let size = Int64(tail[index + 12]) | Int64(tail[index + 13]) << 8 | Int64(tail[index + 14]) << 16 | Int64(tail[index + 15]) << 24
                    return ZipEnd(entries: count == 0xFFFF || size == 0xFFFF_FFFF ? nil : count, centralDirectorySize: size,
                                  offset: fileSize - Int64(tail.count) + Int64(index))
                }
            }
            index -= 1
        }
        return nil
    }

    /// Names of the symbolic links a zip's central directory records (Unix mode in the external attributes).
    /// Streaming reads see only local headers, which do not carry the mode, so links are found here.
    static func zipSymlinks(centralDirectory cd: [UInt8], limit: Int) -> [String] {
        var links: [String] = []
        var at = 0
        // Each record is at least 46 bytes, so the loop ends.
        while at + 46 <= cd.count, links.count < limit {
            guard cd[at] == 0x50, cd[at + 1] == 0x4B, cd[at + 2] == 0x01, cd[at + 3] == 0x02 else { break }
            let madeBy = cd[at + 5]
            let nameLength = Int(cd[at + 28]) | Int(cd[at + 29]) << 8
            let extraLength = Int(cd[at + 30]) | Int(cd[at + 31]) << 8
            let commentLength = Int(cd[at + 32]) | Int(cd[at + 33]) << 8
            let mode = (Int(cd[at + 40]) | Int(cd[at + 41]) << 8) & 0o170000
            let nameEnd = at + 46 + nameLength
            guard nameEnd <= cd.count else { break }
            if madeBy == 3 && mode == 0o120000 {
                links.append(String(decoding: cd[(at + 46)..<nameEnd], as: UTF8.self))
            }
            at = nameEnd + extraLength + commentLength
        }
        return links
    }

    /// CRX2: "Cr24", version 2, public key length, signature length, then both; CRX3: "Cr24", version 3,
    /// header length, then a protobuf header. The zip follows.
    static func crxZipStart(_ head: [UInt8]) -> Int64? {
        func le32(_ offset: Int) -> Int64? {
            guard head.count >= offset + 4 else { return nil }
            return Int64(head[offset]) | Int64(head[offset + 1]) << 8 | Int64(head[offset + 2]) << 16 | Int64(head[offset + 3]) << 24
        }
        guard let version = le32(4) else { return nil }
        switch version {
        case 3: return le32(8).map { 12 + $0 }
        case 2:
            guard let key = le32(8), let signature = le32(12) else { return nil }
            return 16 + key + signature
        default: return nil
        }
    }
}
