import CatalogService
import DepotCrypto
import DepotModel
import DepotTestSupport
import Foundation
import Signing
import Testing
import Whitelist

@Suite struct EduServiceTests {
    @Test func schoolsAreAddedAndChangedWithinTheirTierAndOnlyByTheirOwnAdmin() async throws {
        let dir = try TemporaryDirectory()
        let w = try await World.make(dir)
        let s = w.service
        let added = try await s.addSchool(id: "rinkeby-skola", name: "Rinkeby skola", tier: "standard", by: w.ada)
        #expect(added.selfInstall && added.costReference == "ref:rinkeby-skola")
        let locked = try await s.addSchool(id: "enskede-gard", name: "Enskede gårds gymnasium", by: w.ada)
        #expect(locked.tier == "locked" && !locked.selfInstall)

        #expect(await refusal { try await s.addSchool(id: "Bad Id", name: "x", by: w.ada) }?.message.contains("lowercase") == true)
        #expect(await refusal { try await s.addSchool(id: "x", name: "x", tier: "wild", by: w.ada) }?.message.contains("wild") == true)
        #expect(await refusal { try await s.addSchool(id: "rinkeby-skola", name: "again", by: w.ada) }?.code == "edu.school.exists")

        _ = try await s.addUser(name: "sara", role: .schoolAdmin, school: "rinkeby-skola", by: .system)
        let sara = try await s.user(named: "sara")
        let other = await refusal { try await s.updateSchool(id: "enskede-gard", tier: "open", by: sara) }
        #expect(other?.code == "edu.school.scope")
        let own = try await s.updateSchool(id: "rinkeby-skola", tier: "open", by: sara)
        #expect(own.tier == "open")
        // An allow must name something the catalog offers to edu.
        let unknown = await refusal { try await s.updateSchool(id: "rinkeby-skola", allow: ["no-such-app"], by: sara) }
        #expect(unknown != nil && unknown!.message.contains("no-such-app"))
        #expect(try await s.schools(by: w.pat).map(\.id) == ["enskede-gard", "rinkeby-skola"])
        let events = try await s.auditEvents(limit: 20, by: w.ada).map(\.action)
        #expect(events.filter { $0 == "edu.school.add" }.count == 2 && events.contains("edu.school.update"))
    }

