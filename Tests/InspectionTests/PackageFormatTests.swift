import DepotModel
import DepotTestSupport
import Foundation
import Inspection
import Testing
import WindowsFormats

@Suite("Debian, RPM, macOS pkg and dmg")
struct PackageFormatTests {
    static let dep5 = """
        Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
        Upstream-Name: hello

        Files: *
        Copyright: 2024 Contoso Software
        License: GPL-3+

        Files: debian/*
        Copyright: 2024 Contoso Packaging
        License: GPL-2+
         Some text under the short name.

        License: GPL-3+
         This program is free software: you can redistribute it.
        """

    @Test("Debian package: control fields, DEP-5 licences, data.tar listing", arguments: ["xz", "gzip", "zstd"])
    func deb(compression: String) throws {
        let f = try Fixtures()
        try f.tree("root", [
            "DEBIAN/control": """
                Package: contoso-hello
                Version: 1:2.10-3
                Architecture: amd64
                Maintainer: Contoso Packaging <packaging@contoso.example>
                Description: greet the city
                 A longer description.

                """,
            "usr/bin/hello": "#!/bin/sh\necho hello\n",
            "usr/share/doc/contoso-hello/copyright": Self.dep5,
            "usr/share/doc/other/copyright": "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nLicense: MIT\n",
        ])
        try f.sh("dpkg-deb --root-owner-group -Z\(compression) --build root hello.deb >/dev/null")
        let listed = try f.sh("dpkg-deb -c hello.deb | wc -l")
        let facts = try f.inspect("hello.deb")
        #expect(facts.format == "deb")
        #expect(facts.installerType == "deb")
        #expect(facts.name == "contoso-hello")
        #expect(facts.version == "1:2.10-3")
        #expect(facts.publisher == "Contoso Packaging <packaging@contoso.example>")
        #expect(facts.platforms == ["linux"])
        #expect(facts.architectures == ["x64"])
        #expect(facts.declaredLicense == "GPL-3+ AND GPL-2+")
        let member = compression == "gzip" ? "data.tar.gz" : compression == "xz" ? "data.tar.xz" : "data.tar.zst"
        #expect(facts.licenseFiles.contains("\(member)!/usr/share/doc/contoso-hello/copyright"))
        // dpkg-deb lists "./" too, which is the root folder rather than content.
        #expect(facts.entryCount == (Int(listed.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) - 1)
        #expect(facts.warnings.isEmpty, "\(facts.warnings)")
    }

    @Test("RPM: NAME, EPOCH:VERSION-RELEASE, LICENSE, VENDOR, ARCH from the header; payload listed by libarchive")
    func rpm() throws {
        let f = try Fixtures()
        try f.helloRPM()
        let listed = try f.sh("rpm -qlp hello.rpm 2>/dev/null | wc -l")
        let facts = try f.inspect("hello.rpm")
        #expect(facts.format == "rpm")
        #expect(facts.installerType == "rpm")
        #expect(facts.name == "contoso-hello")
        #expect(facts.version == "1:2.10-3")
        #expect(facts.publisher == "Contoso Software")
        #expect(facts.declaredLicense == "MIT AND (GPL-2.0-or-later OR BSD-3-Clause)")
        #expect(facts.platforms == ["linux"])
        #expect(facts.architectures == ["any"])
        #expect(facts.entryCount == Int(listed.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(facts.licenseFiles == ["usr/share/licenses/contoso-hello/COPYING"])
        #expect(facts.sha256 == (try f.opensslSHA256("hello.rpm")))
    }

