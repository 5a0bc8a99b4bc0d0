import DepotModel
import DepotTestSupport
import Foundation
import Inspection
import Testing

/// A hostile corpus made by real tools: each file gets its clear error or warning, never a crash,
/// and inspecting it writes nothing anywhere.
@Suite("Hostile and damaged installers")
struct HostileInputTests {
    /// Small limits so that bombs and floods stay small enough to build in a test.
    static let tight = InspectionLimits(maxInstallerBytes: 1 << 30, maxUncompressedBytes: 1 << 30,
                                        maxCompressionRatio: 20, maxEntries: 100, maxPathLength: 200,
                                        maxNestingDepth: 2)

    /// Inspects `name`, checking that nothing in the fixture folder changed and nothing appeared at `forbidden`.
    func inspectWritingNothing<T>(_ f: Fixtures, forbidden: [String] = [], _ body: () throws -> T) rethrows -> T {
        let before = f.snapshot()
        defer {
            #expect(f.snapshot() == before, "inspection changed the fixture folder")
            for path in forbidden {
                #expect(!FileManager.default.fileExists(atPath: path), "inspection created \(path)")
            }
        }
        return try body()
    }

    @Test("zip bomb: a deflated run of zeros far beyond the ratio limit")
    func zipBomb() throws {
        let f = try Fixtures()
        try f.sh("head -c 64M /dev/zero > zeros.img && zip -q -9 bomb.zip zeros.img && rm zeros.img")
        let error = inspectWritingNothing(f) { expectInspectionError("inspect.bomb") { try f.inspect("bomb.zip", limits: Self.tight) } }
        #expect(error?.message.contains("bomb.zip") == true)
        #expect(error?.message.contains("20 times") == true)
        #expect(error?.kind == .refused)
    }

    @Test("zip bomb without declared sizes (streamed zip, data descriptors): stopped while it inflates")
    func streamedZipBomb() throws {
        let f = try Fixtures()
        try f.sh("head -c 64M /dev/zero | zip -q -9 streamed.zip -")
        _ = inspectWritingNothing(f) { expectInspectionError("inspect.bomb") { try f.inspect("streamed.zip", limits: Self.tight) } }
    }

    @Test("tar.zst bomb caught with the standard limits from the declared size alone")
    func tarBombStandardLimits() throws {
        let f = try Fixtures()
        try f.sh("truncate -s 512M sparse.img && tar --zstd -cf bomb.tar.zst sparse.img && rm sparse.img")
        _ = inspectWritingNothing(f) { expectInspectionError("inspect.bomb") { try f.inspect("bomb.tar.zst") } }
    }

    @Test("nested bombs: small zips of zeros inside a zip")
    func nestedBomb() throws {
        let f = try Fixtures()
        try f.sh("head -c 16M /dev/zero > z.img && for i in 1 2 3; do zip -q -9 inner$i.zip z.img; done && zip -q -0 nested.zip inner1.zip inner2.zip inner3.zip && rm z.img inner*.zip")
        let error = inspectWritingNothing(f) { expectInspectionError("inspect.bomb") { try f.inspect("nested.zip", limits: Self.tight) } }
        #expect(error?.message.contains("nested.zip") == true)
    }

    @Test("archives nested deeper than the limit are listed, not opened, with a warning")
    func tooDeep() throws {
        let f = try Fixtures()
        try f.dir.write("LICENSE", "MIT")
        try f.sh("zip -q l3.zip LICENSE && zip -q l2.zip l3.zip && zip -q l1.zip l2.zip && zip -q outer.zip l1.zip && rm l1.zip l2.zip l3.zip")
        let facts = try inspectWritingNothing(f) { try f.inspect("outer.zip", limits: Self.tight) }
        #expect(facts.warnings.contains { $0.contains("nested deeper") && $0.contains("l1.zip!/l2.zip!/l3.zip") }, "\(facts.warnings)")
        // Two levels were opened, the third was not.
        #expect(facts.licenseFiles.isEmpty)
        let deeper = InspectionLimits(maxInstallerBytes: 1 << 30, maxUncompressedBytes: 1 << 30, maxCompressionRatio: 20,
                                      maxEntries: 100, maxPathLength: 200, maxNestingDepth: 3)
        #expect(try f.inspect("outer.zip", limits: deeper).licenseFiles == ["l1.zip!/l2.zip!/l3.zip!/LICENSE"])
    }