    @Test func publishWritesSignedWhitelistsPerTierAndSchoolWithOnlyEduScopedApps() async throws {
        let dir = try TemporaryDirectory()
        let w = try await World.make(dir)
        let s = w.service
        // A utility (only the open tier's categories include it) approved for both, and one approved for admin only.
        _ = try await w.signed(try Fixtures.debianPackage(in: dir, name: "class-timer", licence: "MIT"), scope: .both)
        _ = try await w.signed(try Fixtures.debianPackage(in: dir, name: "payroll-client", licence: "MIT"), scope: .admin)
        _ = try await s.publishCatalog(by: w.rel)
        _ = try await s.addSchool(id: "kodskolan", name: "Kodskolan", tier: "open", by: w.ada)
        _ = try await s.addSchool(id: "lugna-skolan", name: "Lugna skolan", tier: "standard", by: w.ada)

        let summary = try await s.publishEdu(by: w.rel)
        #expect(summary.version == 1 && summary.packages == 1)
        #expect(summary.whitelists["school-kodskolan"] == 1 && summary.whitelists["school-lugna-skolan"] == 0)
        let root = try KeyStore.loadCertificate(at: s.keyStore.rootCertificateURL)
        let tree = URL(fileURLWithPath: summary.directory)
        let bytes = Array(try Data(contentsOf: tree.appendingPathComponent(EduLayout.schoolWhitelist("kodskolan"))))
        let document = try SignedDocument.verify(data: bytes, root: root, now: World.start, expectedType: EduLayout.whitelistType, role: .edu)
        let payload = try document.payload(as: WhitelistPayload.self)
        #expect(payload.school == "kodskolan" && payload.selfInstall && payload.fastChannel)
        let app = try #require(payload.apps.first)
        #expect(app.program == "class-timer" && app.licenceScope == .both && app.installerType == "deb")
        let package = tree.appendingPathComponent(app.downloadPath)
        #expect(SHA256Hasher.hex(Array(try Data(contentsOf: package))) == app.sha256)
        // A catalog verifier does not accept the edu key's documents: separate trust domains.
        #expect(throws: SigningError.self) {
            try SignedDocument.verify(data: bytes, root: root, now: World.start, role: .catalog)
        }
        let index = try SignedDocument.verify(data: Array(try Data(contentsOf: tree.appendingPathComponent(EduLayout.indexFile))),
                                              root: root, now: World.start, expectedType: EduLayout.indexType, role: .edu)
        #expect(try index.payload(as: EduIndex.self).schools.map(\.id) == ["kodskolan", "lugna-skolan"])
        // Exports come from the same lists.
        let export = try await s.eduWhitelist(school: "kodskolan", by: w.ada)
        #expect(export.apps.map(\.program) == ["class-timer"])
        // Nightly refresh writes nothing while the lists are fresh; a new publish raises the version.
        #expect(try await s.publishEdu(refresh: true, by: w.rel).action == "unchanged")
        #expect(try await s.publishEdu(by: w.rel).version == 2)
    }

    @Test func collectingInstallsTwiceCountsThemOnceAsOrdersAndSeats() async throws {
        let dir = try TemporaryDirectory()
        let w = try await World.make(dir)
        let s = w.service
        _ = try await w.signed(try Fixtures.debianPackage(in: dir, name: "class-timer", licence: "MIT"), scope: .edu)
        _ = try await s.publishCatalog(by: w.rel)
        _ = try await s.addSchool(id: "kodskolan", name: "Kodskolan", tier: "open", costReference: "ref:kodskolan-ikt", by: w.ada)
        _ = try await s.addEntitlement(program: "class-timer", seats: 30, costReference: nil, expires: nil, by: w.ada)
        let installs = [
            EduInstallInput(id: 1, school: "kodskolan", program: "class-timer", version: "2.10-3", quantity: 28, devices: [],
                            group: "7b", requestedBy: "sara", requestedAt: "2026-09-21T08:00:00Z"),
            EduInstallInput(id: 2, school: "kodskolan", program: "class-timer", version: "2.10-3", quantity: 1, devices: ["pc-7"],
                            group: nil, requestedBy: "sara", requestedAt: "2026-09-21T09:00:00Z"),
        ]
        let first = try await s.collectEduInstalls(serverId: "edu-1", installs: installs, by: w.ada)
        #expect(first.collected == 2 && first.alreadyCollected == 0 && first.orders.count == 2)
        let second = try await s.collectEduInstalls(serverId: "edu-1", installs: installs, by: w.ada)
        #expect(second.collected == 0 && second.alreadyCollected == 2)
        let usage = try #require(try await s.seatUsage(by: w.ada).first { $0.program == "class-timer" })
        #expect(usage.used == 29 && usage.available == 1)
        let orders = try await s.orders(by: w.ada)
        #expect(orders.count == 2 && orders.allSatisfy { $0.environment == "edu" })
        #expect(orders.allSatisfy { $0.order.costReference.description == "ref:kodskolan-ikt" })
        // The next publication tells the edu server which installs are counted already.
        let published = try await s.publishEdu(by: w.rel)
        let text = try String(contentsOf: URL(fileURLWithPath: published.directory).appendingPathComponent(EduLayout.schoolWhitelist("kodskolan")), encoding: .utf8)
        #expect(text.contains("\"collectedThrough\":{\"edu-1\":2}") && text.contains("\"seatsAvailable\":1"))
    }

    @Test func pruningNeverRetiresAVersionASchoolsWhitelistOffers() async throws {
        let dir = try TemporaryDirectory()
        let w = try await World.make(dir)
        let s = w.service
        _ = try await w.signed(try Fixtures.debianPackage(in: dir, name: "class-timer", licence: "MIT"), scope: .edu)
        _ = try await w.signed(try Fixtures.debianPackage(in: dir, name: "class-timer", version: "2.11-1", licence: "MIT"), scope: .edu)
        _ = try await w.signed(try Fixtures.debianPackage(in: dir, name: "payroll-client", licence: "MIT"), scope: .admin)
        _ = try await w.signed(try Fixtures.debianPackage(in: dir, name: "payroll-client", version: "2.11-1", licence: "MIT"), scope: .admin)
        _ = try await s.publishCatalog(by: w.rel)
        _ = try await s.addSchool(id: "kodskolan", name: "Kodskolan", tier: "open", by: w.ada)
        // Both older versions are refused, which retires a version unless something still needs it.
        _ = try await s.refuseVersion(program: "class-timer", version: "2.10-3", reason: "test", by: w.rel)
        _ = try await s.refuseVersion(program: "payroll-client", version: "2.10-3", reason: "test", by: w.rel)
        let plan = try await s.prunePlan(by: w.rel)
        let timer = try #require(plan.decisions.first { $0.program == "class-timer" && $0.version == "2.10-3" })
        #expect(timer.action == .keep && timer.reason.contains("edu whitelist of school kodskolan"), "\(timer)")
        let payroll = try #require(plan.decisions.first { $0.program == "payroll-client" && $0.version == "2.10-3" })
        #expect(payroll.action == .retire && payroll.rule == .refused)
    }
}
