/// A reader for Microsoft's Compound File Binary format (MS-CFB), the container of MSI packages.
///
/// Every sector number is checked against the file, because a hostile file can point anywhere. Each sector
/// belongs to at most one structure (a FAT or DIFAT sector, the directory, the mini FAT, the mini stream, one
/// stream), and that is checked once when the file is opened, so chains that loop or that several streams share
/// (one 4 MiB chain named by 60,000 entries makes a signature digest hash 234 GiB) are refused before anything
/// is read twice. Stream contents are read on demand, never all at once.
final class CompoundFile {
    static let signature: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
    static let endOfChain: UInt32 = 0xFFFF_FFFE
    static let freeSector: UInt32 = 0xFFFF_FFFF
    static let noStream: UInt32 = 0xFFFF_FFFF
    static let miniSectorSize = 64
    static let miniStreamCutoff: UInt64 = 4096
    /// A directory bigger than this (65,536 entries) is not an installer anyone ships; real MSIs have hundreds.
    static let maxDirectoryBytes = 8 << 20
    /// The mini stream holds only streams under 4 KiB; MSIs keep it well under a few MiB.
    static let maxMiniStreamBytes = 16 << 20
    static let maxStorageDepth = 32

    enum EntryType: UInt8 {
        case unknown = 0, storage = 1, stream = 2, lockBytes = 3, property = 4, root = 5
    }

    struct Entry {
        let index: Int
        /// The name as stored: UTF-16LE bytes including the terminator (`nameLength` bytes), used for MSI hashing.
        let rawName: [UInt8]
        let nameUnits: [UInt16]
        let type: UInt8
        let left: UInt32
        let right: UInt32
        let child: UInt32
        let clsid: [UInt8]
        let stateBits: [UInt8]
        let created: [UInt8]
        let modified: [UInt8]
        let startSector: UInt32
        let size: UInt64
        /// The size field's low four bytes as stored, which MSI pre-hashing uses.
        let sizeBytes: [UInt8]

        var name: String { TextDecoding.string(utf16: nameUnits) }
        var isStream: Bool { type == EntryType.stream.rawValue }
        var isStorage: Bool { type == EntryType.storage.rawValue }
    }

    let file: InstallerFile
    let majorVersion: UInt16
    let sectorSize: Int
    /// Sectors after the header that the file actually holds.
    let sectorCount: Int
    private var fat: [UInt32] = []
    private var miniFat: [UInt32] = []
    private(set) var entries: [Entry] = []
    /// Entry indices directly inside each storage (keyed by the storage's entry index; 0 is the root).
    private(set) var children: [Int: [Int]] = [:]
    private var miniStream: [UInt8]?
    /// One bit per sector (and per mini sector): set once a structure owns it.
    private var claimed: SectorBitmap
    private var miniClaimed = SectorBitmap(count: 0)

    private let firstDirectorySector: UInt32
    private let firstMiniFATSector: UInt32
    private let miniFATSectorCount: UInt32

