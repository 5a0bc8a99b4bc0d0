import DepotTestSupport
import Foundation
import Testing
@testable import WindowsFormats

@Suite("PE executables built with mingw-w64 and makensis")
struct PEReaderTests {
    @Test("a mingw x64 program reports its machine and every version string")
    func versionResource() throws {
        let fixtures = try WindowsFixtures()
        let path = try fixtures.helloExecutable()
        let facts = try WindowsInstallerReader.inspect(path: path)
        #expect(facts.format == "pe")
        #expect(facts.installerType == "exe")
        #expect(facts.name == "Depot Hello")
        #expect(facts.version == "3.4.5")
        #expect(facts.publisher == "City of Test")
        #expect(facts.platforms == ["windows"])
        #expect(facts.architectures == ["x64"])
        #expect(facts.warnings.isEmpty)
        #expect(facts.windows.machine == "x64")
        #expect(facts.windows.is64Bit == true)
        #expect(facts.windows.framework == "exe")
        #expect(facts.windows.silentSwitch == nil)
        #expect(facts.windows.signature?.status == "unsigned")
        #expect(facts.windows.versionInfo == [
            "CompanyName": "City of Test", "ProductName": "Depot Hello", "ProductVersion": "3.4.5",
            "FileVersion": "3.4.5.6", "LegalCopyright": "(c) City of Test", "OriginalFilename": "hello.exe",
        ])
    }

    @Test("without version strings the fixed product version is the version")
    func fixedVersionFallback() throws {
        let fixtures = try WindowsFixtures()
        let path = try fixtures.executable("bare.exe", resource: WindowsFixtures.versionResource([], productVersion: "7,8,9,10"))
        let facts = try WindowsInstallerReader.inspect(path: path)
        #expect(facts.version == "7.8.9.10")
        #expect(facts.name == nil)
        #expect(facts.windows.versionInfo == nil)
    }

    @Test("an NSIS installer is a 32-bit x86 NSIS setup with the /S switch")
    func nsis() throws {
        let fixtures = try WindowsFixtures()
        let facts = try WindowsInstallerReader.inspect(path: try fixtures.nsisInstaller())
        #expect(facts.installerType == "nsis")
        #expect(facts.windows.framework == "nsis")
        #expect(facts.windows.silentSwitch == "/S")
        #expect(facts.windows.machine == "x86")
        #expect(facts.windows.is64Bit == false)
        #expect(facts.name == "Depot NSIS App")
        #expect(facts.version == "1.5.0")
        #expect(facts.publisher == "City of Test")
    }

    @Test("a .wixburn section marks a WiX Burn bundle")
    func burnMark() throws {
        let fixtures = try WindowsFixtures()
        let path = try fixtures.executable("bundle.exe", source: """
            __attribute__((used, section(".wixburn"))) static const char burn[64] = "burn manifest pointer";
            int main(void) { return 0; }
            """)
        let facts = try WindowsInstallerReader.inspect(path: path)
        #expect(facts.installerType == "burn")
        #expect(facts.windows.silentSwitch == "/quiet /norestart")
    }

    @Test("Inno Setup is recognised by its version comment")
    func innoMark() throws {
        let fixtures = try WindowsFixtures()
        let path = try fixtures.executable("inno.exe", resource: WindowsFixtures.versionResource([
            ("Comments", "This installation was built with Inno Setup."), ("ProductName", "Depot Inno"),
        ]))
        let facts = try WindowsInstallerReader.inspect(path: path)
        #expect(facts.installerType == "inno")
        #expect(facts.windows.silentSwitch == "/VERYSILENT /SUPPRESSMSGBOXES /NORESTART")
    }

    @Test("InstallShield is recognised by its name in the image")
    func installShieldMark() throws {
        let fixtures = try WindowsFixtures()
        let path = try fixtures.executable("is.exe", source: """
            #include <string.h>
            const char *volatile mark = "InstallShield(R) Setup Launcher";
            int main(void) { return (int)strlen(mark); }
            """)
        let facts = try WindowsInstallerReader.inspect(path: path)
        #expect(facts.installerType == "installshield")
        #expect(facts.windows.silentSwitch == "/s /v\"/qn\"")
    }

    @Test("a mark split across two 1 MiB scan chunks is still found")
    func markAcrossChunks() throws {
        var buffer = [UInt8](repeating: 0x41, count: 100)
        buffer.replaceSubrange(90..<100, with: Array("NullsoftIn".utf8))
        let mark = Array("NullsoftInst".utf8)
        #expect(buffer.withUnsafeBytes { InstallerFramework.contains($0, mark) } == false)
        buffer += Array("st".utf8)
        #expect(buffer.withUnsafeBytes { InstallerFramework.contains($0, mark) } == true)
    }
}
