import CatalogService
import DepotModel
import DepotPolicy
import DepotTestSupport
import Foundation
import Testing

/// `depot test ID --auto` through the service: real installers, real Wine, one shared template prefix.
@Suite(.serialized) struct InstallTestServiceTests {
    static let templates = FileManager.default.temporaryDirectory.appendingPathComponent("depot-wine-templates", isDirectory: true)

    init() { setenv("DEPOT_WINE_TEMPLATES", Self.templates.path, 1) }

    @Test func anMSIWithAServicePassesAndIsComplexWithTheObservedReason() async throws {
        let dir = try TemporaryDirectory("auto-test-service")
        let world = try await World.make(dir)
        try dir.write("svc/agent.exe", "MZ pretend service binary")
        try dir.write("svc/product.wxs", """
            <?xml version="1.0" encoding="utf-8"?>
            <Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
              <Product Id="*" Name="Print Agent" Language="1033" Version="3.1.0" Manufacturer="City of Test"
                       UpgradeCode="1B2C3D4E-1111-4222-8333-944455566677">
                <Package InstallerVersion="200" Compressed="yes" InstallScope="perMachine" />
                <Media Id="1" Cabinet="p.cab" EmbedCab="yes" />
                <Directory Id="TARGETDIR" Name="SourceDir">
                  <Directory Id="ProgramFilesFolder">
                    <Directory Id="INSTALLDIR" Name="PrintAgent">
                      <Component Id="Agent" Guid="1B2C3D4E-2222-4222-8333-944455566677">
                        <File Id="AgentExe" Name="agent.exe" Source="agent.exe" KeyPath="yes" />
                        <ServiceInstall Id="Svc" Name="DepotPrintAgent" DisplayName="Depot Print Agent" Type="ownProcess"
                                        Start="demand" ErrorControl="normal" />
                        <ServiceControl Id="SvcControl" Name="DepotPrintAgent" Remove="uninstall" Wait="yes" />
                      </Component>
                    </Directory>
                  </Directory>
                </Directory>
                <Feature Id="Main" Level="1"><ComponentRef Id="Agent" /></Feature>
              </Product>
            </Wix>
            """)
        try Tools.require("wixl", ["-a", "x86", "-o", "PrintAgent.msi", "product.wxs"], in: dir.url.appendingPathComponent("svc"))
        let id = try await world.classified(dir.url.appendingPathComponent("svc/PrintAgent.msi"))
        let outcome = try await world.service.autoTest(submission: id, by: world.pat)
        #expect(outcome.test.passed, "\(outcome.evidence.reasons)")
        #expect(outcome.test.state == .tested)
        #expect(outcome.test.mode == "auto")
        #expect(outcome.test.kind.hasPrefix("tested automatically (Wine "))
        #expect(outcome.evidence.installChanges.services.map(\.name) == ["DepotPrintAgent"])
        #expect(outcome.evidence.detectionRule?.kind == "msi-product-code")
        let shown = try await world.service.submission(id: id, by: world.pat)
        #expect(shown.tier == "complex")
        #expect(shown.tierReasons?.contains("creates the service DepotPrintAgent (observed during the install test)") == true)
        #expect(shown.lastTest?.hasPrefix("tested automatically (Wine ") == true)
        // The evidence is kept by hash and read back as it was.
        #expect(try await world.service.testEvidence(submission: id, by: world.pat) == outcome.evidence)
    }

    @Test func anAutostartSeenOnlyAtInstallMakesASimplePackagingComplexAndRepricesIt() async throws {
        let dir = try TemporaryDirectory("auto-test-autostart")
        let world = try await World.make(dir)
        let setup = try WindowsInstallers.nsis(in: dir, name: "DepotTray", version: "4.2.0",
            extraInstall: #"WriteRegStr HKLM "Software\Microsoft\Windows\CurrentVersion\Run" "DepotTray" '"$INSTDIR\tray.exe"'"#,
            extraUninstall: #"DeleteRegValue HKLM "Software\Microsoft\Windows\CurrentVersion\Run" "DepotTray""#)
        let id = try await world.classified(setup)
        let before = try await world.service.classify(submission: id, by: world.pat)
        #expect(before.tier == "simple")
        let outcome = try await world.service.autoTest(submission: id, by: world.pat)
        #expect(outcome.test.passed, "\(outcome.evidence.reasons)")
        let after = try #require(outcome.reclassified)
        #expect(after.tier == "complex")
        #expect(after.reasons.contains { $0.hasPrefix("adds 1 autostart entry") && $0.hasSuffix("(observed during the install test)") })
        #expect(after.price.amount != before.price.amount || after.includedInQuota)
        let audit = try await world.service.auditEvents(by: world.ada).map(\.action)
        #expect(audit.contains("package.classify.observed"))
        #expect(audit.contains("package.test.auto.pass"))
    }

    @Test func whenTestingPolicySaysWarnAFailedSandboxTestIsRecordedButDoesNotUndoAPersonsPass() async throws {
        let dir = try TemporaryDirectory("auto-test-warn")
        let world = try await World.make(dir)
        var policies = try #require(world.service.policies)
        policies.testing.sandboxFailure = .warn
        let service = world.service.applying(policies)
        let id = try await world.classified(try WindowsInstallers.nsis(in: dir, name: "DepotLeaky", leaky: true))
        _ = try await service.recordTest(submission: id, passed: true, notes: "installs on the reference PC", by: world.pat)
        let outcome = try await service.autoTest(submission: id, by: world.pat)
        #expect(!outcome.test.passed && !outcome.test.blocking)
        #expect(outcome.test.state == .tested)
        #expect(outcome.test.reasons == ["left 1 file in C:\\Program Files (x86)\\DepotLeaky: readme.txt"])
        // With the shipped policy (block) the same failure takes the package back to classified.
        let blocked = try await world.service.autoTest(submission: id, by: world.pat)
        #expect(blocked.test.blocking && blocked.test.state == .classified)
    }

    @Test func aPackageWineCannotInstallSaysSoAndKeepsTheManualRecord() async throws {
        let dir = try TemporaryDirectory("auto-test-deb")
        let world = try await World.make(dir)
        let id = try await world.classified(try Fixtures.debianPackage(in: dir))
        let refused = await refusal { try await world.service.autoTest(submission: id, by: world.pat) }
        #expect(refused?.code == "test.untestable")
        #expect(refused?.message.contains("is a deb package, which Wine cannot install") == true)
        #expect(refused?.message.contains("depot test \(id) --passed") == true)
    }
}
