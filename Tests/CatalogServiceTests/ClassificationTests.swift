import CatalogService
import DepotModel
import DepotPolicy
import DepotTestSupport
import Foundation
import Testing

@Suite struct PackagingClassificationTests {
    /// A service whose price lists include only `included` packagings a month.
    func service(_ dir: TemporaryDirectory, included: Int) async throws -> (CatalogService, DepotUser, DepotUser) {
        var policies = try CatalogService.loadPolicies(from: repositoryPolicies)
        for i in policies.pricing.priceLists.indices { policies.pricing.priceLists[i].includedPerMonth = included }
        let service = try makeService(dir).applying(policies)
        _ = try await service.addUser(name: "pat", role: .packager, school: nil, by: .system)
        _ = try await service.addUser(name: "rita", role: .licenceReviewer, school: nil, by: .system)
        return (service, try await service.user(named: "pat"), try await service.user(named: "rita"))
    }

    func submitAndApprove(_ service: CatalogService, _ file: URL, _ pat: DepotUser, _ rita: DepotUser,
                          overrides: SubmissionOverrides = .init()) async throws -> Int64 {
        let submitted = try await service.submit(file: file, overrides: overrides, by: pat)
        let review = try #require(try await service.licenceReviews(pending: true, by: rita).first)
        _ = try await service.decideLicence(review: review.id, LicenceDecision(approve: true, scope: .both, reason: "ok"), by: rita)
        return submitted.submission.id
    }

    @Test func aPlainDebIsSimpleAndTheMonthsVolumeIsHonouredInSubmissionOrder() async throws {
        let dir = try TemporaryDirectory()
        let (service, pat, rita) = try await service(dir, included: 1)
        let first = try await submitAndApprove(service, try Fixtures.debianPackage(in: dir, name: "tool-a"), pat, rita)
        let second = try await submitAndApprove(service, try Fixtures.debianPackage(in: dir, name: "tool-b"), pat, rita)
        // Classified out of order: the quota still follows the order of submission.
        let b = try await service.classify(submission: second, by: pat)
        let a = try await service.classify(submission: first, by: pat)
        #expect(a.tier == "simple" && a.state == .classified)
        #expect(a.reasons.count == 1 && a.reasons[0].contains("no classification rule fired"))
        #expect(a.includedInQuota && a.price.amount == 0 && a.positionInMonth == 1)
        #expect(!b.includedInQuota && b.price.amount > 0 && b.positionInMonth == 2)
        #expect(b.price.currency == "SEK")
        // Asking again shows the stored result and changes nothing.
        #expect(try await service.classify(submission: second, by: pat) == b)
    }

    @Test func anMSIWithAServiceIsComplexWithItsReason() async throws {
        let dir = try TemporaryDirectory()
        let (service, pat, rita) = try await service(dir, included: 14)
        try dir.write("svc/daemon.exe", "MZ pretend")
        try dir.write("svc/product.wxs", """
            <?xml version="1.0" encoding="utf-8"?>
            <Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
              <Product Id="*" Name="Print Agent" Language="1033" Version="3.1.0" Manufacturer="Acme Print AB" UpgradeCode="3C8B0A7E-51A2-4D1F-9E66-0A9C1D2B3E4F">
                <Package InstallerVersion="200" Compressed="yes" />
                <Media Id="1" Cabinet="data.cab" EmbedCab="yes" />
                <Directory Id="TARGETDIR" Name="SourceDir">
                  <Directory Id="ProgramFilesFolder">
                    <Directory Id="INSTALLDIR" Name="PrintAgent">
                      <Component Id="Daemon" Guid="7A1F3C55-2E4B-4C8D-9F10-2B3C4D5E6F70">
                        <File Id="DaemonExe" Source="daemon.exe" KeyPath="yes" />
                        <ServiceInstall Id="Svc" Name="PrintAgent" DisplayName="Print Agent" Type="ownProcess" Start="auto" ErrorControl="normal" />
                        <ServiceControl Id="SvcCtl" Name="PrintAgent" Start="install" Stop="both" Remove="uninstall" />
                      </Component>
                    </Directory>
                  </Directory>
                </Directory>
                <Feature Id="Main" Level="1"><ComponentRef Id="Daemon" /></Feature>
              </Product>
            </Wix>
            """)
        let msi = dir.url.appendingPathComponent("svc/PrintAgent.msi")
        try Tools.require("wixl", ["-o", msi.path, "product.wxs"], in: dir.url.appendingPathComponent("svc"))
        let id = try await submitAndApprove(service, msi, pat, rita, overrides: .init(version: "3.1.0"))
        let result = try await service.classify(submission: id, by: pat)
        #expect(result.tier == "complex")
        #expect(result.reasons.contains { $0.lowercased().contains("service") })
    }

    @Test func aReclassificationIsDecidedByASecondPersonAndChangesTierAndPrice() async throws {
        let dir = try TemporaryDirectory()
        let (service, pat, rita) = try await service(dir, included: 0)
        _ = try await service.addUser(name: "fia", role: .finance, school: nil, by: .system)
        let fia = try await service.user(named: "fia")
        let id = try await submitAndApprove(service, try Fixtures.debianPackage(in: dir), pat, rita)
        let simple = try await service.classify(submission: id, by: pat)
        #expect(simple.tier == "simple")
        let request = try await service.requestReclassification(submission: id, tier: "complex", reason: "needs a kernel module", by: pat)
        await #expect { _ = try await service.requestReclassification(submission: id, tier: "complex", reason: "again", by: pat) }
            throws: { "\($0)".contains("already has reclassification request \(request.id)") }
        await #expect { _ = try await service.decideReclassification(request: request.id, approve: true, reason: "ok", by: pat) }
            throws: { "\($0)".contains("pat is a packager") }
        _ = try await service.addUser(name: "boss", role: .admin, school: nil, by: .system)
        let boss = try await service.user(named: "boss")
        let other = try await submitAndApprove(service, try Fixtures.debianPackage(in: dir, name: "tool-two"), pat, rita)
        _ = try await service.classify(submission: other, by: pat)
        let own = try await service.requestReclassification(submission: other, tier: "complex", reason: "x", by: boss).id
        await #expect { _ = try await service.decideReclassification(request: own, approve: true, reason: "mine", by: boss) }
            throws: { "\($0)".contains("a different person must decide it") }
        _ = own
        let decided = try await service.decideReclassification(request: request.id, approve: true, reason: "agreed", by: fia)
        #expect(decided.decision == "approved" && decided.decidedBy == "fia")
        let complex = try await service.classify(submission: id, by: pat)
        #expect(complex.tier == "complex")
        #expect(complex.price.amount > simple.price.amount)
        #expect(complex.reasons.last?.contains("Reclassified from simple to complex") == true)
        let actions = try await service.auditEvents(by: boss).map(\.action)
        #expect(actions.contains("reclassification.request") && actions.contains("reclassification.approve"))
    }

    @Test func classificationWaitsForTheLicenceAndNamesWhatMustHappenFirst() async throws {
        let dir = try TemporaryDirectory()
        let (service, pat, _) = try await service(dir, included: 14)
        let submitted = try await service.submit(file: try Fixtures.debianPackage(in: dir), overrides: .init(), by: pat)
        await #expect { _ = try await service.classify(submission: submitted.submission.id, by: pat) }
            throws: { "\($0)".contains("is inspected; its licence must be approved first") }
        await #expect { _ = try await service.classify(submission: 404, by: pat) }
            throws: { "\($0)".contains("there is no submission 404") }
    }
}
