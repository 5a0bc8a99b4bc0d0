import DepotTestSupport
import Foundation
import Testing
@testable import WindowsFormats

/// wixl writes only version 3 (512-byte sector) files, so version 4 (4096-byte sectors) is built here by hand.
@Suite("Compound files with 512- and 4096-byte sectors")
struct CompoundFileTests {
    static let endOfChain = 0xFFFF_FFFE
    static let free = 0xFFFF_FFFF

    /// Header, FAT in sector 0, directory in sector 1, then each stream in consecutive sectors.
    /// Streams are 4096 bytes or more so they live in regular sectors, not the mini stream.
    static func build(sectorShift: Int, streams: [(name: String, data: [UInt8])],
                      editFAT: (inout [Int]) -> Void = { _ in }) -> [UInt8] {
        let sectorSize = 1 << sectorShift
        var header = [UInt8](repeating: 0, count: sectorSize)
        header.replaceSubrange(0..<8, with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
        header.setLE16(24, 0x3E)
        header.setLE16(26, sectorShift == 12 ? 4 : 3)
        header.setLE16(28, 0xFFFE)
        header.setLE16(30, sectorShift)
        header.setLE16(32, 6)
        header.setLE32(40, sectorShift == 12 ? 1 : 0)
        header.setLE32(44, 1)
        header.setLE32(48, 1)
        header.setLE32(56, 4096)
        header.setLE32(60, endOfChain)
        header.setLE32(68, endOfChain)
        header.setLE32(76, 0)
        for slot in 1..<109 { header.setLE32(76 + slot * 4, free) }

        var fat = [0xFFFF_FFFD, endOfChain]
        var directory = [UInt8](repeating: 0, count: sectorSize)
        func entry(_ index: Int, name: String, type: UInt8, right: Int, child: Int, start: Int, size: Int) {
            let base = index * 128
            let units = Array(name.utf16)
            for (position, unit) in units.enumerated() { directory.setLE16(base + position * 2, Int(unit)) }
            directory.setLE16(base + 64, (units.count + 1) * 2)
            directory[base + 66] = type
            directory[base + 67] = 1
            directory.setLE32(base + 68, free)
            directory.setLE32(base + 72, right)
            directory.setLE32(base + 76, child)
            directory.setLE32(base + 116, start)
            directory.setLE32(base + 120, size)
        }
        entry(0, name: "Root Entry", type: 5, right: free, child: streams.isEmpty ? free : 1, start: endOfChain, size: 0)
        var data: [UInt8] = []
        for (index, stream) in streams.enumerated() {
            let first = fat.count
            let sectors = (stream.data.count + sectorSize - 1) / sectorSize
            for sector in 0..<sectors { fat.append(sector == sectors - 1 ? endOfChain : first + sector + 1) }
            entry(index + 1, name: stream.name, type: 2, right: index + 1 < streams.count ? index + 2 : free, child: free,
                  start: first, size: stream.data.count)
            data += stream.data + [UInt8](repeating: 0, count: sectors * sectorSize - stream.data.count)
        }
        editFAT(&fat)
        var fatSector = [UInt8](repeating: 0xFF, count: sectorSize)
        for (slot, value) in fat.enumerated() { fatSector.setLE32(slot * 4, value) }
        return header + fatSector + directory + data
    }

    static func pattern(_ count: Int, seed: Int) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0 * 31 + seed) } }

    @Test("streams read back byte for byte with 512- and 4096-byte sectors", arguments: [9, 12])
    func readsStreams(sectorShift: Int) throws {
        let directory = try TemporaryDirectory("compound")
        let alpha = Self.pattern(5000, seed: 1)
        let beta = Self.pattern(9000, seed: 2)
        let url = try directory.write("v.cfb", Data(Self.build(sectorShift: sectorShift, streams: [("Alpha", alpha), ("Beta", beta)])))

        let compound = try CompoundFile(file: try InstallerFile(path: url.path))
        #expect(compound.sectorSize == 1 << sectorShift)
        #expect(Set(compound.rootMembers.map(\.name)) == ["Alpha", "Beta"])
        let alphaEntry = try #require(compound.rootMembers.first { $0.name == "Alpha" })
        let betaEntry = try #require(compound.rootMembers.first { $0.name == "Beta" })
        #expect(try compound.read(alphaEntry, limit: 1 << 20) == alpha)
        #expect(try compound.read(betaEntry, limit: 1 << 20) == beta)
        #expect(try compound.prefix(betaEntry, count: 10) == Array(beta.prefix(10)))
        var chunks: [UInt8] = []
        try compound.forEachChunk(of: betaEntry, chunkSize: 512) { chunks += $0 }
        #expect(chunks == beta)
        #expect(throws: FormatDefect.self) { try compound.read(betaEntry, limit: 4096) }
    }

    @Test("a stream chain that loops (found on open) or ends early (found on read) is a defect, with 4096-byte sectors too", arguments: [9, 12])
    func brokenChains(sectorShift: Int) throws {
        let directory = try TemporaryDirectory("compound")
        let stream = [("Data", Self.pattern(9000, seed: 3))]
        let looping = try directory.write("loop.cfb", Data(Self.build(sectorShift: sectorShift, streams: stream) { fat in
            fat[3] = 2
        }))
        // Chains are claimed when the file is opened, so the loop is found before any stream is read.
        let loop = #expect(throws: FormatDefect.self) { try CompoundFile(file: try InstallerFile(path: looping.path)) }
        // The stream's second sector points back to its first.
        #expect(loop?.message.contains("the sector chain of stream 'Data' loops back to sector 2") == true, "\(loop?.message ?? "")")

        let short = try directory.write("short.cfb", Data(Self.build(sectorShift: sectorShift, streams: stream) { fat in
            fat[2] = Self.endOfChain
        }))
        let shortFile = try CompoundFile(file: try InstallerFile(path: short.path))
        let shortEntry = try #require(shortFile.rootMembers.first)
        let ended = #expect(throws: FormatDefect.self) { try shortFile.read(shortEntry, limit: 1 << 20) }
        #expect(ended?.message.contains("ends after \(1 << sectorShift) of its 9000 bytes") == true, "\(ended?.message ?? "")")
    }

    @Test("hash order is bytewise on the stored UTF-16 names, longer first on a tie")
    func hashOrder() throws {
        let directory = try TemporaryDirectory("compound")
        let url = try directory.write("order.cfb", Data(Self.build(sectorShift: 9, streams: [
            ("b", Self.pattern(4096, seed: 0)), ("B", Self.pattern(4096, seed: 0)), ("\u{5}Z", Self.pattern(4096, seed: 0)),
        ])))
        let compound = try CompoundFile(file: try InstallerFile(path: url.path))
        #expect(compound.rootMembers.sorted(by: MSISignature.hashOrder).map(\.name) == ["\u{5}Z", "B", "b"])
    }
}
