import Foundation
import Testing
@testable import Sandbox

/// The parts of the sandbox that need no Wine: the registry file reader, the command lines, the verdict.
@Suite struct SandboxUnitTests {
    @Test func aWineRegistryFileReadsAsKeysAndValues() {
        let text = #"""
            WINE REGISTRY Version 2
            ;; All keys relative to \\Machine

            #arch=win64

            [Software\\Wow6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\App] 1700000000
            #time=1da1b2c3d4e5f60
            @="default"
            "DisplayName"="App \"Pro\""
            "DisplayVersion"="1.2.3"
            "UninstallString"="\"C:\\Program Files (x86)\\App\\uninstall.exe\""
            "EstimatedSize"=dword:00000400
            "Blob"=hex:01,02,\
              03,04
            "Path"=str(2):"%ProgramFiles%\\App"

            [Software\\Empty] 1700000001
            """#
        let hive = RegistryHive(text: text, root: "HKLM")
        let key = "HKLM\\Software\\Wow6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\App"
        #expect(hive.string(key, "DisplayName") == "App \"Pro\"")
        #expect(hive.string(key, "UninstallString") == "\"C:\\Program Files (x86)\\App\\uninstall.exe\"")
        #expect(hive.string(key, "EstimatedSize") == "1024")
        #expect(hive.string(key, "") == "default")
        #expect(hive.keys[key]?["Blob"] == "hex:01,02,03,04")
        #expect(hive.string(key, "Path") == "%ProgramFiles%\\App")
        #expect(hive.keys["HKLM\\Software\\Empty"] == [:])
        let entry = SnapshotDiff.uninstallEntry(key: key, values: hive.keys[key]!)
        #expect(entry?.view == "32-bit (WOW6432Node)" && entry?.displayVersion == "1.2.3" && entry?.productCode == nil)
    }

    @Test func uninstallCommandsPreferProductCodeThenQuietThenTheFrameworkSwitch() {
        var entry = UninstallEntry(key: "k", view: "64-bit", uninstallString: "MsiExec.exe /X{0150236A-638D-4772-B629-B4A2D1E70A12}",
                                   productCode: "{0150236A-638D-4772-B629-B4A2D1E70A12}")
        #expect(InstallCommands.uninstall(entry, installerType: "msi")?.hasPrefix("msiexec /x {0150236A-638D-4772-B629-B4A2D1E70A12} /qn") == true)
        entry = UninstallEntry(key: "k", view: "64-bit", uninstallString: "\"C:\\A\\unins000.exe\"", quietUninstallString: "\"C:\\A\\unins000.exe\" /SILENT")
        #expect(InstallCommands.uninstall(entry, installerType: "inno") == "\"C:\\A\\unins000.exe\" /SILENT")
        entry.quietUninstallString = nil
        #expect(InstallCommands.uninstall(entry, installerType: "inno") == "\"C:\\A\\unins000.exe\" /VERYSILENT /SUPPRESSMSGBOXES /NORESTART")
        entry.uninstallString = "C:\\Program Files\\A\\uninstall.exe"
        #expect(InstallCommands.uninstall(entry, installerType: "nsis") == "\"C:\\Program Files\\A\\uninstall.exe\" /S")
        let exe = InstallTestJob(installer: URL(fileURLWithPath: "/x"), fileName: "tool.exe", installerType: "exe")
        #expect(InstallCommands.install(exe).problem?.contains("no silent switch") == true)
        let msix = InstallTestJob(installer: URL(fileURLWithPath: "/x"), fileName: "a.msix", installerType: "msix")
        #expect(InstallCommands.install(msix).problem?.contains("Wine cannot test msix packages") == true)
        #expect(InstallCommands.batch("a %PATH% b", exitFile: "C:\\depot\\x.exit").contains("a %%PATH%% b\r\n"))
    }

    @Test func exitCodesThatAskForARestartAreSuccess() {
        #expect(PhaseResult(command: "x", exitCode: 3010, timedOut: false, seconds: 1, logTail: []).succeeded)
        #expect(PhaseResult(command: "x", exitCode: 1641, timedOut: false, seconds: 1, logTail: []).rebootRequested)
        #expect(!PhaseResult(command: "x", exitCode: 1603, timedOut: false, seconds: 1, logTail: []).succeeded)
        #expect(!PhaseResult(command: "x", exitCode: 0, timedOut: true, seconds: 1, logTail: []).succeeded)
        #expect(InstallVerdict.logHint(["MSI (s): Note: 1: 1708", "Action ended: INSTALL. Return value 3."])
            == ": see log line 'Action ended: INSTALL. Return value 3.'")
        #expect(InstallVerdict.versionsMatch("1.5.0.0", "1.5") && !InstallVerdict.versionsMatch("1.5.1", "1.5"))
    }
}