    init(file: InstallerFile) throws {
        self.file = file
        let header = try file.read(at: 0, count: 512, "the compound file header")
        guard Array(header.prefix(8)) == CompoundFile.signature else {
            throw FormatDefect("the compound file signature is missing")
        }
        guard header.u16(28) == 0xFFFE else {
            throw FormatDefect("the compound file byte-order mark is \(TextDecoding.hex(UInt32(header.u16(28) ?? 0), width: 4)), not 0xFFFE")
        }
        majorVersion = header.u16(26) ?? 0
        let sectorShift = Int(header.u16(30) ?? 0)
        // Version 3 files use 512-byte sectors, version 4 files 4096; anything else would make offsets meaningless.
        guard sectorShift == 9 || sectorShift == 12 else {
            throw FormatDefect("the sector shift is \(sectorShift); a compound file uses 9 (512-byte) or 12 (4096-byte) sectors")
        }
        let miniShift = header.u16(32) ?? 0
        guard miniShift == 6 else {
            throw FormatDefect("the mini sector shift is \(miniShift), not 6")
        }
        let cutoff = header.u32(56) ?? 0
        guard UInt64(cutoff) == CompoundFile.miniStreamCutoff else {
            throw FormatDefect("the mini stream cutoff is \(cutoff), not 4096")
        }
        sectorSize = 1 << sectorShift
        let afterHeader = file.size - Int64(sectorSize)
        guard afterHeader > 0 else { throw FormatDefect("the compound file has a header but no sectors") }
        let count = (afterHeader + Int64(sectorSize) - 1) / Int64(sectorSize)
        guard count < Int64(0xFFFF_FFFA) else { throw FormatDefect("the file has more sectors than a compound file can address", kind: .tooLarge) }
        sectorCount = Int(count)
        claimed = SectorBitmap(count: sectorCount)

        firstDirectorySector = header.u32(48) ?? CompoundFile.endOfChain
        firstMiniFATSector = header.u32(60) ?? CompoundFile.endOfChain
        miniFATSectorCount = header.u32(64) ?? 0

        try loadFAT(header: header)
        try loadDirectory()
        try loadMiniFAT()
        try buildTree()
        try claimStreams()
    }

    // MARK: - FAT and DIFAT

    private func loadFAT(header: [UInt8]) throws {
        let declared = Int(header.u32(44) ?? 0)
        guard declared <= sectorCount else {
            throw FormatDefect("the header declares \(declared) FAT sectors, but the file holds only \(sectorCount) sectors")
        }
        let perSector = sectorSize / 4
        // FAT entries past the sectors that exist can never be followed, so read only as many FAT sectors as matter.
        let needed = min(declared, (sectorCount + perSector - 1) / perSector)
        var locations: [UInt32] = []
        locations.reserveCapacity(needed)
        for slot in 0..<109 where locations.count < needed {
            locations.append(header.u32(76 + slot * 4) ?? CompoundFile.freeSector)
        }
        var difatSector = header.u32(68) ?? CompoundFile.endOfChain
        var visited = Set<UInt32>()
        while locations.count < needed {
            guard difatSector != CompoundFile.endOfChain, difatSector != CompoundFile.freeSector else {
                throw FormatDefect("the DIFAT chain ends after \(locations.count) of \(needed) FAT sector locations")
            }
            guard Int(difatSector) < sectorCount else {
                throw FormatDefect("DIFAT sector \(difatSector) lies past the end of the file (\(sectorCount) sectors)")
            }
            guard visited.insert(difatSector).inserted else {
                throw FormatDefect("the DIFAT chain loops back to sector \(difatSector)")
            }
            guard claimed.claim(Int(difatSector)) else {
                throw FormatDefect("DIFAT sector \(difatSector) is also used by another structure; each sector belongs to at most one")
            }
            let sector = try readSector(difatSector, "DIFAT sector \(difatSector)")
            for slot in 0..<(perSector - 1) where locations.count < needed {
                locations.append(sector.u32(slot * 4) ?? CompoundFile.freeSector)
            }
            difatSector = sector.u32(sectorSize - 4) ?? CompoundFile.endOfChain
        }
        fat.reserveCapacity(needed * perSector)
        for (position, location) in locations.enumerated() {
            guard Int(location) < sectorCount else {
                throw FormatDefect("FAT sector #\(position) is said to be at sector \(location), past the end of the file (\(sectorCount) sectors)")
            }
            // A DIFAT that names one sector 131,072 times would otherwise make a 64 MiB FAT out of 512 bytes.
            guard claimed.claim(Int(location)) else {
                throw FormatDefect("FAT sector #\(position) is said to be at sector \(location), which the DIFAT already names "
                    + "or another structure uses; each sector belongs to at most one")
            }
            let sector = try readSector(location, "FAT sector \(location)")
            for slot in 0..<perSector {
                fat.append(sector.u32(slot * 4) ?? CompoundFile.freeSector)
            }
        }
    }

