import DepotTestSupport
import DepotModel
import Foundation
import Testing
@testable import WindowsFormats

/// Hostile compound files and MSIs, built in the test: shared sector chains, DIFATs that repeat a sector, tables
/// with more rows than the budget, tables whose every row warns. Each is refused or summarised in one line.
@Suite("Hostile compound files and MSI tables")
struct HostileCompoundFileTests {
    static func entryOffset(_ bytes: [UInt8], _ index: Int) -> Int { bytes.directoryEntryOffset(index) }

    @Test("two streams that share one sector chain are refused when the file is opened", arguments: [9, 12])
    func sharedChain(sectorShift: Int) throws {
        let directory = try TemporaryDirectory("hostile-cfb")
        var bytes = CompoundFileTests.build(sectorShift: sectorShift, streams: [
            ("Alpha", CompoundFileTests.pattern(9000, seed: 1)), ("Beta", CompoundFileTests.pattern(9000, seed: 2)),
        ])
        // Beta now names Alpha's chain: a digest over both would hash the same sectors twice (60,000 times in the wild).
        let alpha = Self.entryOffset(bytes, 1)
        let beta = Self.entryOffset(bytes, 2)
        bytes.setLE32(beta + 116, bytes.le32(alpha + 116))
        let url = try directory.write("shared.cfb", Data(bytes))

        let defect = #expect(throws: FormatDefect.self) { try CompoundFile(file: try InstallerFile(path: url.path)) }
        #expect(defect?.message.contains("of stream 'Beta' already belongs to another stream or structure") == true,
                "\(defect?.message ?? "")")
    }

    @Test("a DIFAT that names one sector as several FAT sectors is refused")
    func repeatedDIFAT() throws {
        let directory = try TemporaryDirectory("hostile-cfb")
        // 70,000 trailing bytes make the file need two FAT sectors of 512-byte sectors; both slots name sector 0.
        var bytes = CompoundFileTests.build(sectorShift: 9, streams: [("Small", CompoundFileTests.pattern(5000, seed: 4))])
        bytes += [UInt8](repeating: 0, count: 70_000)
        bytes.setLE32(44, 2)
        bytes.setLE32(80, 0)
        let url = try directory.write("difat.cfb", Data(bytes))

        let defect = #expect(throws: FormatDefect.self) { try CompoundFile(file: try InstallerFile(path: url.path)) }
        #expect(defect?.message.contains("FAT sector #1 is said to be at sector 0, which the DIFAT already names") == true,
                "\(defect?.message ?? "")")
    }

    @Test("a wixl MSI whose cabinet stream is pointed at another stream's chain is refused as damaged")
    func sharedChainInMSI() throws {
        let fixtures = try WindowsFixtures()
        let msi = try fixtures.msi("plain.msi", WindowsFixtures.product(
            name: "Shared", version: "1.0.0", upgradeCode: "11111111-2222-3333-4444-555555555556", body: ""))
        let hostile = try fixtures.variant(of: msi, as: "shared.msi") { bytes in
            var streams: [Int] = []
            for index in 1..<bytes.directoryEntryCount {
                let at = bytes.directoryEntryOffset(index)
                if bytes[at + 66] == 2, bytes.le32(at + 120) > 0 { streams.append(at) }
            }
            // The last stream takes over the first stream's chain and size.
            let first = try #require(streams.first)
            let last = try #require(streams.last)
            bytes.setLE32(last + 116, bytes.le32(first + 116))
            bytes.setLE32(last + 120, bytes.le32(first + 120))
        }
        let error = #expect(throws: WindowsFormatError.self) { try WindowsInstallerReader.inspect(path: hostile) }
        #expect(error?.code == "windows.corrupt")
        #expect(error?.message.contains("already belongs to another stream or structure") == true, "\(error?.message ?? "")")
    }

    /// An MSI whose Media table has `rows` rows (msibuild, libmsi's own writer), all but the first naming a
    /// cabinet stream the package does not hold.
    static func msiWithMediaRows(_ rows: Int, _ fixtures: WindowsFixtures) throws -> String {
        let msi = try fixtures.msi("base.msi", WindowsFixtures.product(
            name: "Many Media", version: "2.0.0", upgradeCode: "11111111-2222-3333-4444-555555555557", body: ""))
        var lines = ["DiskId\tLastSequence\tDiskPrompt\tCabinet\tVolumeLabel\tSource", "i2\ti4\tL64\tS255\tS32\tS72",
                     "Media\tDiskId", "1\t1\t\t#payload.cab\t\t"]
        for row in 2...rows { lines.append("\(row)\t1\t\t#missing\(row).cab\t\t") }
        try fixtures.directory.write("Media.idt", lines.joined(separator: "\r\n") + "\r\n")
        try Tools.require("msibuild", [msi, "-i", "Media.idt"], in: fixtures.directory.url)
        return msi
    }

    @Test("a Media table whose rows name missing cabinets gives one warning line with a count, not one per row")
    func oneWarningForManyRows() throws {
        let fixtures = try WindowsFixtures()
        let msi = try Self.msiWithMediaRows(1500, fixtures)
        let facts = try WindowsInstallerReader.inspect(path: msi)
        let lines = facts.warnings.filter { $0.contains("cabinets the package does not hold") }
        #expect(lines.count == 1, "\(facts.warnings)")
        #expect(lines.first?.contains("[1,499]") == true, "\(lines)")
        #expect(lines.first?.hasSuffix("and 1,494 more") == true, "\(lines)")
        #expect(facts.windows.cabinets?.map(\.name) == ["payload.cab"])
    }

    @Test("a table with more rows than maxMsiTableRows is refused naming the table, the count, the limit and the key")
    func tableRowBudget() throws {
        let fixtures = try WindowsFixtures()
        let msi = try Self.msiWithMediaRows(1500, fixtures)
        let error = #expect(throws: WindowsFormatError.self) {
            try WindowsInstallerReader.inspect(path: msi, trustedRoots: nil, limits: WindowsReadLimits(maxTableRows: 1000))
        }
        #expect(error?.code == "windows.budget")
        #expect(error?.kind == .refused)
        #expect(error?.message.contains("the MSI's Media table has 1,500 rows; the limit is 1,000 (intake.yaml: maxMsiTableRows)") == true,
                "\(error?.message ?? "")")
    }

    @Test("a reader that would read more than maxReadMultiple times the file is stopped, naming the key")
    func readBudget() throws {
        let directory = try TemporaryDirectory("hostile-cfb")
        let data = CompoundFileTests.pattern(40_000, seed: 5)
        let url = try directory.write("plain.cfb", Data(CompoundFileTests.build(sectorShift: 9, streams: [("Data", data)])))
        let file = try InstallerFile(path: url.path, limits: WindowsReadLimits(maxReadMultiple: 1))
        let compound = try CompoundFile(file: file)
        let entry = try #require(compound.rootMembers.first)
        // The 16 MiB floor admits hundreds of honest re-reads of a small file; past it, the budget holds.
        var reads = 0
        let stopped = #expect(throws: BudgetExceeded.self) {
            while reads < 1000 {
                _ = try compound.read(entry, limit: 1 << 20)
                reads += 1
            }
        }
        #expect(reads > 100)
        #expect(stopped?.message.contains("(intake.yaml: maxReadMultiple)") == true, "\(stopped?.message ?? "")")
    }

    @Test("a FIFO is refused at once, saying what it is")
    func fifo() throws {
        let directory = try TemporaryDirectory("hostile-cfb")
        let fifo = directory.file("setup.msi").path
        #expect(mkfifo(fifo, 0o644) == 0)
        let error = #expect(throws: WindowsFormatError.self) { try WindowsInstallerReader.inspect(path: fifo) }
        #expect(error?.message.contains("is a FIFO (named pipe), not a regular file") == true, "\(error?.message ?? "")")
    }

    @Test("warning counts read as people write them")
    func grouping() {
        #expect(Grouped.digits(1_048_570) == "1,048,570")
        #expect(Grouped.digits(999) == "999")
        #expect(Grouped.digits(4_194_304) == "4,194,304")
        var tally = WarningTally("rows are odd", maxExamples: 2)
        #expect(tally.line == nil)
        for row in 1...5 { tally.note("row \(row)") }
        #expect(tally.line == "rows are odd [5]: row 1, row 2, and 3 more")
    }
}