    @Test("macOS product archive (xar): title, product version, host architectures, licence files inside the Payload")
    func productPackage() throws {
        let f = try Fixtures()
        try f.tree("payload", ["Applications/Hello.app/Contents/Resources/LICENSE.txt": "MIT",
                               "Applications/Hello.app/Contents/MacOS/Hello": "binary"])
        try f.tree("product", [
            "Distribution": """
                <?xml version="1.0" encoding="utf-8"?>
                <installer-gui-script minSpecVersion="2">
                    <title>Contoso Hello</title>
                    <options customize="never" require-scripts="false" hostArchitectures="x86_64,arm64"/>
                    <pkg-ref id="se.contoso.hello.pkg" version="2.10.3" onConclusion="none">hello.pkg</pkg-ref>
                    <product id="se.contoso.hello" version="2.10"/>
                </installer-gui-script>
                """,
            "hello.pkg/PackageInfo": #"<pkg-info format-version="2" identifier="se.contoso.hello.pkg" version="2.10.3" install-location="/" auth="root"><payload numberOfFiles="2" installKBytes="1"/></pkg-info>"#,
            "Resources/en.lproj/License.rtf": "{\\rtf1 licence}",
        ])
        try f.sh("(cd payload && bsdtar --format odc -czf ../product/hello.pkg/Payload Applications) && cd product && bsdtar --format xar -cf ../ContosoHello.pkg Distribution hello.pkg Resources")
        let facts = try f.inspect("ContosoHello.pkg")
        #expect(facts.format == "xar")
        #expect(facts.installerType == "pkg")
        #expect(facts.name == "Contoso Hello")
        #expect(facts.version == "2.10")
        #expect(facts.platforms == ["macos"])
        #expect(facts.architectures == ["x64", "arm64"])
        #expect(Set(facts.licenseFiles) == ["Resources/en.lproj/License.rtf",
                                            "hello.pkg/Payload!/Applications/Hello.app/Contents/Resources/LICENSE.txt"])
    }

    @Test("macOS component package: identifier and version from PackageInfo")
    func componentPackage() throws {
        let f = try Fixtures()
        try f.tree("component", [
            "PackageInfo": #"<?xml version="1.0"?><pkg-info format-version="2" identifier="se.contoso.tool" version="4.0.1" auth="root"/>"#,
            "Bom": "bom",
        ])
        try f.sh("cd component && bsdtar --format xar -cf ../tool.pkg PackageInfo Bom")
        let facts = try f.inspect("tool.pkg")
        #expect(facts.format == "xar")
        #expect(facts.name == "se.contoso.tool")
        #expect(facts.version == "4.0.1")
    }

    @Test("DMG: recognised by its koly trailer, reported as not inspectable")
    func dmg() throws {
        let f = try Fixtures()
        var image = Fixtures.noise(64 * 1024)
        var trailer = Data("koly".utf8)
        trailer.append(contentsOf: [0, 0, 0, 4, 0, 0, 2, 0])
        trailer.append(Data(count: 512 - trailer.count))
        image.append(trailer)
        try f.dir.write("Hello.dmg", image)
        let facts = try f.inspect("Hello.dmg")
        #expect(facts.format == "dmg")
        #expect(facts.platforms == ["macos"])
        #expect(facts.entryCount == nil)
        #expect(facts.warnings.contains { $0.contains("disk image") && $0.contains("Hello.dmg") })
        #expect(facts.sha256 == (try f.opensslSHA256("Hello.dmg")))
    }
}

@Suite("Archives: tar family, 7z, cab, ISO 9660; Windows and unknown files")
struct ArchiveFormatTests {
    static let tree = ["tool/bin/tool": String(repeating: "t", count: 3000), "tool/LICENSE": "MIT",
                       "tool/doc/NOTICE.md": "notice", "tool/doc/manual.txt": "read me"]

    @Test("tar, plain and compressed", arguments: ["", "-z", "-j", "-J", "--zstd"])
    func tar(flag: String) throws {
        let f = try Fixtures()
        try f.tree("src", Self.tree)
        try f.sh("cd src && tar \(flag) -cf ../tool.tar tool")
        let facts = try f.inspect("tool.tar")
        #expect(facts.format == "tar")
        #expect(facts.installerType == "portable")
        #expect(facts.entryCount == 7)  // four files and three folders
        let contentBytes: Int64 = 3000 + 3 + 6 + 7
        #expect(facts.uncompressedSize == contentBytes)
        #expect(Set(facts.licenseFiles) == ["tool/LICENSE", "tool/doc/NOTICE.md"])
        #expect(facts.warnings.isEmpty, "\(facts.warnings)")
        #expect(facts.sha256 == (try f.opensslSHA256("tool.tar")))
    }

    @Test("7z: listing read after the pass (its index is at the end)")
    func sevenZip() throws {
        let f = try Fixtures()
        try f.tree("src", Self.tree)
        try f.sh("cd src && 7zz a -bd -bso0 ../tool.7z tool")
        let facts = try f.inspect("tool.7z")
        #expect(facts.format == "7z")
        #expect(facts.entryCount == 7)
        #expect(Set(facts.licenseFiles) == ["tool/LICENSE", "tool/doc/NOTICE.md"])
        #expect(facts.sha256 == (try f.opensslSHA256("tool.7z")))
    }

    @Test("cab made by gcab: listing, Windows platform")
    func cab() throws {
        let f = try Fixtures()
        try f.tree("src", Self.tree)
        try f.sh("cd src/tool && gcab -c -z ../../tool.cab bin/tool LICENSE doc/NOTICE.md doc/manual.txt")
        let facts = try f.inspect("tool.cab")
        #expect(facts.format == "cab")
        #expect(facts.platforms == ["windows"])
        #expect(facts.entryCount == 4)
        #expect(Set(facts.licenseFiles) == ["LICENSE", "doc/NOTICE.md"])
    }

    @Test("ISO 9660 made by xorriso: listing with Rock Ridge names")
    func iso() throws {
        let f = try Fixtures()
        try f.tree("src", Self.tree)
        try f.sh("xorriso -as mkisofs -quiet -R -J -V CONTOSO -o tool.iso src 2>/dev/null")
        let facts = try f.inspect("tool.iso")
        #expect(facts.format == "iso9660")
        #expect(facts.entryCount == 7)
        #expect(Set(facts.licenseFiles) == ["tool/LICENSE", "tool/doc/NOTICE.md"])
        #expect(facts.sha256 == (try f.opensslSHA256("tool.iso")))
    }

