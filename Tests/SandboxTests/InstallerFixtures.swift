import DepotTestSupport
import Foundation
@testable import Sandbox

/// Real installers built in the test with wixl, makensis and mingw-w64, and one Wine runner per test process so
/// every test shares one template prefix (made once, then reused by later runs on this machine).
enum SandboxFixtures {
    /// Template prefixes live outside each test's temporary folder so a test run makes the template once.
    static let templates = FileManager.default.temporaryDirectory.appendingPathComponent("depot-wine-templates", isDirectory: true)

    static func runner(_ dir: TemporaryDirectory) throws -> WineRunner {
        try WineRunner(directory: dir.url.appendingPathComponent("sandbox"), templates: templates)
    }

    static func msi(in dir: TemporaryDirectory, name: String = "depot-msi", version: String = "2.1.0",
                    component: String = "", extraFiles: String = "") throws -> URL {
        try dir.write("app.txt", "hello from Depot\n")
        let wxs = """
        <?xml version="1.0" encoding="utf-8"?>
        <Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
          <Product Id="*" Name="Depot MSI Test" Language="1033" Version="\(version)" Manufacturer="City of Test"
                   UpgradeCode="6A1C2B3D-1111-4222-8333-944455566677">
            <Package InstallerVersion="200" Compressed="yes" InstallScope="perMachine" />
            <Media Id="1" Cabinet="payload.cab" EmbedCab="yes" />
            <Directory Id="TARGETDIR" Name="SourceDir">
              <Directory Id="ProgramFilesFolder">
                <Directory Id="INSTALLDIR" Name="DepotMSITest">
                  <Component Id="Main" Guid="6A1C2B3D-2222-4222-8333-944455566677">
                    <File Id="AppTxt" Name="app.txt" Source="app.txt" KeyPath="yes" />
                    \(extraFiles)
                    <RegistryValue Root="HKLM" Key="Software\\City of Test\\DepotMSITest" Name="Installed" Type="string" Value="yes" />
                    \(component)
                  </Component>
                </Directory>
              </Directory>
            </Directory>
            <Feature Id="Main" Level="1"><ComponentRef Id="Main" /></Feature>
          </Product>
        </Wix>
        """
        try dir.write("\(name).wxs", wxs)
        try Tools.require("wixl", ["-a", "x86", "-o", "\(name).msi", "\(name).wxs"], in: dir.url)
        return dir.file("\(name).msi")
    }

    /// A 32-bit NSIS installer with an uninstaller and an Add/Remove Programs entry; `leaky` forgets a file.
    static func nsis(in dir: TemporaryDirectory, name: String = "DepotNSIS", leaky: Bool = false) throws -> URL {
        try WindowsInstallers.nsis(in: dir, name: name, leaky: leaky)
    }

    /// A 64-bit console program from C source (mingw-w64).
    static func program(in dir: TemporaryDirectory, name: String, source: String) throws -> URL {
        try dir.write("\(name).c", source)
        try Tools.require("x86_64-w64-mingw32-gcc", ["-O1", "-s", "-o", "\(name).exe", "\(name).c"], in: dir.url)
        return dir.file("\(name).exe")
    }

    static func job(_ installer: URL, type: String, version: String? = nil, silentSwitch: String? = nil,
                    timeout: Int = 120) -> InstallTestJob {
        InstallTestJob(installer: installer, fileName: installer.lastPathComponent, installerType: type,
                       silentSwitch: silentSwitch, expectedVersion: version, timeoutSeconds: timeout)
    }
}
