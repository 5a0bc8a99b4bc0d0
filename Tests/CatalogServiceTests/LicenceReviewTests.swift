import CatalogService
import DepotModel
import DepotTestSupport
import Foundation
import Testing

let repositoryPolicies = demoCatalog.deletingLastPathComponent().appendingPathComponent("Policies")

@Suite struct LicenceReviewTests {
    struct Setup {
        let dir: TemporaryDirectory
        let service: CatalogService
        let packager: DepotUser
        let reviewer: DepotUser
        let boss: DepotUser
    }

    func setUp() async throws -> Setup {
        let dir = try TemporaryDirectory()
        let service = try makeService(dir).applying(try CatalogService.loadPolicies(from: repositoryPolicies))
        for (name, role) in [("pat", Role.packager), ("rita", .licenceReviewer), ("boss", .admin), ("fia", .finance)] {
            _ = try await service.addUser(name: name, role: role, school: nil, by: .system)
        }
        return Setup(dir: dir, service: service, packager: try await service.user(named: "pat"),
                     reviewer: try await service.user(named: "rita"), boss: try await service.user(named: "boss"))
    }

    @Test func aSubmittedDebArrivesInTheQueueWithItsLicenceNamedAndJudged() async throws {
        let s = try await setUp()
        let deb = try Fixtures.debianPackage(in: s.dir, licence: "GPL-2+")
        _ = try await s.service.submit(file: deb, overrides: .init(), by: s.packager)
        let queue = try await s.service.licenceReviews(pending: true, by: s.reviewer)
        let review = try #require(queue.first)
        #expect(queue.count == 1)
        #expect(review.declared == "GPL-2+")
        #expect(review.expression == "GPL-2.0-or-later")
        #expect(review.reading == "freeText")
        #expect(review.admin.outcome == "allow" && review.edu.outcome == "allow")
        #expect(review.admin.reasons.first?.contains("GPL-2.0-or-later (copyleft)") == true)
        #expect(review.submitter == "pat")
    }

    @Test func licenceTextsInsideTheInstallerAreNamedInTheSamePass() async throws {
        let s = try await setUp()
        try s.dir.write("app/LICENSE", try String(contentsOfFile: "/usr/share/common-licenses/Apache-2.0", encoding: .utf8))
        try s.dir.write("app/tool.exe", "MZ not really")
        let zip = s.dir.url.appendingPathComponent("tool-portable.zip")
        try Tools.require("zip", ["-q", "-r", zip.path, "."], in: s.dir.url.appendingPathComponent("app"))
        _ = try await s.service.submit(file: zip, overrides: .init(program: "tool", version: "1.0", publisher: "Acme"), by: s.packager)
        let review = try #require(try await s.service.licenceReviews(by: s.reviewer).first)
        #expect(review.declared == nil)
        #expect(review.expression == "Apache-2.0")
        #expect(review.matches.contains { $0.id == "Apache-2.0" && $0.file == "LICENSE" && $0.startLine <= 3 })
        #expect(review.admin.outcome == "allow")
    }

    @Test func theSubmitterCannotDecideTheirOwnSubmission() async throws {
        let s = try await setUp()
        let deb = try Fixtures.debianPackage(in: s.dir)
        let submitted = try await s.service.submit(file: deb, overrides: .init(), by: s.boss)
        let review = try #require(try await s.service.licenceReviews(by: s.boss).first)
        await #expect {
            _ = try await s.service.decideLicence(review: review.id, LicenceDecision(approve: true, scope: .both, reason: "fine"), by: s.boss)
        } throws: { "\($0)" == "licence for submission \(submitted.submission.id) was proposed by boss; a different reviewer must decide it" }
        let decided = try await s.service.decideLicence(review: review.id, LicenceDecision(approve: true, scope: .edu, reason: "schools only"), by: s.reviewer)
        #expect(decided.decision == "approved" && decided.scope == "edu" && decided.state == .licenceApproved)
        // The scope travels with the package version.
        #expect(try await s.service.catalog(program: "hello-depot", by: s.reviewer).first?.licenceScope == "edu")
        await #expect {
            _ = try await s.service.decideLicence(review: review.id, LicenceDecision(approve: false, scope: nil, reason: "changed my mind"), by: s.reviewer)
        } throws: { "\($0)".contains("was already approved by rita") }
        let actions = try await s.service.auditEvents(by: s.boss).map(\.action)
        #expect(actions.first == "licence.approve")
    }

    @Test func rejectionsNeedAReasonAndApprovalsAScopeThePolicyAllows() async throws {
        let s = try await setUp()
        let deb = try Fixtures.debianPackage(in: s.dir, name: "geo-tool", licence: "LicenseRef-GeoGebra-NonCommercial")
        _ = try await s.service.submit(file: deb, overrides: .init(), by: s.packager)
        let review = try #require(try await s.service.licenceReviews(by: s.reviewer).first)
        #expect(review.admin.outcome == "deny")
        await #expect { _ = try await s.service.decideLicence(review: review.id, LicenceDecision(approve: false, scope: nil, reason: "  "), by: s.reviewer) }
            throws: { "\($0)".contains("needs a reason") }
        await #expect { _ = try await s.service.decideLicence(review: review.id, LicenceDecision(approve: true, scope: nil, reason: "ok"), by: s.reviewer) }
            throws: { "\($0)".contains("--scope admin, edu or both") }
        await #expect { _ = try await s.service.decideLicence(review: review.id, LicenceDecision(approve: true, scope: .both, reason: "ok"), by: s.reviewer) }
            throws: { "\($0)".contains("denies LicenseRef-GeoGebra-NonCommercial in admin") }
        let rejected = try await s.service.decideLicence(review: review.id, LicenceDecision(approve: false, scope: nil, reason: "not for us"), by: s.reviewer)
        #expect(rejected.state == .licenceRejected)
        await #expect { _ = try await s.service.decideLicence(review: review.id, LicenceDecision(approve: true, scope: .edu, reason: "x"), by: s.packager) }
            throws: { "\($0)".contains("pat is a packager") }
    }

    @Test func seatsRunOutWithTheNumbersInTheMessageAndExpiredSeatsDoNotCount() async throws {
        let s = try await setUp()
        _ = try await s.service.importCatalog(from: demoCatalog, by: .system)
        let fia = try await s.service.user(named: "fia")
        _ = try await s.service.addEntitlement(program: "adobe-acrobat-reader", seats: 5, costReference: "140:52120", expires: "2099-12-31", by: fia)
        _ = try await s.service.addEntitlement(program: "adobe-acrobat-reader", seats: 3, costReference: nil, expires: "2020-01-01", by: fia)
        let after = try await s.service.takeSeats(program: "adobe-acrobat-reader", quantity: 4, reference: "order:1", by: fia)
        #expect(after.owned == 5 && after.used == 4 && after.available == 1)
        await #expect {
            _ = try await s.service.takeSeats(program: "adobe-acrobat-reader", quantity: 2, reference: "order:2", by: fia)
        } throws: { "\($0)".contains("5 seats owned (3 more expired), 4 used, 1 left; this install needs 2") }
        await #expect { _ = try await s.service.addEntitlement(program: "nope", seats: 1, costReference: nil, expires: nil, by: fia) }
            throws: { "\($0)".contains("no program 'nope'") }
        await #expect { _ = try await s.service.addEntitlement(program: "adobe-acrobat-reader", seats: 0, costReference: nil, expires: nil, by: fia) }
            throws: { "\($0)".contains("positive number") }
        #expect(try await s.service.seatUsage(by: fia).first?.used == 4)
    }
}
