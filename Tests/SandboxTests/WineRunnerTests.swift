import DepotTestSupport
import Foundation
import Testing
@testable import Sandbox

/// Real installers, built here, installed and uninstalled under real Wine.
@Suite("Wine install tests", .serialized)
struct WineRunnerTests {
    @Test("a wixl MSI that installs a file and a registry value passes, detected by its ProductCode")
    func msiPasses() async throws {
        let dir = try TemporaryDirectory("sandbox-msi")
        let msi = try SandboxFixtures.msi(in: dir)
        let evidence = try await SandboxFixtures.runner(dir).run(SandboxFixtures.job(msi, type: "msi", version: "2.1.0")) { _ in }
        #expect(evidence.passed, "\(evidence.reasons)")
        #expect(evidence.install.exitCode == 0)
        #expect(evidence.installChanges.filesAdded.contains { $0.path == "C:\\Program Files (x86)\\DepotMSITest\\app.txt" })
        #expect(evidence.installChanges.registryValuesSet.contains {
            $0.key.hasSuffix("City of Test\\DepotMSITest") && $0.name == "Installed" && $0.value == "yes"
        })
        let rule = try #require(evidence.detectionRule)
        #expect(rule.kind == "msi-product-code")
        #expect(rule.productCode?.hasPrefix("{") == true)
        #expect(rule.version == "2.1.0")
        #expect(evidence.detectedAfterInstall)
        #expect(evidence.detectedAfterUninstall == false)
        #expect(evidence.uninstall?.command.contains("msiexec /x \(rule.productCode!)") == true)
        #expect(evidence.leftovers.files.isEmpty)
        #expect(evidence.install.logTail.isEmpty == false)
        #expect(evidence.complexity.isEmpty, "\(evidence.complexity)")
        #expect(evidence.processesLeft == 0)
        #expect(evidence.writesOutsidePrefix.isEmpty)
    }

    @Test("a 32-bit NSIS installer with an uninstaller passes, its entry found under WOW6432Node")
    func nsisPasses() async throws {
        let dir = try TemporaryDirectory("sandbox-nsis")
        let exe = try SandboxFixtures.nsis(in: dir)
        let evidence = try await SandboxFixtures.runner(dir).run(SandboxFixtures.job(exe, type: "nsis", version: "1.5.0")) { _ in }
        #expect(evidence.passed, "\(evidence.reasons)")
        let entry = try #require(evidence.installChanges.uninstallEntries.first)
        #expect(entry.view == "32-bit (WOW6432Node)")
        #expect(entry.key.lowercased().contains("wow6432node"))
        #expect(entry.displayVersion == "1.5.0")
        #expect(evidence.detectionRule?.kind == "uninstall-key")
        #expect(evidence.uninstall?.command.hasSuffix("/S") == true)
        #expect(evidence.uninstall?.succeeded == true)
        #expect(evidence.detectedAfterUninstall == false)
        #expect(evidence.leftovers.files.isEmpty, "\(evidence.leftovers.files)")
    }

    @Test("an NSIS installer whose uninstaller leaves a file fails, naming the file")
    func leakyUninstallFails() async throws {
        let dir = try TemporaryDirectory("sandbox-leaky")
        let exe = try SandboxFixtures.nsis(in: dir, leaky: true)
        let evidence = try await SandboxFixtures.runner(dir).run(SandboxFixtures.job(exe, type: "nsis", version: "1.5.0")) { _ in }
        #expect(!evidence.passed)
        #expect(evidence.leftovers.files == ["C:\\Program Files (x86)\\DepotNSIS\\readme.txt"])
        #expect(evidence.reasons.contains("left 1 file in C:\\Program Files (x86)\\DepotNSIS: readme.txt"), "\(evidence.reasons)")
    }

    @Test("an installer that exits 1603 fails with the code")
    func exitCodeFails() async throws {
        let dir = try TemporaryDirectory("sandbox-1603")
        let exe = try SandboxFixtures.program(in: dir, name: "fails", source: """
        #include <stdio.h>
        int main(void) { puts("setup: cannot continue"); return 1603; }
        """)
        let evidence = try await SandboxFixtures.runner(dir).run(
            SandboxFixtures.job(exe, type: "exe", version: "1.0", silentSwitch: "/quiet")) { _ in }
        #expect(!evidence.passed)
        #expect(evidence.install.exitCode == 1603)
        #expect(evidence.reasons.first?.hasPrefix("exit code 1603 (fatal error during installation)") == true, "\(evidence.reasons)")
        #expect(evidence.uninstall == nil)
    }

    @Test("an installer that never ends is killed at the limit with its children, and fails")
    func hangingInstallerIsKilled() async throws {
        let dir = try TemporaryDirectory("sandbox-hang")
        let exe = try SandboxFixtures.program(in: dir, name: "hangs", source: """
        #include <windows.h>
        int main(void) {
            STARTUPINFOA si = { sizeof si }; PROCESS_INFORMATION pi;
            char child[] = "C:\\\\windows\\\\system32\\\\cmd.exe /c ping -n 100000 127.0.0.1";
            CreateProcessA(NULL, child, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi);
            for (;;) Sleep(1000);
        }
        """)
        let evidence = try await SandboxFixtures.runner(dir).run(
            SandboxFixtures.job(exe, type: "exe", silentSwitch: "/S", timeout: 8)) { _ in }
        #expect(!evidence.passed)
        #expect(evidence.install.timedOut)
        #expect(evidence.install.exitCode == nil)
        #expect(evidence.reasons.first == "the install did not end within 8 s; it was killed with its child processes")
        #expect(evidence.processesLeft == 0)
    }

    @Test("an installer that writes outside its prefix fails, and nothing reaches the host")
    func writesOutsideAreContained() async throws {
        let dir = try TemporaryDirectory("sandbox-escape")
        let marker = "depot-escape-\(UUID().uuidString).txt"
        let hostFile = dir.file(marker)
        let exe = try SandboxFixtures.program(in: dir, name: "escapes", source: """
        #include <stdio.h>
        int main(void) {
            FILE *a = fopen("Z:\\\\tmp\\\\\(marker)", "w"); if (a) { fputs("out", a); fclose(a); }
            FILE *b = fopen("Z:\(hostFile.path.replacingOccurrences(of: "/", with: "\\\\"))", "w"); if (b) { fputs("out", b); fclose(b); }
            return 0;
        }
        """)
        let evidence = try await SandboxFixtures.runner(dir).run(SandboxFixtures.job(exe, type: "exe", silentSwitch: "/S")) { _ in }
        #expect(!evidence.passed)
        #expect(!FileManager.default.fileExists(atPath: "/tmp/\(marker)"))
        #expect(!FileManager.default.fileExists(atPath: hostFile.path))
        if evidence.runner.isolation.contains(where: { $0.hasPrefix("file system: host read-only") }) {
            #expect(evidence.writesOutsidePrefix.contains("/tmp/\(marker)"), "\(evidence.writesOutsidePrefix)")
            #expect(evidence.reasons.contains { $0.contains("wrote outside its prefix: /tmp/\(marker)") }, "\(evidence.reasons)")
        }
    }
}
