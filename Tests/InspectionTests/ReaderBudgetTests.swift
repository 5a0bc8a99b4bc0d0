import DepotModel
import DepotTestSupport
import Foundation
import Inspection
import Testing

/// Hostile shapes that used to hang or balloon a reader, built byte by byte in the test: each now ends in a
/// clear refusal or a bounded fact.
@Suite("Reader budgets against hostile installers")
struct ReaderBudgetTests {
    static func be32(_ value: Int) -> [UInt8] {
        [UInt8(value >> 24 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    /// An RPM: the 96-byte lead, an empty signature header, and a main header with the given index entries
    /// (tag, type, offset) and store.
    static func rpm(entries: [(tag: Int, type: Int, offset: Int)], store: [UInt8]) -> Data {
        var bytes: [UInt8] = [0xED, 0xAB, 0xEE, 0xDB, 3, 0, 0, 0] + [UInt8](repeating: 0, count: 88)
        let magic: [UInt8] = [0x8E, 0xAD, 0xE8, 0x01, 0, 0, 0, 0]
        bytes += magic + be32(0) + be32(0)
        bytes += magic + be32(entries.count) + be32(store.count)
        bytes.reserveCapacity(bytes.count + entries.count * 16 + store.count)
        for entry in entries {
            bytes += be32(entry.tag) + be32(entry.type) + be32(entry.offset) + be32(1)
        }
        bytes += store
        return Data(bytes)
    }

    @Test("60,000 NAME tags pointing at one unterminated 1 MiB string are refused as damaged after one short scan")
    func rpmNameScan() throws {
        let fixtures = try Fixtures("budget")
        let entries = [(tag: Int, type: Int, offset: Int)](repeating: (1000, 6, 0), count: 60_000)
        try fixtures.dir.write("names.rpm", Self.rpm(entries: entries, store: [UInt8](repeating: 0x41, count: 1 << 20)))
        let error = expectInspectionError("inspect.corrupt") { try fixtures.inspect("names.rpm") }
        #expect(error?.message.contains("the RPM header's name string at store offset 0 is longer than 4096 bytes") == true,
                "\(error?.message ?? "")")
        #expect(error?.sha256 != nil, "the whole file was read, so it can be kept as evidence")
    }

    @Test("an RPM header with more tags than maxRpmHeaderTags is refused naming the key")
    func rpmTagBudget() throws {
        let fixtures = try Fixtures("budget")
        let entries = [(tag: Int, type: Int, offset: Int)](repeating: (1000, 6, 0), count: 2000)
        try fixtures.dir.write("tags.rpm", Self.rpm(entries: entries, store: Array("hello\0".utf8)))
        var limits = InspectionLimits.standard
        limits.maxRpmHeaderTags = 1000
        let error = expectInspectionError("inspect.budget") { try fixtures.inspect("tags.rpm", limits: limits) }
        #expect(error?.kind == .refused)
        #expect(error?.message.contains("has 2000 tags; the limit is 1000 (intake.yaml: maxRpmHeaderTags)") == true,
                "\(error?.message ?? "")")
    }

    @Test("a long but terminated RPM name becomes a bounded, escaped fact, not a 1 MiB line")
    func rpmLongName() throws {
        let fixtures = try Fixtures("budget")
        let name = String(repeating: "n", count: 3000) + "\u{1B}[31m"
        try fixtures.dir.write("long.rpm", Self.rpm(entries: [(1000, 6, 0), (1001, 6, name.utf8.count + 1)],
                                                    store: Array(name.utf8) + [0] + Array("1.0".utf8) + [0]))
        let facts = try fixtures.inspect("long.rpm")
        let kept = try #require(facts.name)
        #expect(kept.count <= InstallerFacts.Bounds.maxFieldCharacters + 1)
        #expect(kept.hasSuffix("…"))
        #expect(!kept.contains("\u{1B}"))
        #expect(facts.version == "1.0")
    }

    @Test("a FIFO is refused at once, saying what it is, instead of blocking in open(2)")
    func fifo() throws {
        let fixtures = try Fixtures("budget")
        let path = fixtures.dir.file("setup.exe").path
        #expect(mkfifo(path, 0o644) == 0)
        let error = expectInspectionError("inspect.unreadable") { try fixtures.inspect("setup.exe") }
        #expect(error?.message.contains("it is a FIFO (named pipe), not a regular file") == true, "\(error?.message ?? "")")
    }

    /// A Debian package whose ar archive carries a GNU long-names table (`//`) of `tableBytes` bytes.
    static func debWithLongNames(_ tableBytes: Int) -> Data {
        func member(_ name: String, _ data: [UInt8]) -> [UInt8] {
            func field(_ text: String, _ width: Int) -> [UInt8] {
                Array(text.utf8) + [UInt8](repeating: 0x20, count: width - text.utf8.count)
            }
            var header = field(name, 16) + field("0", 12) + field("0", 6) + field("0", 6) + field("100644", 8)
            header += field(String(data.count), 10) + [0x60, 0x0A]
            return header + data + (data.count % 2 == 1 ? [0x0A] : [])
        }
        var bytes = Array("!<arch>\n".utf8)
        bytes += member("debian-binary", Array("2.0\n".utf8))
        bytes += member("//", [UInt8](repeating: 0x61, count: tableBytes))
        return Data(bytes)
    }

    @Test("a deb with a huge long-names table is refused as hostile before libarchive reads it")
    func debLongNames() throws {
        let fixtures = try Fixtures("budget")
        try fixtures.dir.write("names.deb", Self.debWithLongNames(1 << 20))
        let error = expectInspectionError("inspect.hostile") { try fixtures.inspect("names.deb") }
        #expect(error?.message.contains("carries 1048576 bytes of long member names") == true, "\(error?.message ?? "")")
    }

    @Test("entry names with Unicode look-alikes of dots and slashes are flagged")
    func lookalikes() throws {
        let fixtures = try Fixtures("budget")
        try fixtures.sh("""
            python3 -c 'import zipfile; z = zipfile.ZipFile("look.zip", "w"); \
            z.writestr("docs\\u2215\\uff0e\\uff0e\\u2215evil.txt", "x"); z.writestr("readme.txt", "y"); z.close()'
            """)
        let facts = try fixtures.inspect("look.zip")
        let line = facts.warnings.first { $0.contains("look-alikes") }
        #expect(line?.contains("[1]") == true, "\(facts.warnings)")
    }

    @Test("facts keep at most a bounded number of warnings, saying how many were left out")
    func boundedFacts() {
        var facts = InstallerFacts(sha256: String(repeating: "0", count: 64), size: 1, format: "zip")
        facts.warnings = (1...500).map { "warning \($0)" }
        facts.name = String(repeating: "x", count: 1 << 20)
        let bounded = facts.bounded()
        #expect(bounded.warnings.count == InstallerFacts.Bounds.maxWarnings)
        #expect(bounded.warnings.last == "and 401 more warnings")
        #expect((bounded.name?.count ?? 0) <= InstallerFacts.Bounds.maxFieldCharacters + 1)
    }
}