    private func readSector(_ sector: UInt32, _ what: @autoclosure () -> String) throws -> [UInt8] {
        try file.read(at: offset(ofSector: sector), count: sectorSize, what())
    }

    private func offset(ofSector sector: UInt32) -> Int64 {
        (Int64(sector) + 1) * Int64(sectorSize)
    }

    // MARK: - Chains

    /// Follows a FAT chain from `start`, calling `visit` with each sector until it returns false or the chain ends.
    /// With `claiming`, each sector is marked as owned, and one already owned (by this chain: a loop; by another
    /// structure: a shared chain) is a defect. Chains are claimed when the file is opened, so later walks cannot
    /// loop; the step bound is a second line of defence.
    private func walkFAT(from start: UInt32, _ what: String, claiming: Bool = false,
                         visit: (UInt32) throws -> Bool) throws {
        var sector = start
        var steps = 0
        while sector != CompoundFile.endOfChain {
            guard Int(sector) < sectorCount, Int(sector) < fat.count else {
                throw FormatDefect("the sector chain of \(what) runs to sector \(TextDecoding.hex(sector)), past the end of the file (\(sectorCount) sectors)")
            }
            steps += 1
            if claiming, !claimed.claim(Int(sector)) {
                throw try sharedSector(sector, chain: start, steps: steps, what, next: { fat[Int($0)] })
            }
            guard steps <= sectorCount else {
                throw FormatDefect("the sector chain of \(what) loops back to sector \(sector)")
            }
            guard try visit(sector) else { return }
            sector = fat[Int(sector)]
        }
    }

    /// The defect for a sector claimed twice: a loop when the chain itself passed it before, else a shared sector.
    private func sharedSector(_ sector: UInt32, chain start: UInt32, steps: Int, _ what: String,
                              mini: Bool = false, next: (UInt32) -> UInt32) throws -> FormatDefect {
        var cursor = start
        for _ in 1..<steps {
            if cursor == sector {
                return FormatDefect("the \(mini ? "mini sector" : "sector") chain of \(what) loops back to \(mini ? "mini sector" : "sector") \(sector)")
            }
            cursor = next(cursor)
        }
        return FormatDefect("\(mini ? "mini sector" : "sector") \(sector) of \(what) already belongs to another stream or structure; "
            + "each sector of a compound file belongs to at most one stream")
    }

    private func walkMiniFAT(from start: UInt32, _ what: String, claiming: Bool = false,
                             visit: (UInt32) throws -> Bool) throws {
        var sector = start
        var steps = 0
        while sector != CompoundFile.endOfChain {
            guard Int(sector) < miniFat.count else {
                throw FormatDefect("the mini sector chain of \(what) runs to mini sector \(TextDecoding.hex(sector)), past the end of the mini FAT (\(miniFat.count) entries)")
            }
            steps += 1
            if claiming, !miniClaimed.claim(Int(sector)) {
                throw try sharedSector(sector, chain: start, steps: steps, what, mini: true, next: { miniFat[Int($0)] })
            }
            guard steps <= miniFat.count else {
                throw FormatDefect("the mini sector chain of \(what) loops back to mini sector \(sector)")
            }
            guard try visit(sector) else { return }
            sector = miniFat[Int(sector)]
        }
    }

    /// All bytes of a regular-sector chain, at most `limit` bytes: a longer chain is refused, or with
    /// `truncating` cut off, for structures whose size the header already states.
    private func readChain(from start: UInt32, limit: Int, truncating: Bool = false, _ what: String) throws -> [UInt8] {
        var out: [UInt8] = []
        try walkFAT(from: start, what, claiming: true) { sector in
            guard out.count + sectorSize <= limit else {
                if truncating { return false }
                throw FormatDefect("\(what) is larger than \(limit) bytes", kind: .tooLarge)
            }
            out += try readSector(sector, "sector \(sector) of \(what)")
            return true
        }
        return out
    }

