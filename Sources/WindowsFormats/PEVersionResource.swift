import Foundation

/// The version resource of a PE file (RT_VERSION → VS_VERSIONINFO): the strings Explorer shows and the fixed versions.
struct PEVersionResource {
    static let versionType: UInt32 = 16
    /// wLength is 16 bits, so a version resource is never larger than this.
    static let maxBytes = 0xFFFF
    static let maxEntriesPerDirectory = 4096
    static let fixedSignature: UInt32 = 0xFEEF_04BD

    /// StringFileInfo values by key (ProductName, CompanyName, …) from the first string table, then later ones.
    var strings: [String: String] = [:]
    /// VS_FIXEDFILEINFO versions as `a.b.c.d`.
    var fixedFileVersion: String?
    var fixedProductVersion: String?

    /// Nil when the executable has no version resource; a damaged resource tree is a defect for the caller to report.
    static func read(_ file: InstallerFile, image: PEImage) throws -> PEVersionResource? {
        guard let directory = image.directory(PEImage.resourceDirectory) else { return nil }
        guard let base = image.fileOffset(rva: directory.address), base < file.size else {
            throw FormatDefect("the resource directory at RVA \(TextDecoding.hex(directory.address)) lies outside the file's sections")
        }
        let tree = ResourceTree(file: file, base: base, size: min(Int64(directory.size), file.size - base))
        // The path is fixed (type → name → language), so the walk is three steps deep whatever the offsets say.
        guard let typeEntry = try tree.entries(at: 0).first(where: { !$0.isNamed && $0.id == versionType }) else { return nil }
        guard typeEntry.isDirectory else { throw FormatDefect("the RT_VERSION resource entry is not a directory") }
        guard let nameEntry = try tree.entries(at: typeEntry.offset).first, nameEntry.isDirectory else {
            throw FormatDefect("the RT_VERSION resource directory is empty or malformed")
        }
        guard let languageEntry = try tree.entries(at: nameEntry.offset).first, !languageEntry.isDirectory else {
            throw FormatDefect("the version resource has no data entry")
        }
        let dataEntry = try tree.read(at: languageEntry.offset, count: 16, "the version resource data entry")
        let dataRVA = dataEntry.u32(0) ?? 0
        let dataSize = Int(dataEntry.u32(4) ?? 0)
        guard dataSize <= maxBytes else {
            throw FormatDefect("the version resource claims \(dataSize) bytes; VS_VERSIONINFO is at most 64 KiB")
        }
        guard let dataOffset = image.fileOffset(rva: dataRVA), dataOffset <= file.size - Int64(dataSize) else {
            throw FormatDefect("the version resource data at RVA \(TextDecoding.hex(dataRVA)) (\(dataSize) bytes) lies outside the file")
        }
        let bytes = try file.read(at: dataOffset, count: dataSize, "the version resource")
        return try PEVersionResource(bytes: bytes)
    }

    init(bytes: [UInt8]) throws {
        guard let root = VersionBlock(bytes, at: 0, limit: bytes.count), root.key == "VS_VERSION_INFO" else {
            throw FormatDefect("the version resource does not start with a VS_VERSION_INFO block")
        }
        if root.valueLength >= 52, bytes.u32(root.valueStart) == PEVersionResource.fixedSignature {
            func version(_ at: Int) -> String? {
                guard let high = bytes.u32(root.valueStart + at), let low = bytes.u32(root.valueStart + at + 4) else { return nil }
                return "\(high >> 16).\(high & 0xFFFF).\(low >> 16).\(low & 0xFFFF)"
            }
            fixedFileVersion = version(8)
            fixedProductVersion = version(16)
        }
        for info in root.children(bytes) where info.key == "StringFileInfo" {
            for table in info.children(bytes) {
                for entry in table.children(bytes) where strings[entry.key] == nil {
                    let text = TextDecoding.string(utf16: TextDecoding.utf16Units(bytes, at: entry.valueStart, limit: entry.end))
                    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
                    if !trimmed.isEmpty { strings[entry.key] = trimmed }
                }
            }
        }
    }
}

/// One node of VS_VERSIONINFO: wLength, wValueLength, wType, a NUL-terminated UTF-16 key, value, children, each 32-bit aligned.
private struct VersionBlock {
    let key: String
    let valueStart: Int
    let valueLength: Int
    let childrenStart: Int
    let end: Int

    init?(_ bytes: [UInt8], at offset: Int, limit: Int) {
        guard let length = bytes.u16(offset).map(Int.init), let valueLength = bytes.u16(offset + 2).map(Int.init),
              let type = bytes.u16(offset + 4), length >= 6 else { return nil }
        end = min(limit, offset + length)
        let units = TextDecoding.utf16Units(bytes, at: offset + 6, limit: end)
        key = TextDecoding.string(utf16: units)
        valueStart = VersionBlock.align(offset + 6 + (units.count + 1) * 2)
        // Text values count UTF-16 units, binary values count bytes.
        self.valueLength = type == 1 ? valueLength * 2 : valueLength
        childrenStart = min(end, VersionBlock.align(valueStart + self.valueLength))
    }

    /// Each child advances the cursor by at least six bytes, so the loop ends within the block.
    func children(_ bytes: [UInt8]) -> [VersionBlock] {
        var out: [VersionBlock] = []
        var cursor = childrenStart
        while cursor + 6 <= end, let child = VersionBlock(bytes, at: cursor, limit: end) {
            out.append(child)
            cursor = VersionBlock.align(child.end)
        }
        return out
    }

    static func align(_ value: Int) -> Int { (value + 3) & ~3 }
}

/// Bounded reads inside the resource section; every offset is relative to the section's start.
private struct ResourceTree {
    struct Entry {
        let isNamed: Bool
        let id: UInt32
        let isDirectory: Bool
        let offset: Int64
    }

    let file: InstallerFile
    let base: Int64
    let size: Int64

    func read(at offset: Int64, count: Int, _ what: String) throws -> [UInt8] {
        guard offset >= 0, offset <= size - Int64(count) else {
            throw FormatDefect("\(what) at resource offset \(offset) points outside the resource section (\(size) bytes)")
        }
        return try file.read(at: base + offset, count: count, what)
    }

    func entries(at offset: Int64) throws -> [Entry] {
        let header = try read(at: offset, count: 16, "a resource directory")
        let count = Int(header.u16(12) ?? 0) + Int(header.u16(14) ?? 0)
        guard count <= PEVersionResource.maxEntriesPerDirectory else {
            throw FormatDefect("a resource directory claims \(count) entries")
        }
        let raw = try read(at: offset + 16, count: count * 8, "the entries of a resource directory")
        return (0..<count).map { index in
            let name = raw.u32(index * 8) ?? 0
            let target = raw.u32(index * 8 + 4) ?? 0
            return Entry(isNamed: name & 0x8000_0000 != 0, id: name & 0x7FFF_FFFF,
                         isDirectory: target & 0x8000_0000 != 0, offset: Int64(target & 0x7FFF_FFFF))
        }
    }
}
