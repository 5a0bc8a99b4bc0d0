import DepotModel
import DepotTestSupport
import Foundation
import Inspection
import Testing

@Suite("Zip family: MSIX, bundles, NuGet, wheels, JAR, CRX, plain zip")
struct ZipFamilyTests {
    static let appxManifest = """
        <?xml version="1.0" encoding="utf-8"?>
        <!-- <Identity Name="Commented.Out" Version="0.0.0.0"/> -->
        <Package xmlns="http://schemas.microsoft.com/appx/manifest/foundation/windows10"
                 xmlns:uap="http://schemas.microsoft.com/appx/manifest/uap/windows10">
          <Identity Name="Contoso.Notepad" Publisher="CN=Contoso Software, O=Contoso, C=SE"
                    Version="2.4.1.0" ProcessorArchitecture="ARCH" />
          <Properties>
            <DisplayName>Contoso Notepad &amp; Friends</DisplayName>
            <PublisherDisplayName>Contoso Software</PublisherDisplayName>
            <Logo>Assets\\logo.png</Logo>
          </Properties>
          <Applications>
            <Application Id="App" Executable="notepad.exe">
              <uap:VisualElements DisplayName="ms-resource:AppName" Description="Notes" />
            </Application>
          </Applications>
        </Package>
        """

    @Test("MSIX: identity, display names and architecture come from AppxManifest.xml")
    func msix() throws {
        let f = try Fixtures()
        try f.tree("msix", ["AppxManifest.xml": Self.appxManifest.replacingOccurrences(of: "ARCH", with: "x64"),
                            "Licenses/ThirdPartyNotices.txt": "notices", "notepad.exe": "MZ not really"])
        try f.sh("cd msix && zip -q -r -D ../notepad.msix .")
        let facts = try f.inspect("notepad.msix")
        #expect(facts.format == "msix")
        #expect(facts.installerType == "msix")
        #expect(facts.name == "Contoso Notepad & Friends")
        #expect(facts.version == "2.4.1.0")
        #expect(facts.publisher == "Contoso Software")
        #expect(facts.platforms == ["windows"])
        #expect(facts.architectures == ["x64"])
        #expect(facts.licenseFiles == ["Licenses/ThirdPartyNotices.txt"])
        #expect(facts.entryCount == 3)
        #expect(facts.warnings.isEmpty, "\(facts.warnings)")
        #expect(facts.sha256 == (try f.opensslSHA256("notepad.msix")))
    }

    @Test("MSIX bundle: architectures from the bundle manifest, display names from the inner package")
    func bundle() throws {
        let f = try Fixtures()
        try f.msixBundle("notepad.msixbundle") { _ in "MIT" }
        let facts = try f.inspect("notepad.msixbundle")
        #expect(facts.format == "appxbundle")
        #expect(facts.installerType == "msix")
        #expect(facts.name == "Contoso Notepad & Friends")
        #expect(facts.version == "2.4.1.0")
        #expect(facts.publisher == "Contoso Software")
        #expect(facts.architectures == ["x64", "arm64"])
        #expect(facts.platforms == ["windows"])
        #expect(facts.entryCount == 3)
        #expect(Set(facts.licenseFiles) == ["notepad_x64.msix!/LICENSE.txt", "notepad_arm64.msix!/LICENSE.txt"])
    }