    @Test("UTF-8 names (zip flag, 7z UTF-16, Joliet/Rock Ridge, tar bytes) arrive intact, without warnings",
          arguments: ["zip", "7z", "iso", "tar"])
    func nonASCIINames(kind: String) throws {
        let f = try Fixtures()
        try f.dir.write("src/Café/LICENSE-Ü.txt", "MIT")
        switch kind {
        case "zip": try f.sh("cd src && zip -q -r -D ../names.zip Café")
        case "7z": try f.sh("cd src && 7zz a -bd -bso0 ../names.7z Café")
        case "iso": try f.sh("xorriso -as mkisofs -quiet -R -J -o names.iso src 2>/dev/null")
        default: try f.sh("cd src && tar -cf ../names.tar Café")
        }
        let facts = try f.inspect("names.\(kind)")
        #expect(facts.licenseFiles == ["Café/LICENSE-Ü.txt"])
        #expect(facts.warnings.isEmpty, "\(facts.warnings)")
    }

    static let wxs = """
        <?xml version="1.0" encoding="utf-8"?>
        <Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
          <Product Id="*" Name="Contoso Hello" Language="1033" Version="1.2.3" Manufacturer="Contoso Software"
                   UpgradeCode="12345678-1234-1234-1234-123456789012">
            <Package InstallerVersion="200" Compressed="yes" />
            <Media Id="1" Cabinet="hello.cab" EmbedCab="yes" />
            <Directory Id="TARGETDIR" Name="SourceDir">
              <Directory Id="ProgramFilesFolder">
                <Directory Id="INSTALLDIR" Name="Hello">
                  <Component Id="Main" Guid="12345678-1234-1234-1234-123456789013">
                    <File Id="HelloTxt" Source="hello.txt" />
                  </Component>
                </Directory>
              </Directory>
            </Directory>
            <Feature Id="Complete" Level="1"><ComponentRef Id="Main" /></Feature>
          </Product>
        </Wix>
        """

    @Test("MSI (wixl) and PE (mingw-w64): hashed in the pass, facts folded from the Windows reader's answer")
    func windows() throws {
        let f = try Fixtures()
        try f.dir.write("hello.wxs", Self.wxs)
        try f.dir.write("hello.txt", "hi")
        try f.dir.write("hello.c", "int main(void) { return 0; }\n")
        try f.sh("wixl -o hello.msi hello.wxs && x86_64-w64-mingw32-gcc -o hello.exe hello.c")
        for (name, format) in [("hello.msi", "msi"), ("hello.exe", "pe")] {
            let direct = try WindowsInstallerReader.inspect(path: f.dir.file(name).path)
            let facts = try f.inspect(name)
            #expect(facts.format == format)
            #expect(facts.format == direct.format)
            #expect(facts.installerType == direct.installerType)
            #expect(facts.name == direct.name)
            #expect(facts.version == direct.version)
            #expect(facts.publisher == direct.publisher)
            #expect(facts.platforms == ["windows"])
            #expect(facts.architectures == direct.architectures)
            #expect(facts.windows == direct.windows)
            #expect(facts.sha256 == (try f.opensslSHA256(name)))
        }
        let msi = try f.inspect("hello.msi")
        #expect(msi.name == "Contoso Hello")
        #expect(msi.version == "1.2.3")
    }

    @Test("a damaged Windows file is inspect.corrupt with the Windows reader's words")
    func damagedWindowsFile() throws {
        let f = try Fixtures()
        var pe = Data("MZ".utf8)
        pe.append(Fixtures.noise(8192))
        try f.dir.write("setup.exe", pe)
        let error = expectInspectionError("inspect.corrupt") { try f.inspect("setup.exe") }
        #expect(error?.message.contains("setup.exe") == true)
        #expect(error?.sha256 == (try f.opensslSHA256("setup.exe")))
    }

    @Test("Anything else is format unknown with a warning")
    func unknown() throws {
        let f = try Fixtures()
        try f.dir.write("mystery.bin", Fixtures.noise(200_000))
        let facts = try f.inspect("mystery.bin")
        #expect(facts.format == "unknown")
        #expect(facts.size == 200_000)
        #expect(facts.warnings.contains { $0.contains("mystery.bin") && $0.contains("not a format") })
        #expect(facts.sha256 == (try f.opensslSHA256("mystery.bin")))
        // gzip around something that is not tar
        try f.dir.write("notes.txt", String(repeating: "plain text\n", count: 100))
        try f.sh("gzip -k notes.txt")
        let gz = try f.inspect("notes.txt.gz")
        #expect(gz.format == "unknown")
        #expect(gz.warnings.contains { $0.contains("gzip-compressed") })
    }
}
