import DepotTestSupport
import Foundation
import Inspection
import Testing

@Suite("Reading licence files back from an installer (readEntries)")
struct EntryReaderTests {
    /// A licence long enough to span several of libarchive's blocks, every line different.
    static let longLicence = (0..<20_000).map { "\($0): permission is hereby granted, line \($0 * 7919 % 10_007)\n" }.joined()

    /// Inspects `name`, reads back every licence file it lists, and checks nothing was written.
    func readLicences(_ f: Fixtures, _ name: String, maxBytesPerEntry: Int = 1 << 20,
                      sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: String] {
        let facts = try f.inspect(name)
        let before = f.snapshot()
        let entries = try Inspector().readEntries(file: f.dir.file(name), paths: facts.licenseFiles,
                                                  maxBytesPerEntry: maxBytesPerEntry)
        #expect(f.snapshot() == before, "readEntries wrote into the fixture folder", sourceLocation: sourceLocation)
        #expect(entries.map(\.path) == facts.licenseFiles, "every listed licence file is read, in order",
                sourceLocation: sourceLocation)
        #expect(entries.allSatisfy { !$0.truncated }, sourceLocation: sourceLocation)
        return Dictionary(entries.map { ($0.path, String(decoding: $0.bytes, as: UTF8.self)) }, uniquingKeysWith: { a, _ in a })
    }

    /// Compares texts without printing megabytes of licence on failure: names the path and the first differing byte.
    func expectTexts(_ texts: [String: String], _ expected: [String: String],
                     sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(texts.keys.sorted() == expected.keys.sorted(), sourceLocation: sourceLocation)
        for (path, text) in expected {
            let got = Array((texts[path] ?? "").utf8), want = Array(text.utf8)
            let same = got == want
            let firstDifference = zip(got, want).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset
                ?? min(got.count, want.count)
            #expect(same, "\(path): \(got.count) bytes read, \(want.count) put in, first difference at byte \(firstDifference)",
                    sourceLocation: sourceLocation)
        }
    }

    func expectCorrupt(_ body: () throws -> [ExtractedEntry], sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let entries = try body()
            Issue.record("expected inspect.corrupt, got \(entries.map(\.path))", sourceLocation: sourceLocation)
        } catch let error as InspectionError {
            #expect(error.code == "inspect.corrupt", "\(error.message)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected InspectionError, got \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("Debian package: the copyright files inside data.tar.xz, byte for byte")
    func deb() throws {
        let f = try Fixtures()
        let copyright = PackageFormatTests.dep5 + "\n"
        try f.tree("root", [
            "DEBIAN/control": "Package: contoso-hello\nVersion: 2.10-3\nArchitecture: all\nMaintainer: Contoso <p@contoso.example>\nDescription: greet\n",
            "usr/bin/hello": "#!/bin/sh\necho hello\n",
            "usr/share/doc/contoso-hello/copyright": copyright,
            "usr/share/doc/contoso-hello/LICENSE.long": Self.longLicence,
        ])
        try f.sh("dpkg-deb --root-owner-group -Zxz --build root hello.deb >/dev/null")
        let texts = try readLicences(f, "hello.deb")
        expectTexts(texts, ["data.tar.xz!/usr/share/doc/contoso-hello/copyright": copyright,
                          "data.tar.xz!/usr/share/doc/contoso-hello/LICENSE.long": Self.longLicence])
        // Reading the copyright file back does not cost inspect its DEP-5 licence.
        #expect(try f.inspect("hello.deb").declaredLicense == "GPL-3+ AND GPL-2+")
    }

    @Test("Python wheel: LICENSE in .dist-info, deflated over many blocks")
    func wheel() throws {
        let f = try Fixtures()
        try f.tree("whl", [
            "contoso_tool/__init__.py": "print('hi')\n",
            "contoso_tool-1.2.0.dist-info/METADATA": "Metadata-Version: 2.4\nName: contoso-tool\nVersion: 1.2.0\nLicense-Expression: MIT\n",
            "contoso_tool-1.2.0.dist-info/WHEEL": "Wheel-Version: 1.0\nTag: py3-none-any\n",
            "contoso_tool-1.2.0.dist-info/licenses/LICENSE": Self.longLicence,
            "contoso_tool-1.2.0.dist-info/NOTICE": "Contoso notice\n",
        ])
        try f.sh("cd whl && zip -q -r -D ../contoso_tool-1.2.0-py3-none-any.whl .")
        let texts = try readLicences(f, "contoso_tool-1.2.0-py3-none-any.whl")
        expectTexts(texts, ["contoso_tool-1.2.0.dist-info/licenses/LICENSE": Self.longLicence,
                          "contoso_tool-1.2.0.dist-info/NOTICE": "Contoso notice\n"])
    }

    @Test("MSIX bundle: each inner package's own LICENSE.txt")
    func bundle() throws {
        let f = try Fixtures()
        try f.msixBundle("notepad.msixbundle") { "MIT licence for \($0)\n" }
        let texts = try readLicences(f, "notepad.msixbundle")
        expectTexts(texts, ["notepad_x64.msix!/LICENSE.txt": "MIT licence for x64\n",
                          "notepad_arm64.msix!/LICENSE.txt": "MIT licence for arm64\n"])
    }

    @Test("tar.gz, 7z, cab and ISO 9660: licence files at every depth", arguments: ["tgz", "7z", "cab", "iso"])
    func archives(kind: String) throws {
        let f = try Fixtures()
        try f.tree("src", ArchiveFormatTests.tree.merging(["tool/LICENSE": Self.longLicence]) { _, new in new })
        switch kind {
        case "tgz": try f.sh("cd src && tar -czf ../tool.tgz tool")
        case "7z": try f.sh("cd src && 7zz a -bd -bso0 ../tool.7z tool")
        case "cab": try f.sh("cd src && gcab -c -z ../tool.cab tool/bin/tool tool/LICENSE tool/doc/NOTICE.md")
        default: try f.sh("xorriso -as mkisofs -quiet -R -J -V CONTOSO -o tool.iso src 2>/dev/null")
        }
        let texts = try readLicences(f, "tool.\(kind)")
        expectTexts(texts, ["tool/LICENSE": Self.longLicence, "tool/doc/NOTICE.md": "notice"])
    }

    @Test("macOS product archive: a Resources licence and one inside a component's Payload")
    func macPackage() throws {
        let f = try Fixtures()
        try f.tree("payload", ["Applications/Hello.app/Contents/Resources/LICENSE.txt": "MIT for Hello\n",
                               "Applications/Hello.app/Contents/MacOS/Hello": "binary"])
        try f.tree("product", [
            "Distribution": #"<?xml version="1.0"?><installer-gui-script minSpecVersion="2"><title>Hello</title><product id="se.contoso.hello" version="2.10"/></installer-gui-script>"#,
            "hello.pkg/PackageInfo": #"<pkg-info format-version="2" identifier="se.contoso.hello.pkg" version="2.10.3"/>"#,
            "Resources/en.lproj/License.rtf": "{\\rtf1 licence}",
        ])
        try f.sh("(cd payload && bsdtar --format odc -czf ../product/hello.pkg/Payload Applications) && cd product && bsdtar --format xar -cf ../Hello.pkg Distribution hello.pkg Resources")
        let texts = try readLicences(f, "Hello.pkg")
        expectTexts(texts, ["Resources/en.lproj/License.rtf": "{\\rtf1 licence}",
                          "hello.pkg/Payload!/Applications/Hello.app/Contents/Resources/LICENSE.txt": "MIT for Hello\n"])
    }

    @Test("RPM: the licence file in the cpio payload after the headers")
    func rpm() throws {
        let f = try Fixtures()
        try f.helloRPM()
        let texts = try readLicences(f, "hello.rpm")
        expectTexts(texts, ["usr/share/licenses/contoso-hello/COPYING": "MIT\n"])
    }

    @Test("missing paths, links and folders are absent; order follows the request; duplicates and maxEntries bound it")
    func absentAndOrdered() throws {
        let f = try Fixtures()
        try f.tree("app", ["LICENSE": "MIT\n", "NOTICE": "notice\n", "docs/readme.txt": "read me\n"])
        try f.sh("cd app && ln -s /etc/passwd COPYING && tar -czf ../app.tgz LICENSE NOTICE COPYING docs")
        let inspector = Inspector()
        let file = f.dir.file("app.tgz")
        let entries = try inspector.readEntries(
            file: file, paths: ["NOTICE", "nowhere/LICENSE", "COPYING", "docs", "LICENSE", "NOTICE", "docs/readme.txt"])
        #expect(entries == [ExtractedEntry(path: "NOTICE", bytes: Array("notice\n".utf8), truncated: false),
                            ExtractedEntry(path: "LICENSE", bytes: Array("MIT\n".utf8), truncated: false),
                            ExtractedEntry(path: "docs/readme.txt", bytes: Array("read me\n".utf8), truncated: false)])
        let firstTwo = try inspector.readEntries(file: file, paths: ["LICENSE", "NOTICE", "docs/readme.txt"], maxEntries: 2)
        #expect(firstTwo.map(\.path) == ["LICENSE", "NOTICE"])
        #expect(try inspector.readEntries(file: file, paths: []).isEmpty)
    }

    @Test("an archive that is itself asked for is returned as bytes, not opened")
    func nestedArchiveAsBytes() throws {
        let f = try Fixtures()
        try f.tree("inner", ["LICENSE": "inner MIT\n"])
        try f.sh("cd inner && zip -q ../licenses.zip LICENSE && cd .. && zip -q outer.zip licenses.zip")
        let inner = try Data(contentsOf: f.dir.file("licenses.zip"))
        let entries = try Inspector().readEntries(file: f.dir.file("outer.zip"), paths: ["licenses.zip"])
        #expect(entries == [ExtractedEntry(path: "licenses.zip", bytes: Array(inner), truncated: false)])
        let nested = try Inspector().readEntries(file: f.dir.file("outer.zip"), paths: ["licenses.zip!/LICENSE"])
        #expect(nested.map { String(decoding: $0.bytes, as: UTF8.self) } == ["inner MIT\n"])
    }

    @Test("entries longer than maxBytesPerEntry are cut there and say so; exact fits are not", arguments: ["deb", "zip"])
    func truncation(kind: String) throws {
        let f = try Fixtures()
        let long = "0123456789abcdefghij"
        if kind == "deb" {
            try f.tree("root", ["DEBIAN/control": "Package: t\nVersion: 1\nArchitecture: all\nMaintainer: x\nDescription: t\n",
                                "usr/share/doc/t/copyright": long, "usr/share/doc/t/NOTICE": "0123456789"])
            try f.sh("dpkg-deb -Zgzip --build root t.deb >/dev/null")
        } else {
            try f.tree("src", ["usr/share/doc/t/copyright": long, "usr/share/doc/t/NOTICE": "0123456789"])
            try f.sh("cd src && zip -q -r ../t.deb usr")
        }
        let prefix = kind == "deb" ? "data.tar.gz!/" : ""
        let paths = [prefix + "usr/share/doc/t/copyright", prefix + "usr/share/doc/t/NOTICE"]
        #expect(try f.inspect("t.deb").licenseFiles.sorted() == paths.sorted())
        let cut = try Inspector().readEntries(file: f.dir.file("t.deb"), paths: paths, maxBytesPerEntry: 10)
        #expect(cut == [ExtractedEntry(path: paths[0], bytes: Array("0123456789".utf8), truncated: true),
                        ExtractedEntry(path: paths[1], bytes: Array("0123456789".utf8), truncated: false)])
        let nothing = try Inspector().readEntries(file: f.dir.file("t.deb"), paths: paths, maxBytesPerEntry: 0)
        #expect(nothing.map(\.bytes) == [[], []])
        #expect(nothing.map(\.truncated) == [true, true])
    }

    @Test("a licence file that is a bomb without a declared size (streamed zip) is refused, not skipped past")
    func streamedBombLicence() throws {
        let f = try Fixtures()
        // Python's zipfile writing to a pipe cannot seek back, so sizes only follow the data (data descriptor).
        try f.sh("""
            python3 -c 'import sys, zipfile
            with zipfile.ZipFile(sys.stdout.buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
                with z.open("LICENSE", "w") as w:
                    for _ in range(64): w.write(bytes(1 << 20))' | cat > streamed.zip
            """)
        let inspector = Inspector(limits: HostileInputTests.tight)
        do {
            let entries = try inspector.readEntries(file: f.dir.file("streamed.zip"), paths: ["LICENSE"])
            Issue.record("expected inspect.bomb, got \(entries.map { ($0.path, $0.bytes.count) })")
        } catch let error as InspectionError {
            #expect(error.code == "inspect.bomb", "\(error.message)")
        }
        // Under the limits the same entry is cut at maxBytesPerEntry and says so.
        let roomy = Inspector(limits: InspectionLimits(maxInstallerBytes: 1 << 30, maxUncompressedBytes: 1 << 30,
                                                       maxCompressionRatio: 10_000, maxEntries: 100, maxPathLength: 200,
                                                       maxNestingDepth: 2))
        let cut = try roomy.readEntries(file: f.dir.file("streamed.zip"), paths: ["LICENSE"], maxBytesPerEntry: 4096)
        #expect(cut == [ExtractedEntry(path: "LICENSE", bytes: [UInt8](repeating: 0, count: 4096), truncated: true)])
    }

    @Test("a truncated installer throws inspect.corrupt, as inspect does", arguments: ["zip", "tgz", "deb"])
    func damaged(kind: String) throws {
        let f = try Fixtures()
        let name = try f.damageable(kind)
        let paths = try f.inspect(name).licenseFiles
        #expect(paths == [kind == "deb" ? "data.tar.gz!/opt/LICENSE" : "LICENSE"])
        let good = try Data(contentsOf: f.dir.file(name))
        try f.dir.write("cut.\(kind)", good.prefix(good.count * 2 / 3))
        expectCorrupt { try Inspector().readEntries(file: f.dir.file("cut.\(kind)"), paths: paths) }
    }
}
