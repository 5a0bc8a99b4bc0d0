/// The headers of a PE executable: machine, 32/64-bit, data directories and sections.
struct PEImage {
    struct Section {
        let name: String
        let virtualSize: UInt32
        let virtualAddress: UInt32
        let rawSize: UInt32
        let rawPointer: UInt32
    }

    struct DataDirectory {
        let address: UInt32
        let size: UInt32
    }

    static let resourceDirectory = 2
    static let certificateDirectory = 4
    /// The loader refuses more than 96 sections; a larger table is no executable Windows would run.
    static let maxSections = 96

    let machine: UInt16
    let is64Bit: Bool
    /// File offset of the optional header's CheckSum field, which Authenticode leaves out of the digest.
    let checksumOffset: Int64
    /// File offset of the certificate table's data directory entry, also left out of the digest; nil when absent.
    let certificateEntryOffset: Int64?
    let directories: [DataDirectory]
    let sections: [Section]
    let sizeOfHeaders: UInt32
    /// Where data appended after the last section begins (installers keep their payload there).
    let overlayStart: Int64

    init(file: InstallerFile) throws {
        let dos = try file.read(at: 0, count: 64, "the DOS header")
        guard dos[0] == 0x4D, dos[1] == 0x5A else { throw FormatDefect("the file does not start with 'MZ'") }
        let peOffset = Int64(dos.u32(0x3C) ?? 0)
        guard peOffset >= 4, peOffset <= file.size - 24 else {
            throw FormatDefect("the PE header offset \(peOffset) lies outside the file (\(file.size) bytes): the file is truncated or not a PE executable")
        }
        let coff = try file.read(at: peOffset, count: 24, "the PE signature and COFF header")
        guard Array(coff.prefix(4)) == [0x50, 0x45, 0, 0] else {
            throw FormatDefect("there is no PE signature at offset \(peOffset); this is a DOS program or not an executable")
        }
        machine = coff.u16(4) ?? 0
        let sectionCount = Int(coff.u16(6) ?? 0)
        let optionalSize = Int(coff.u16(20) ?? 0)
        let optionalOffset = peOffset + 24
        let optional = try file.read(at: optionalOffset, count: optionalSize, "the optional header (\(optionalSize) bytes)")
        let magic = optional.u16(0) ?? 0
        switch magic {
        case 0x10B: is64Bit = false
        case 0x20B: is64Bit = true
        default:
            throw FormatDefect("the optional header magic is \(TextDecoding.hex(UInt32(magic), width: 4)), neither PE32 (0x010B) nor PE32+ (0x020B)")
        }
        let directoryStart = is64Bit ? 112 : 96
        guard optionalSize >= directoryStart else {
            throw FormatDefect("the optional header is \(optionalSize) bytes, too short for a \(is64Bit ? "PE32+" : "PE32") header")
        }
        checksumOffset = optionalOffset + 64
        sizeOfHeaders = optional.u32(60) ?? 0
        let declared = Int(optional.u32(directoryStart - 4) ?? 0)
        let count = min(declared, 16, (optionalSize - directoryStart) / 8)
        directories = (0..<count).map { index in
            DataDirectory(address: optional.u32(directoryStart + index * 8) ?? 0,
                          size: optional.u32(directoryStart + index * 8 + 4) ?? 0)
        }
        certificateEntryOffset = count > PEImage.certificateDirectory
            ? optionalOffset + Int64(directoryStart + PEImage.certificateDirectory * 8) : nil

        guard sectionCount <= PEImage.maxSections else {
            throw FormatDefect("the COFF header declares \(sectionCount) sections; Windows loads at most \(PEImage.maxSections)")
        }
        let table = try file.read(at: optionalOffset + Int64(optionalSize), count: sectionCount * 40,
                                  "the section table (\(sectionCount) sections)")
        var sections: [Section] = []
        var end = Int64(max(sizeOfHeaders, 0))
        for index in 0..<sectionCount {
            let base = index * 40
            let nameBytes = table.slice(base, 8).prefix { $0 != 0 }
            let section = Section(
                name: String(decoding: nameBytes, as: UTF8.self),
                virtualSize: table.u32(base + 8) ?? 0, virtualAddress: table.u32(base + 12) ?? 0,
                rawSize: table.u32(base + 16) ?? 0, rawPointer: table.u32(base + 20) ?? 0)
            if section.rawSize > 0 {
                let sectionEnd = Int64(section.rawPointer) + Int64(section.rawSize)
                guard sectionEnd <= file.size else {
                    throw FormatDefect("section '\(section.name)' needs bytes up to offset \(sectionEnd), but the file ends at \(file.size): the file is truncated")
                }
                end = max(end, sectionEnd)
            }
            sections.append(section)
        }
        self.sections = sections
        overlayStart = min(end, file.size)
    }

    var architecture: String {
        switch machine {
        case 0x014C: "x86"
        case 0x8664: "x64"
        case 0xAA64: "arm64"
        case 0xA641: "arm64ec"
        case 0x01C0, 0x01C2, 0x01C4: "arm"
        case 0x0200: "ia64"
        default: "unknown-\(TextDecoding.hex(UInt32(machine), width: 4))"
        }
    }

    func directory(_ index: Int) -> DataDirectory? {
        guard index < directories.count, directories[index].size > 0 else { return nil }
        return directories[index]
    }

    /// The file offset of a relative virtual address, or nil when no section's raw data holds it.
    func fileOffset(rva: UInt32) -> Int64? {
        if rva < sizeOfHeaders { return Int64(rva) }
        for section in sections {
            let span = max(section.virtualSize, section.rawSize)
            guard rva >= section.virtualAddress, UInt64(rva) < UInt64(section.virtualAddress) + UInt64(span) else { continue }
            let delta = rva - section.virtualAddress
            guard delta < section.rawSize else { return nil }
            return Int64(section.rawPointer) + Int64(delta)
        }
        return nil
    }
}