    @Test("'..' traversal and absolute paths are warnings and nothing is written there")
    func traversalAndAbsolute() throws {
        let f = try Fixtures()
        let marker = "depot-escape-\(UUID().uuidString.prefix(8))"
        try f.dir.write(marker, "escaped")
        try f.sh("tar -P --transform 's,^,../../,' -cf trav.tar \(marker) && tar -P --transform 's,^,/tmp/\(marker)/,' -rf trav.tar \(marker) && rm \(marker)")
        let parent = f.url.deletingLastPathComponent()
        let forbidden = [parent.appendingPathComponent(marker).path,
                         parent.deletingLastPathComponent().appendingPathComponent(marker).path, "/tmp/\(marker)"]
        let facts = try inspectWritingNothing(f, forbidden: forbidden) { try f.inspect("trav.tar") }
        #expect(facts.warnings.contains { $0.contains("'..'") && $0.contains("../../\(marker)") }, "\(facts.warnings)")
        #expect(facts.warnings.contains { $0.contains("absolute") && $0.contains("/tmp/\(marker)/\(marker)") }, "\(facts.warnings)")
        #expect(facts.entryCount == 2)
    }

    @Test("zip entries with '..', absolute and duplicate names (written by Python's zipfile)")
    func hostileZipNames() throws {
        let f = try Fixtures()
        try f.sh("""
            python3 - <<'PY'
            import warnings, zipfile
            warnings.simplefilter("ignore")
            with zipfile.ZipFile("names.zip", "w") as z:
                z.writestr("app/a.txt", "1")
                z.writestr("app/a.txt", "2")
                z.writestr("../../up.txt", "x")
                z.writestr("/etc/cron.d/evil", "y")
                z.writestr("C:\\\\Windows\\\\evil.dll", "z")
            PY
            """)
        let facts = try inspectWritingNothing(f) { try f.inspect("names.zip") }
        #expect(facts.warnings.contains { $0.contains("more than once") && $0.contains("app/a.txt") }, "\(facts.warnings)")
        #expect(facts.warnings.contains { $0.contains("'..'") && $0.contains("../../up.txt") })
        #expect(facts.warnings.contains { $0.contains("absolute") && $0.contains("/etc/cron.d/evil") && $0.contains("C:/Windows/evil.dll") }, "\(facts.warnings)")
        #expect(facts.entryCount == 5)
    }

    @Test("symbolic and hard links are warnings, never followed", arguments: ["tar", "zip"])
    func links(kind: String) throws {
        let f = try Fixtures()
        try f.dir.write("app/data.txt", "data")
        try f.sh("cd app && ln -s /etc/passwd passwd && ln -s ../../../outside escape && ln data.txt hard.txt")
        if kind == "tar" {
            try f.sh("tar -cf links.tar app")
        } else {
            try f.sh("zip -q -y -r links.zip app")
        }
        let facts = try inspectWritingNothing(f) { try f.inspect("links.\(kind)") }
        let warning = facts.warnings.first { $0.contains("links") } ?? ""
        #expect(warning.contains("app/passwd"), "\(facts.warnings)")
        #expect(warning.contains("app/escape"))
        if kind == "tar" {
            #expect(warning.contains("/etc/passwd"))
            #expect(warning.contains("app/hard.txt → app/data.txt") || warning.contains("app/data.txt → app/hard.txt"))
        }
    }

    @Test("more entries than the limit: refused while reading")
    func tooManyEntries() throws {
        let f = try Fixtures()
        try f.sh("mkdir many && cd many && for i in $(seq 1 300); do echo $i > f$i; done && cd .. && tar -czf many.tgz many && zip -q -r many.zip many && rm -r many")
        for name in ["many.tgz", "many.zip"] {
            let error = inspectWritingNothing(f) { expectInspectionError("inspect.too-many-entries") { try f.inspect(name, limits: Self.tight) } }
            #expect(error?.message.contains("more than 100 entries") == true)
        }
        #expect(try f.inspect("many.zip").entryCount == 301)
    }

    @Test("paths longer than the limit are refused")
    func longPath() throws {
        let f = try Fixtures()
        let deep = (1...30).map { "folder\($0)" }.joined(separator: "/")
        try f.dir.write("\(deep)/file.txt", "x")
        try f.sh("tar -cf long.tar folder1")
        _ = inspectWritingNothing(f) { expectInspectionError("inspect.path-too-long") { try f.inspect("long.tar", limits: Self.tight) } }
    }

    @Test("non-UTF-8 entry names are shown with replacement characters and a warning", arguments: ["tar", "zip"])
    func nonUTF8Names(kind: String) throws {
        let f = try Fixtures()
        try f.sh("mkdir n && touch n/$'caf\\xe9.txt' n/LICENCE && " + (kind == "tar" ? "tar -cf names.tar n" : "zip -q -r names.zip n"))
        let facts = try inspectWritingNothing(f) { try f.inspect("names.\(kind)") }
        #expect(facts.warnings.contains { $0.contains("not valid UTF-8") && $0.contains("n/caf\u{FFFD}.txt") }, "\(facts.warnings)")
        #expect(facts.licenseFiles == ["n/LICENCE"])
    }