    // MARK: - Directory

    private func loadDirectory() throws {
        let bytes = try readChain(from: firstDirectorySector, limit: CompoundFile.maxDirectoryBytes, "the directory")
        guard bytes.count >= 128 else { throw FormatDefect("the directory is empty") }
        let count = bytes.count / 128
        entries.reserveCapacity(count)
        for index in 0..<count {
            entries.append(CompoundFile.parseEntry(Array(bytes[(index * 128)..<(index * 128 + 128)]), index: index,
                                                   version: majorVersion))
        }
        guard entries[0].type == EntryType.root.rawValue else {
            throw FormatDefect("the first directory entry is not the root storage (type \(entries[0].type))")
        }
    }

    private static func parseEntry(_ raw: [UInt8], index: Int, version: UInt16) -> Entry {
        let nameLength = Int(raw.u16(64) ?? 0)
        let usable = nameLength >= 2 && nameLength <= 64 && nameLength % 2 == 0 ? nameLength : 0
        let units = usable > 0 ? TextDecoding.utf16Units(raw, at: 0, limit: usable - 2) : []
        var size = raw.u64(120) ?? 0
        // Version 3 writers may leave garbage in the high half; the specification says to ignore it.
        if version == 3 { size &= 0xFFFF_FFFF }
        return Entry(index: index, rawName: Array(raw.prefix(usable)), nameUnits: units, type: raw[66],
                     left: raw.u32(68) ?? noStream, right: raw.u32(72) ?? noStream, child: raw.u32(76) ?? noStream,
                     clsid: raw.slice(80, 16), stateBits: raw.slice(96, 4), created: raw.slice(100, 8),
                     modified: raw.slice(108, 8), startSector: raw.u32(116) ?? endOfChain, size: size,
                     sizeBytes: raw.slice(120, 4))
    }

    /// Collects each storage's members by walking its red-black tree of siblings; an entry seen twice is a cycle.
    private func buildTree() throws {
        var seen = Set<Int>([0])
        var pending: [(storage: Int, depth: Int)] = [(0, 0)]
        while let (storage, depth) = pending.popLast() {
            guard depth <= CompoundFile.maxStorageDepth else {
                throw FormatDefect("storages are nested more than \(CompoundFile.maxStorageDepth) deep")
            }
            var members: [Int] = []
            var stack: [UInt32] = [entries[storage].child]
            while let id = stack.popLast() {
                if id == CompoundFile.noStream { continue }
                guard Int(id) < entries.count else {
                    throw FormatDefect("directory entry \(storage) leads to entry \(id), but the directory has only \(entries.count) entries")
                }
                let index = Int(id)
                guard seen.insert(index).inserted else {
                    throw FormatDefect("directory entry \(index) is reached twice: the directory tree has a cycle")
                }
                let entry = entries[index]
                guard entry.isStream || entry.isStorage else {
                    throw FormatDefect("directory entry \(index) in the tree has type \(entry.type), neither stream nor storage")
                }
                guard !entry.rawName.isEmpty else {
                    throw FormatDefect("directory entry \(index) has an invalid name length")
                }
                members.append(index)
                stack.append(entry.left)
                stack.append(entry.right)
                if entry.isStorage { pending.append((index, depth + 1)) }
            }
            children[storage] = members
        }
    }

    // MARK: - Mini stream

