import DepotModel
import DepotTestSupport
import Foundation
import Testing
@testable import WindowsFormats

/// Damaged and hostile files made from good ones: each must give a clear error or warning, never a crash or a hang.
@Suite("Corrupted MSI and PE files")
struct CorruptInputTests {
    /// Reads the file, expecting a `windows.corrupt` error whose message names the file and contains `defect`.
    func expectCorrupt(_ path: String, _ defect: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let facts = try WindowsInstallerReader.inspect(path: path)
            Issue.record("expected '\(defect)', got facts for \(facts.name ?? "?")", sourceLocation: sourceLocation)
        } catch let error as WindowsFormatError {
            #expect(error.code == "windows.corrupt", sourceLocation: sourceLocation)
            #expect(error.message.contains(path), sourceLocation: sourceLocation)
            #expect(error.message.contains(defect), "message was: \(error.message)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected error type: \(error)", sourceLocation: sourceLocation)
        }
    }

    // MARK: - MSI

    func plainMSI(_ fixtures: WindowsFixtures) throws -> String {
        try fixtures.msi("plain.msi", WindowsFixtures.product(
            name: "Depot Corrupt", version: "1.0", upgradeCode: "87654321-4321-4321-4321-210987654327",
            body: "<CustomAction Id=\"SetProp\" Property=\"FOO\" Value=\"bar\" />"))
    }

    @Test("compound file header, FAT and directory defects are named")
    func compoundFileDefects() throws {
        let fixtures = try WindowsFixtures()
        let msi = try plainMSI(fixtures)
        let good = try fixtures.bytes(msi)
        let sectorSize = 1 << good.le16(30)
        let fatSector = good.le32(76)
        let directorySector = good.le32(48)
        let fatEntry = { (sector: Int) in (fatSector + 1) * sectorSize + sector * 4 }

        expectCorrupt(try fixtures.variant(of: msi, as: "shift.msi") { $0.setLE16(30, 30) }, "sector shift is 30")
        expectCorrupt(try fixtures.variant(of: msi, as: "mini-shift.msi") { $0.setLE16(32, 12) }, "mini sector shift")
        expectCorrupt(try fixtures.variant(of: msi, as: "byte-order.msi") { $0.setLE16(28, 0x1234) }, "byte-order mark")
        expectCorrupt(try fixtures.variant(of: msi, as: "fat-count.msi") { $0.setLE32(44, 5000) }, "declares 5000 FAT sectors")
        expectCorrupt(try fixtures.variant(of: msi, as: "fat-location.msi") { $0.setLE32(76, 0x00FF_FFF0) },
                      "past the end of the file")
        expectCorrupt(try fixtures.variant(of: msi, as: "fat-loop.msi") { $0.setLE32(fatEntry(directorySector), directorySector) },
                      "the sector chain of the directory loops back to sector \(directorySector)")
        expectCorrupt(try fixtures.variant(of: msi, as: "fat-past-end.msi") { $0.setLE32(fatEntry(directorySector), 0x00FF_FFF0) },
                      "runs to sector 0x00FFFFF0, past the end of the file")
        expectCorrupt(try fixtures.variant(of: msi, as: "directory-start.msi") { $0.setLE32(48, 0x7FFF_FFFF) },
                      "the sector chain of the directory runs to sector")
        // The root's first child pointing back at the root makes the directory tree a cycle.
        let root = good.directoryEntryOffset(0)
        let childOffset = good.directoryEntryOffset(good.le32(root + 76))
        expectCorrupt(try fixtures.variant(of: msi, as: "dir-cycle.msi") { $0.setLE32(childOffset + 68, 0) },
                      "reached twice: the directory tree has a cycle")
        expectCorrupt(try fixtures.variant(of: msi, as: "dir-outside.msi") { $0.setLE32(childOffset + 72, 100_000) },
                      "the directory has only")
        expectCorrupt(try fixtures.variant(of: msi, as: "root-type.msi") { $0[root + 66] = 1 }, "not the root storage")
    }

    @Test("mini stream loops, lying stream sizes and truncation are named")
    func streamDefects() throws {
        let fixtures = try WindowsFixtures()
        let msi = try plainMSI(fixtures)
        let good = try fixtures.bytes(msi)
        let sectorSize = 1 << good.le16(30)
        let miniFATSector = good.le32(60)
        expectCorrupt(try fixtures.variant(of: msi, as: "mini-loop.msi") { bytes in
            for slot in 0..<(sectorSize / 4) { bytes.setLE32((miniFATSector + 1) * sectorSize + slot * 4, 0) }
        }, "loops back to mini sector 0")

        // Every stream claiming 3 GiB: the first stream read must refuse rather than allocate.
        let huge = try fixtures.variant(of: msi, as: "huge-stream.msi") { bytes in
            for index in 1..<good.directoryEntryCount { bytes.setLE32(good.directoryEntryOffset(index) + 120, 0xC000_0000) }
        }
        let error = #expect(throws: WindowsFormatError.self) { try WindowsInstallerReader.inspect(path: huge) }
        #expect(error?.message.contains(huge) == true)

        for cut in [100, 511, 600, good.count / 2, good.count - 700] {
            let truncated = try fixtures.variant(of: msi, as: "cut-\(cut).msi") { $0.removeLast($0.count - cut) }
            let error = #expect(throws: WindowsFormatError.self) { try WindowsInstallerReader.inspect(path: truncated) }
            #expect(error?.code == "windows.corrupt", "cut at \(cut): \(error?.message ?? "")")
            #expect(error?.message.contains(truncated) == true)
        }
    }

    @Test("DIFAT defects in a package large enough to need DIFAT sectors are named")
    func difatDefects() throws {
        let fixtures = try WindowsFixtures()
        try Tools.require("openssl", ["rand", "-out", fixtures.path("big.bin"), "\(8 << 20)"])
        let msi = try fixtures.msi("big.msi", WindowsFixtures.product(
            name: "Depot Big", version: "5.0", upgradeCode: "87654321-4321-4321-4321-210987654328", body: "",
            files: "<File Id=\"Big\" Name=\"big.bin\" Source=\"big.bin\" KeyPath=\"yes\" />"))
        let good = try fixtures.bytes(msi)
        guard good.le32(72) >= 1 else {
            Issue.record("the fixture needs DIFAT sectors; wixl compressed the payload to \(good.count) bytes")
            return
        }
        expectCorrupt(try fixtures.variant(of: msi, as: "difat-end.msi") { $0.setLE32(68, 0xFFFF_FFFE) }, "the DIFAT chain ends after 109")
        expectCorrupt(try fixtures.variant(of: msi, as: "difat-outside.msi") { $0.setLE32(68, 0x00FF_FFF0) },
                      "DIFAT sector 16777200 lies past the end of the file")
    }

    @Test("a file that is neither MSI nor PE is refused as unsupported")
    func unsupported() throws {
        let fixtures = try WindowsFixtures()
        for (name, content) in [("empty.exe", ""), ("m.exe", "M"), ("text.msi", "just some text, not an installer")] {
            try fixtures.directory.write(name, content)
            let error = #expect(throws: WindowsFormatError.self) { try WindowsInstallerReader.inspect(path: fixtures.path(name)) }
            #expect(error?.code == "windows.unsupported")
        }
        let error = #expect(throws: WindowsFormatError.self) { try WindowsInstallerReader.inspect(path: fixtures.path("absent.exe")) }
        #expect(error?.code == "windows.io")
    }

    // MARK: - PE

    @Test("PE files truncated at each header and in a section are corrupt")
    func truncatedPE() throws {
        let fixtures = try WindowsFixtures()
        let exe = try fixtures.helloExecutable()
        let good = try fixtures.bytes(exe)
        let layout = PELayout(good)
        let cuts: [(Int, String)] = [
            (2, "the DOS header needs 64 bytes"),
            (63, "the DOS header needs 64 bytes"),
            (layout.peOffset + 10, "the PE header offset"),
            (layout.optionalOffset + 40, "the optional header"),
            (layout.sectionTable + 50, "the section table"),
            (good.count / 2, "the file is truncated"),
            (good.count - 1, "the file is truncated"),
        ]
        for (cut, defect) in cuts {
            expectCorrupt(try fixtures.variant(of: exe, as: "cut-\(cut).exe") { $0.removeLast($0.count - cut) }, defect)
        }
    }

    @Test("PE header lies are corrupt")
    func lyingHeaders() throws {
        let fixtures = try WindowsFixtures()
        let exe = try fixtures.helloExecutable()
        let layout = PELayout(try fixtures.bytes(exe))
        expectCorrupt(try fixtures.variant(of: exe, as: "lfanew.exe") { $0.setLE32(0x3C, 0x7FFF_FFF0) }, "PE header offset 2147483632 lies outside")
        expectCorrupt(try fixtures.variant(of: exe, as: "signature.exe") { $0[layout.peOffset] = 0x4E }, "no PE signature")
        expectCorrupt(try fixtures.variant(of: exe, as: "magic.exe") { $0.setLE16(layout.optionalOffset, 0x0999) }, "optional header magic is 0x0999")
        expectCorrupt(try fixtures.variant(of: exe, as: "sections.exe") { $0.setLE16(layout.peOffset + 6, 60000) }, "declares 60000 sections")
        expectCorrupt(try fixtures.variant(of: exe, as: "raw-size.exe") { $0.setLE32(layout.sectionTable + 16, 0x7FFF_0000) }, "the file is truncated")
    }

    @Test("resource trees pointing outside the file or back at themselves give a warning, not a crash")
    func resourceDefects() throws {
        let fixtures = try WindowsFixtures()
        let exe = try fixtures.helloExecutable()
        let good = try fixtures.bytes(exe)
        let layout = PELayout(good)
        let rsrc = try #require(layout.section(".rsrc", in: good))
        let resourceDirectory = layout.directoryOffset(2)
        // The root directory's first entry sits right after its 16-byte header.
        let firstEntryTarget = rsrc.rawPointer + 16 + 4

        let cases: [(String, String, (inout [UInt8]) -> Void)] = [
            ("rva.exe", "lies outside the file's sections", { $0.setLE32(resourceDirectory, 0x7FFF_0000) }),
            ("subdir.exe", "points outside the resource section", { $0.setLE32(firstEntryTarget, Int(0x8000_0000 | 0x7FFF_FFF0)) }),
            ("self.exe", "has no data entry", { $0.setLE32(firstEntryTarget, Int(0x8000_0000)) }),
            ("count.exe", "points outside the resource section", { $0.setLE16(rsrc.rawPointer + 14, 4000) }),
        ]
        for (name, defect, edit) in cases {
            let facts = try WindowsInstallerReader.inspect(path: try fixtures.variant(of: exe, as: name, edit))
            #expect(facts.name == nil, "\(name)")
            #expect(facts.windows.machine == "x64", "\(name)")
            #expect(facts.warnings.contains { $0.hasPrefix("version resource unreadable") && $0.contains(defect) },
                    "\(name): \(facts.warnings)")
        }
        // The data entry's RVA moved out of every section.
        let dataLie = try fixtures.variant(of: exe, as: "data.exe") { bytes in
            var offset = rsrc.rawPointer
            for _ in 0..<3 {
                let target = bytes.le32(offset + 16 + 4)
                offset = rsrc.rawPointer + (target & 0x7FFF_FFFF)
            }
            bytes.setLE32(offset, 0x7FFF_0000)
        }
        let facts = try WindowsInstallerReader.inspect(path: dataLie)
        #expect(facts.warnings.contains { $0.contains("version resource data at RVA 0x7FFF0000") }, "\(facts.warnings)")
    }

    @Test("a certificate table lying about its length makes the signature invalid with the reason")
    func certificateTableLies() throws {
        let fixtures = try WindowsFixtures()
        let signer = try fixtures.signer()
        let signed = try fixtures.sign(try fixtures.helloExecutable(), as: "signed.exe", with: signer)
        let good = try fixtures.bytes(signed)
        let entry = PELayout(good).directoryOffset(4)
        let table = good.le32(entry)

        let cases: [(String, String, (inout [UInt8]) -> Void)] = [
            ("dir-size.exe", "the certificate table claims 2147483647 bytes", { $0.setLE32(entry + 4, 0x7FFF_FFFF) }),
            ("dir-offset.exe", "the certificate table claims", { $0.setLE32(entry, 0x7FFF_0000) }),
            ("cert-length.exe", "the first WIN_CERTIFICATE claims 16777215 bytes", { $0.setLE32(table, 0xFF_FFFF) }),
            ("cert-type.exe", "not PKCS#7 SignedData", { $0.setLE16(table + 6, 0x0001) }),
            ("cert-garbage.exe", "no readable Authenticode signature", { $0[table + 8] = 0x04 }),
            ("truncated.exe", "the certificate table claims", { $0.removeLast(100) }),
        ]
        for (name, reason, edit) in cases {
            let facts = try WindowsInstallerReader.inspect(path: try fixtures.variant(of: signed, as: name, edit))
            #expect(facts.windows.signature?.status == "invalid", "\(name)")
            #expect(facts.windows.signature?.reason?.contains(reason) == true, "\(name): \(facts.windows.signature?.reason ?? "nil")")
            #expect(facts.name == "Depot Hello", "\(name)")
        }
    }

    // MARK: - Random damage

    @Test("random byte damage to an MSI and a signed PE never crashes and only throws Windows format errors")
    func randomDamage() throws {
        let fixtures = try WindowsFixtures()
        let signer = try fixtures.signer()
        let msi = try fixtures.sign(try plainMSI(fixtures), as: "signed.msi", with: signer)
        let exe = try fixtures.sign(try fixtures.helloExecutable(), as: "signed.exe", with: signer)
        var generator = SplitMix64(seed: 42)
        var outcomes = (facts: 0, errors: 0)
        for (source, ext) in [(msi, "msi"), (exe, "exe")] {
            let good = try fixtures.bytes(source)
            let target = fixtures.path("damaged.\(ext)")
            for round in 0..<150 {
                var bytes = good
                // Half the rounds hit the headers, where damage matters most.
                let span = round % 2 == 0 ? min(bytes.count, 4096) : bytes.count
                for _ in 0...Int(generator.next() % 8) {
                    let at = Int(generator.next() % UInt64(span))
                    bytes[at] = UInt8(truncatingIfNeeded: generator.next())
                }
                try Data(bytes).write(to: URL(fileURLWithPath: target))
                do {
                    _ = try WindowsInstallerReader.inspect(path: target)
                    outcomes.facts += 1
                } catch let error as WindowsFormatError {
                    #expect(error.message.contains(target), "\(error.message)")
                    outcomes.errors += 1
                } catch {
                    Issue.record("round \(round) of \(ext): unexpected error type \(type(of: error)): \(error)")
                }
            }
        }
        #expect(outcomes.facts > 0 && outcomes.errors > 0, "damage should produce both readable and refused files: \(outcomes)")
    }
}
