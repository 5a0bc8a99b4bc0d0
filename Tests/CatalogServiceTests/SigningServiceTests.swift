import CatalogService
import DepotModel
import DepotTestSupport
import Foundation
import Logging
import Signing
import Testing

@Suite struct SigningServiceTests {
    @Test func aTestedApprovedPackageIsSignedPublishedAndVerifiesWithOpenSSL() async throws {
        let dir = try TemporaryDirectory()
        let w = try await World.make(dir)
        let id = try await w.classified( try Fixtures.debianPackage(in: dir, name: "tool-a", licence: "MIT"))

        // Out of order: not tested yet, so signing says what must happen first.
        let early = try #require(await refusal { try await w.service.sign(submission: id, by: w.sam) })
        #expect(early.code == "sign.state" && early.message.contains("must pass a test first"))

        let failed = try await w.service.recordTest(submission: id, passed: false, notes: "crashes on start", by: w.pat)
        #expect(failed.state == .classified)
        let afterFailure = try #require(await refusal { try await w.service.sign(submission: id, by: w.sam) })
        #expect(afterFailure.message.contains("failed: crashes on start"))

        let evidence = try dir.write("run.log", "install ok\nlaunch ok\n")
        let passed = try await w.service.recordTest(submission: id, passed: true, notes: "installs and starts", evidence: evidence, by: w.pat)
        #expect(passed.state == .tested && passed.evidenceSha256?.count == 64)
        #expect(try await w.service.tests(submission: id, by: w.sam).map(\.passed) == [false, true])

        let signed = try await w.service.sign(submission: id, by: w.sam)
        #expect(signed.state == .signed && signed.newlySigned && signed.signedBy == "sam")
        let again = try await w.service.sign(submission: id, by: w.sam)
        #expect(!again.newlySigned && again.signedAt == signed.signedAt)

        let blob = w.service.home.blobs.appendingPathComponent("sha256/\(signed.sha256.prefix(2))/\(signed.sha256.dropFirst(2))")
        let root = w.service.keyStore.rootCertificateURL
        try Tools.require("openssl", ["cms", "-verify", "-binary", "-inform", "DER", "-in", signed.signatureFile,
                                      "-content", blob.path, "-CAfile", root.path, "-purpose", "any", "-out", "/dev/null"])

        // Publishing makes it orderable and writes a tree a client verifies.
        let summary = try await w.service.publishCatalog(by: w.rel)
        #expect(summary.action == "published" && summary.version == 1 && summary.packages == 1)
        #expect(summary.newlyPublished == ["tool-a 2.10-3"])
        let entry = try #require(try await w.service.catalog(by: w.pat).first { $0.program == "tool-a" })
        #expect(entry.state == .published)
        let tree = URL(fileURLWithPath: summary.directory)
        let report = try PublicationVerifier(root: try KeyStore.loadCertificate(at: root))
            .verify(directory: tree, now: World.start)
        #expect(report.isValid && report.packagesChecked == 1 && report.catalogVersion == 1)
        try Tools.require("openssl", ["cms", "-verify", "-binary", "-inform", "DER", "-in", tree.appendingPathComponent("catalog.json.p7s").path,
                                      "-content", tree.appendingPathComponent("catalog.json").path, "-CAfile", root.path,
                                      "-purpose", "any", "-out", "/dev/null"])

        let events = try await w.service.auditEvents(limit: 50, by: w.ada).map(\.action)
        for action in ["keys.init", "package.test.fail", "package.test.pass", "package.sign", "catalog.publish"] {
            #expect(events.contains(action), "no audit record \(action)")
        }
    }

    @Test func theSubmitterAndTheLicenceReviewerMayNotSign() async throws {
        let dir = try TemporaryDirectory()
        let w = try await World.make(dir)
        // An admin submitted this one.
        let own = try await w.classified( try Fixtures.debianPackage(in: dir, name: "tool-b"), submitter: w.ada)
        _ = try await w.service.recordTest(submission: own, passed: true, notes: "ok", by: w.pat)
        let bySubmitter = try #require(await refusal { try await w.service.sign(submission: own, by: w.ada) })
        #expect(bySubmitter.code == "sign.separation" && bySubmitter.message.contains("ada submitted submission \(own)"))
        // An admin approved this one's licence.
        let reviewed = try await w.classified( try Fixtures.debianPackage(in: dir, name: "tool-c"), reviewer: w.ada)
        _ = try await w.service.recordTest(submission: reviewed, passed: true, notes: "ok", by: w.pat)
        let byReviewer = try #require(await refusal { try await w.service.sign(submission: reviewed, by: w.ada) })
        #expect(byReviewer.code == "sign.separation" && byReviewer.message.contains("reviewed the licence"))
        // A packager cannot sign at all; a separate signer can.
        let byRole = try #require(await refusal { try await w.service.sign(submission: own, by: w.pat) })
        #expect(byRole.code == "auth.role")
        #expect(try await w.service.sign(submission: own, by: w.sam).state == .signed)
        // Nothing signed, nothing left on disk for the refused one.
        let view = try await w.service.submission(id: reviewed, by: w.ada)
        #expect(!FileManager.default.fileExists(atPath: w.service.home.blobs.path + "/sha256/\(view.sha256.prefix(2))/\(view.sha256.dropFirst(2)).p7s"))
    }