    private func loadMiniFAT() throws {
        guard miniFATSectorCount > 0, firstMiniFATSector != CompoundFile.endOfChain else { return }
        guard Int(miniFATSectorCount) <= sectorCount else {
            throw FormatDefect("the header declares \(miniFATSectorCount) mini FAT sectors, but the file holds only \(sectorCount) sectors")
        }
        let bytes = try readChain(from: firstMiniFATSector, limit: Int(miniFATSectorCount) * sectorSize, truncating: true,
                                  "the mini FAT")
        miniFat.reserveCapacity(bytes.count / 4)
        for slot in 0..<(bytes.count / 4) {
            miniFat.append(bytes.u32(slot * 4) ?? CompoundFile.freeSector)
        }
        miniClaimed = SectorBitmap(count: miniFat.count)
    }

    /// Claims the sectors of the mini stream and of every stream in the tree, as far as each one's size needs.
    /// Chains that end early or leave the file are left for the read to report; loops and shared sectors are
    /// refused here, once, before any stream is read.
    private func claimStreams() throws {
        let root = entries[0]
        if root.size > 0 {
            try claim(chainOf: root.startSector, bytes: root.size, "the mini stream")
        }
        for index in children.values.joined() {
            let entry = entries[index]
            guard entry.isStream, entry.size > 0 else { continue }
            let what = "stream '\(entry.name)'"
            if entry.size < CompoundFile.miniStreamCutoff {
                var left = (entry.size + UInt64(CompoundFile.miniSectorSize) - 1) / UInt64(CompoundFile.miniSectorSize)
                do {
                    try walkMiniFAT(from: entry.startSector, what, claiming: true) { _ in
                        left -= 1
                        return left > 0
                    }
                } catch let defect as FormatDefect where !defect.message.contains("past the end") {
                    throw defect
                } catch is FormatDefect {}
            } else {
                try claim(chainOf: entry.startSector, bytes: entry.size, what)
            }
        }
    }

    private func claim(chainOf start: UInt32, bytes: UInt64, _ what: String) throws {
        var left = (bytes + UInt64(sectorSize) - 1) / UInt64(sectorSize)
        do {
            try walkFAT(from: start, what, claiming: true) { _ in
                left -= 1
                return left > 0
            }
        } catch let defect as FormatDefect where !defect.message.contains("past the end") {
            throw defect
        } catch is FormatDefect {}
    }

    private func loadMiniStream() throws -> [UInt8] {
        if let miniStream { return miniStream }
        let root = entries[0]
        guard root.size <= UInt64(CompoundFile.maxMiniStreamBytes) else {
            throw FormatDefect("the mini stream claims \(root.size) bytes, more than \(CompoundFile.maxMiniStreamBytes >> 20) MiB", kind: .tooLarge)
        }
        var bytes: [UInt8] = []
        try walkFAT(from: root.startSector, "the mini stream") { sector in
            guard bytes.count < Int(root.size) else { return false }
            bytes += try readSector(sector, "sector \(sector) of the mini stream")
            return true
        }
        guard bytes.count >= Int(root.size) else {
            throw FormatDefect("the mini stream ends after \(bytes.count) of its \(root.size) bytes")
        }
        bytes.removeLast(bytes.count - Int(root.size))
        miniStream = bytes
        return bytes
    }

    // MARK: - Streams

    /// Streams and storages directly inside the root storage.
    var rootMembers: [Entry] { (children[0] ?? []).map { entries[$0] } }

    /// Members of a storage entry.
    func members(of storage: Entry) -> [Entry] { (children[storage.index] ?? []).map { entries[$0] } }