    @Test("duplicate entries appended to a tar")
    func duplicateTarEntries() throws {
        let f = try Fixtures()
        try f.sh("echo one > a.txt && tar -cf dup.tar a.txt && echo two > a.txt && tar -rf dup.tar a.txt")
        let facts = try inspectWritingNothing(f) { try f.inspect("dup.tar") }
        #expect(facts.warnings.contains { $0.contains("more than once") && $0.contains("a.txt") })
    }

    @Test("truncation at several offsets gives inspect.corrupt with libarchive's own words", arguments: ["zip", "tgz", "deb", "7z"])
    func truncated(kind: String) throws {
        let f = try Fixtures()
        let good = try Data(contentsOf: f.dir.file(try f.damageable(kind)))
        for cut in [20, 100, 1000, good.count / 2, good.count - 40] {
            let name = "cut\(cut).\(kind)"
            try f.dir.write(name, good.prefix(cut))
            let error = inspectWritingNothing(f) { expectInspectionError("inspect.corrupt") { try f.inspect(name) } }
            #expect(error?.message.contains(name) == true)
            #expect(error?.sha256 == (try f.opensslSHA256(name)))
        }
    }

    @Test("zip magic followed by garbage: corrupt, with libarchive's message")
    func garbageAfterMagic() throws {
        let f = try Fixtures()
        var data = Data([0x50, 0x4B, 0x03, 0x04])
        data.append(Fixtures.noise(10_000))
        try f.dir.write("fake.zip", data)
        let error = inspectWritingNothing(f) { expectInspectionError("inspect.corrupt") { try f.inspect("fake.zip") } }
        #expect(error?.message.contains("libarchive:") == true)
    }

    /// A format's magic number followed by noise: the reader chosen by the magic must fail clearly.
    static let fakes: [(String, [UInt8], Int)] = [
        ("fake.rpm", [0xED, 0xAB, 0xEE, 0xDB], 0), ("fake.xar", Array("xar!".utf8), 0),
        ("fake.7z", [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C], 0), ("fake.cab", Array("MSCF".utf8), 0),
        ("fake.deb", Array("!<arch>\ndebian-binary   ".utf8), 0), ("fake.crx", Array("Cr24".utf8) + [3, 0, 0, 0, 255, 255, 255, 127], 0),
        ("fake.tar.xz", [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], 0), ("fake.tar.zst", [0x28, 0xB5, 0x2F, 0xFD], 0),
        ("fake.tar", Array("ustar".utf8), 257), ("fake.iso", Array("CD001".utf8), 32769),
        ("fake.tar.gz", [0x1F, 0x8B], 0), ("fake.a", Array("!<arch>\n".utf8), 0),
    ]

    @Test("magic numbers followed by garbage: a clear error or warning naming the file", arguments: fakes.map(\.0))
    func magicThenGarbage(name: String) throws {
        let f = try Fixtures()
        guard let (_, magic, offset) = Self.fakes.first(where: { $0.0 == name }) else { return }
        var data = Fixtures.noise(70_000, seed: 11)
        data.replaceSubrange(offset..<(offset + magic.count), with: magic)
        try f.dir.write(name, data)
        do {
            let facts = try inspectWritingNothing(f) { try f.inspect(name) }
            #expect(facts.warnings.contains { $0.contains(name) }, "\(facts.warnings)")
            #expect(facts.entryCount == nil)
        } catch let error as InspectionError {
            #expect(error.code == "inspect.corrupt")
            #expect(error.message.contains(name))
            #expect(error.sha256 == (try f.opensslSHA256(name)))
        }
    }

    @Test("an empty file is refused with the hash of nothing")
    func empty() throws {
        let f = try Fixtures()
        try f.dir.write("empty.msi", Data())
        let error = expectInspectionError("inspect.empty") { try f.inspect("empty.msi") }
        #expect(error?.sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(error?.message.contains("empty.msi") == true)
    }

    @Test("an installer over the size limit is refused before it is read")
    func tooLarge() throws {
        let f = try Fixtures()
        try f.dir.write("big.zip", Fixtures.noise(4096))
        let small = InspectionLimits(maxInstallerBytes: 1000, maxUncompressedBytes: 1 << 30, maxCompressionRatio: 20,
                                     maxEntries: 100, maxPathLength: 200, maxNestingDepth: 2)
        let error = expectInspectionError("inspect.too-large") { try f.inspect("big.zip", limits: small) }
        #expect(error?.kind == .tooLarge)
        #expect(error?.sha256 == nil)
    }

    @Test("a missing file is unreadable, naming the path")
    func missing() throws {
        let f = try Fixtures()
        let error = expectInspectionError("inspect.unreadable") { try f.inspect("nope.zip") }
        #expect(error?.message.contains("nope.zip") == true)
    }
}