    @Test("NuGet/Chocolatey: id, title, authors, licence expression and licence acceptance from the .nuspec")
    func nupkg() throws {
        let f = try Fixtures()
        try f.tree("nupkg", [
            "contoso-notepad.nuspec": """
                <?xml version="1.0" encoding="utf-8"?>
                <package xmlns="http://schemas.microsoft.com/packaging/2015/06/nuspec.xsd">
                  <metadata>
                    <id>contoso-notepad</id>
                    <version>2.4.1</version>
                    <title>Contoso Notepad</title>
                    <authors>Contoso Software</authors>
                    <license type="expression">MIT OR Apache-2.0</license>
                    <licenseUrl>https://aka.ms/deprecateLicenseUrl</licenseUrl>
                    <requireLicenseAcceptance>true</requireLicenseAcceptance>
                    <dependencies><dependency id="chocolatey-core.extension" version="1.3.3" /></dependencies>
                  </metadata>
                </package>
                """,
            "tools/chocolateyInstall.ps1": "Install-ChocolateyPackage",
            "tools/LICENSE.txt": "MIT",
            "[Content_Types].xml": "<Types/>",
        ])
        try f.sh("cd nupkg && zip -q -r -D ../contoso-notepad.2.4.1.nupkg .")
        let facts = try f.inspect("contoso-notepad.2.4.1.nupkg")
        #expect(facts.format == "nupkg")
        #expect(facts.installerType == "nupkg")
        #expect(facts.name == "Contoso Notepad")
        #expect(facts.version == "2.4.1")
        #expect(facts.publisher == "Contoso Software")
        #expect(facts.declaredLicense == "MIT OR Apache-2.0")
        #expect(facts.platforms == ["windows"])
        #expect(facts.licenseFiles == ["tools/LICENSE.txt"])
        #expect(facts.warnings.contains { $0.contains("requireLicenseAcceptance") })
    }

    @Test("Python wheel: METADATA name, version, author, License-Expression; WHEEL tags give platform and architecture")
    func wheel() throws {
        let f = try Fixtures()
        let info = "contoso_tool-1.2.0.dist-info"
        try f.tree("whl", [
            "contoso_tool/__init__.py": "",
            "\(info)/METADATA": """
                Metadata-Version: 2.4
                Name: contoso-tool
                Version: 1.2.0
                Summary: A tool for the city
                Author: Jane Doe
                License-Expression: BSD-3-Clause
                License-File: LICENSE
                Classifier: Programming Language :: Python :: 3
                Classifier: License :: OSI Approved :: BSD License

                Description body.
                License: this line is part of the description, not a field
                """,
            "\(info)/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: false\nTag: cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64\n",
            "\(info)/licenses/LICENSE": "BSD",
            "\(info)/RECORD": "",
        ])
        try f.sh("cd whl && zip -q -r -D ../contoso_tool-1.2.0-cp311-cp311-manylinux_2_17_x86_64.whl .")
        let facts = try f.inspect("contoso_tool-1.2.0-cp311-cp311-manylinux_2_17_x86_64.whl")
        #expect(facts.format == "wheel")
        #expect(facts.installerType == "wheel")
        #expect(facts.name == "contoso-tool")
        #expect(facts.version == "1.2.0")
        #expect(facts.publisher == "Jane Doe")
        #expect(facts.declaredLicense == "BSD-3-Clause")
        #expect(facts.platforms == ["linux"])
        #expect(facts.architectures == ["x64"])
        #expect(facts.licenseFiles == ["\(info)/licenses/LICENSE"])
    }

    @Test("Pure Python wheel without License-Expression: the licence classifier is declared, any platform")
    func pureWheel() throws {
        let f = try Fixtures()
        let info = "tiny-0.1.dist-info"
        try f.tree("whl", [
            "tiny.py": "",
            "\(info)/METADATA": "Metadata-Version: 2.1\nName: tiny\nVersion: 0.1\nAuthor-email: Jan Berg <jan@example.org>\nLicense: UNKNOWN\nClassifier: License :: OSI Approved :: MIT License\n",
            "\(info)/WHEEL": "Wheel-Version: 1.0\nTag: py3-none-any\n",
        ])
        try f.sh("cd whl && zip -q -r -D ../tiny-0.1-py3-none-any.whl .")
        let facts = try f.inspect("tiny-0.1-py3-none-any.whl")
        #expect(facts.format == "wheel")
        #expect(facts.declaredLicense == "MIT License")
        #expect(facts.publisher == "Jan Berg")
        #expect(facts.platforms == ["linux", "macos", "windows"])
        #expect(facts.architectures == ["any"])
    }