    /// Passes the stream's bytes to `body` in order, in chunks of at most `chunkSize` (regular streams) bytes.
    /// Stops after `maxBytes` when given. A chain shorter than the stream's size, looping, or leaving the file is a defect.
    func forEachChunk(of entry: Entry, maxBytes: UInt64? = nil, chunkSize: Int = 1 << 20,
                      _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let what = "stream '\(entry.name)'"
        let wanted = min(entry.size, maxBytes ?? entry.size)
        guard wanted > 0 else { return }
        if entry.size < CompoundFile.miniStreamCutoff {
            let mini = try loadMiniStream()
            var delivered: UInt64 = 0
            try walkMiniFAT(from: entry.startSector, what) { sector in
                let start = Int(sector) * CompoundFile.miniSectorSize
                let take = Int(min(UInt64(CompoundFile.miniSectorSize), wanted - delivered))
                guard start + take <= mini.count else {
                    throw FormatDefect("mini sector \(sector) of \(what) lies past the end of the mini stream")
                }
                try mini.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<(start + take)])) }
                delivered += UInt64(take)
                return delivered < wanted
            }
            guard delivered == wanted else {
                throw FormatDefect("\(what) ends after \(delivered) of its \(entry.size) bytes")
            }
            return
        }
        guard entry.size <= UInt64(sectorCount) * UInt64(sectorSize) else {
            throw FormatDefect("\(what) claims \(entry.size) bytes, more than the whole file holds")
        }
        var delivered: UInt64 = 0
        var runStart: UInt32 = 0
        var runLength = 0
        let sectorsWanted = (wanted + UInt64(sectorSize) - 1) / UInt64(sectorSize)
        // Small streams get a small buffer: the MSI digest reads hundreds of them one after another.
        let maxRun = Int(min(UInt64(max(1, chunkSize / sectorSize)), sectorsWanted))
        var buffer = [UInt8](repeating: 0, count: maxRun * sectorSize)
        func flush() throws {
            guard runLength > 0 else { return }
            let take = Int(min(UInt64(runLength * sectorSize), wanted - delivered))
            let got = try buffer.withUnsafeMutableBytes {
                try file.fill(UnsafeMutableRawBufferPointer(rebasing: $0[0..<take]), at: offset(ofSector: runStart))
            }
            guard got == take else {
                throw FormatDefect("\(what) continues past the end of the file")
            }
            try buffer.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<take])) }
            delivered += UInt64(take)
            runLength = 0
        }
        var sectorsSeen: UInt64 = 0
        try walkFAT(from: entry.startSector, what) { sector in
            // Contiguous sectors are read with one call: MSI writers lay streams out mostly in order.
            if runLength > 0 && (sector != runStart &+ UInt32(runLength) || runLength == maxRun) { try flush() }
            if runLength == 0 { runStart = sector }
            runLength += 1
            sectorsSeen += 1
            return sectorsSeen < sectorsWanted
        }
        try flush()
        guard delivered == wanted else {
            throw FormatDefect("\(what) ends after \(delivered) of its \(entry.size) bytes")
        }
    }

    /// The whole stream, refusing streams over `limit` bytes.
    func read(_ entry: Entry, limit: Int) throws -> [UInt8] {
        guard entry.size <= UInt64(limit) else {
            throw FormatDefect("stream '\(entry.name)' is \(entry.size) bytes, more than the \(limit >> 20) MiB this reader holds in memory",
                               kind: .tooLarge)
        }
        var out: [UInt8] = []
        out.reserveCapacity(Int(entry.size))
        try forEachChunk(of: entry) { out.append(contentsOf: $0) }
        return out
    }

    /// The first `count` bytes of a stream (fewer when it is shorter).
    func prefix(_ entry: Entry, count: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        try forEachChunk(of: entry, maxBytes: UInt64(count), chunkSize: 4096) { out.append(contentsOf: $0) }
        return out
    }
}

/// One bit per sector: which sectors a structure of the compound file already owns.
struct SectorBitmap {
    private var words: [UInt64]
    let count: Int

    init(count: Int) {
        self.count = count
        words = [UInt64](repeating: 0, count: (count + 63) / 64)
    }

    /// Marks `index` as owned; false when it already was (or lies outside the file, which callers check first).
    mutating func claim(_ index: Int) -> Bool {
        guard index >= 0, index < count else { return false }
        let bit = UInt64(1) << UInt64(index & 63)
        if words[index >> 6] & bit != 0 { return false }
        words[index >> 6] |= bit
        return true
    }
}