    @Test func aKeyFileOthersCanReadIsRefused() async throws {
        let dir = try TemporaryDirectory()
        let w = try await World.make(dir)
        let id = try await w.classified( try Fixtures.debianPackage(in: dir, name: "tool-d"))
        _ = try await w.service.recordTest(submission: id, passed: true, notes: "ok", by: w.pat)
        let key = w.service.home.keys.appendingPathComponent("catalog-1.key")
        #expect(chmod(key.path, 0o644) == 0)
        let refused = try #require(await refusal { try await w.service.sign(submission: id, by: w.sam) })
        #expect(refused.code == "signing.key-permissions" && refused.message.contains("chmod 600"))
        #expect(try await w.service.submission(id: id, by: w.sam).state == "tested")
        #expect(chmod(key.path, 0o600) == 0)
        #expect(try await w.service.sign(submission: id, by: w.sam).state == .signed)
    }

    @Test func publishingAgainRaisesTheVersionAndRefreshOnlyResignsNearExpiry() async throws {
        let dir = try TemporaryDirectory()
        let w = try await World.make(dir)
        let id = try await w.classified( try Fixtures.debianPackage(in: dir, name: "tool-e"))
        _ = try await w.service.recordTest(submission: id, passed: true, notes: "ok", by: w.pat)
        _ = try await w.service.sign(submission: id, by: w.sam)
        let first = try await w.service.publishCatalog(by: w.rel)
        let tree = URL(fileURLWithPath: first.directory)
        let older = try Data(contentsOf: tree.appendingPathComponent("catalog.json"))

        // The next day nothing changed: refresh writes nothing.
        let nextDay = try await World.make(dir, at: World.start.addingTimeInterval(86_400))
        let unchanged = try await nextDay.service.publishCatalog(refresh: true, by: w.rel)
        #expect(unchanged.action == "unchanged" && unchanged.version == 1)
        // Six days on (policy: 7-day expiry, refresh with 2 days left) it is re-signed with a later expiry.
        let later = try await World.make(dir, at: World.start.addingTimeInterval(6 * 86_400))
        let refreshed = try await later.service.publishCatalog(refresh: true, by: w.rel)
        #expect(refreshed.action == "refreshed" && refreshed.version == 2 && refreshed.expires > first.expires)

        // A client that saw version 2 refuses the older document as a rollback.
        let root = try KeyStore.loadCertificate(at: w.service.keyStore.rootCertificateURL)
        let state = dir.url.appendingPathComponent("client-state.json")
        let now = World.start.addingTimeInterval(6 * 86_400 + 60)
        _ = try PublicationVerifier(root: root).verify(directory: tree, stateFile: state, now: now)
        try older.write(to: tree.appendingPathComponent("catalog.json"))
        let rollback = #expect(throws: SigningError.self) {
            try PublicationVerifier(root: root, checkPackageSignatures: false).verify(directory: tree, stateFile: state, now: now)
        }
        #expect(rollback?.code == "signing.rollback")
    }

    @Test func publishingIntoTheDepotsOwnFilesIsRefused() async throws {
        let dir = try TemporaryDirectory()
        let w = try await World.make(dir)
        let home = w.service.home
        for target in [home.root, home.blobs, home.blobs.appendingPathComponent("sha256"), home.keys, dir.url] {
            let refused = await refusal { try await w.service.publishCatalog(to: target, by: w.rel) }
            #expect(refused?.code == "publish.directory", "\(target.path)")
            let eduRefused = await refusal { try await w.service.publishEdu(to: target, by: w.rel) }
            #expect(eduRefused?.code == "publish.directory", "\(target.path)")
        }
        #expect(try await w.service.publishCatalog(to: dir.url.appendingPathComponent("www"), by: w.rel).version == 1)
    }
}