    @Test("JAR: MANIFEST.MF implementation title, version, vendor and Bundle-License, with wrapped lines")
    func jar() throws {
        let f = try Fixtures()
        let classPath = "Class-Path: " + (1...12).map { "lib/dependency-number-\($0).jar" }.joined(separator: " ")
        // Manifest lines wrap at 72 bytes; continuation lines start with one space.
        var wrapped: [String] = []
        var rest = Substring(classPath)
        wrapped.append(String(rest.prefix(72))); rest = rest.dropFirst(72)
        while !rest.isEmpty { wrapped.append(" " + rest.prefix(71)); rest = rest.dropFirst(71) }
        try f.tree("jar", [
            "META-INF/MANIFEST.MF": ([
                "Manifest-Version: 1.0", "Implementation-Title: Contoso Reporter", "Implementation-Version: 3.1.4",
                "Implementation-Vendor: Contoso Software AB",
            ] + wrapped + ["Bundle-License: https://www.apache.org/licenses/LICENSE-2.0.txt", "", "Name: se/contoso/", "Implementation-Title: not the main section", ""]).joined(separator: "\r\n"),
            "META-INF/LICENSE": "Apache",
            "se/contoso/Main.class": "cafebabe",
        ])
        try f.sh("cd jar && zip -q -r -D ../reporter.jar META-INF se")
        let facts = try f.inspect("reporter.jar")
        #expect(facts.format == "jar")
        #expect(facts.name == "Contoso Reporter")
        #expect(facts.version == "3.1.4")
        #expect(facts.publisher == "Contoso Software AB")
        #expect(facts.declaredLicense == "https://www.apache.org/licenses/LICENSE-2.0.txt")
        #expect(facts.architectures == ["any"])
        #expect(facts.licenseFiles == ["META-INF/LICENSE"])
    }

    @Test("Chrome extension: CRX3 header skipped, localised name resolved from _locales")
    func crx() throws {
        let f = try Fixtures()
        try f.tree("ext", [
            "manifest.json": #"{"manifest_version": 3, "name": "__MSG_appName__", "version": "5.0.2", "default_locale": "en", "author": "Contoso"}"#,
            "_locales/en/messages.json": #"{"appName": {"message": "Contoso Blocker"}}"#,
            "_locales/sv/messages.json": #"{"appName": {"message": "Contoso Blockerare"}}"#,
            "LICENSE": "GPL",
            "background.js": "//",
        ])
        try f.sh("cd ext && zip -q -r -D ../ext.zip .")
        let zip = try Data(contentsOf: f.dir.file("ext.zip"))
        let header = Fixtures.noise(300)
        var crx = Data("Cr24".utf8)
        for value in [UInt32(3), UInt32(header.count)] { withUnsafeBytes(of: value.littleEndian) { crx.append(contentsOf: $0) } }
        crx.append(header)
        crx.append(zip)
        try f.dir.write("blocker.crx", crx)
        let facts = try f.inspect("blocker.crx")
        #expect(facts.format == "crx")
        #expect(facts.installerType == "crx")
        #expect(facts.name == "Contoso Blocker")
        #expect(facts.version == "5.0.2")
        #expect(facts.publisher == "Contoso")
        #expect(facts.licenseFiles == ["LICENSE"])
        #expect(facts.entryCount == 5)
        #expect(facts.sha256 == (try f.opensslSHA256("blocker.crx")))
    }

    @Test("Plain zip: a portable app with its listing, size and licence files")
    func plainZip() throws {
        let f = try Fixtures()
        try f.tree("app", ["App/app.exe": String(repeating: "x", count: 5000), "App/COPYING.LIB": "LGPL",
                           "App/legal/privacy.html": "p", "App/EULA.rtf": "{\\rtf}", "App/LicenseManager.dll": "code",
                           "App/readme.txt": "hi"])
        try f.sh("zip -q -r -D portable.zip app")
        let facts = try f.inspect("portable.zip")
        #expect(facts.format == "zip")
        #expect(facts.installerType == "portable")
        #expect(facts.entryCount == 6)
        let contentBytes: Int64 = 5000 + 4 + 1 + 6 + 4 + 2
        #expect(facts.uncompressedSize == contentBytes)
        #expect(Set(facts.licenseFiles) == ["app/App/COPYING.LIB", "app/App/legal/privacy.html", "app/App/EULA.rtf"])
        #expect(facts.name == nil)
        #expect(facts.warnings.isEmpty, "\(facts.warnings)")
    }
}
