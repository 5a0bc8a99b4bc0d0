import CatalogService
import Classification
import DepotModel
import DepotTestSupport
import Foundation
import Testing
import Whitelist

/// Orders for a school hold to that school's whitelist (tier + allow − block), whoever places them.
@Suite struct SchoolOrderTests {
    /// Gives `program` a catalog category through a manifest import, as a release manager would.
    static func categorise(_ w: World, _ dir: TemporaryDirectory, program: String, category: String) async throws {
        let folder = "manifests-\(program)-\(category)"
        try dir.write("\(folder)/programs/\(program)/0.1.yaml", """
            manifestVersion: 1
            program: \(program)
            name: \(program)
            publisher: Jane Doe
            version: "0.1"
            released: 2020-01-01
            licence: MIT
            platforms: [linux]
            architectures: [x64]
            category: \(category)
            baseline: false
            environments: [edu]
            versionScheme: debian
            installerType: deb
            homepage: https://example.org/
            description: "A program for the school order tests."
            """)
        _ = try await w.service.importCatalog(from: dir.url.appendingPathComponent(folder), by: w.ada)
    }

    static func classOrder(_ programs: [String], school: String? = nil, size: Int = 28) -> OrderRequest {
        OrderRequest(programs: programs, group: RecipientGroup(name: "7b", kind: .devices, size: size),
                     costReference: "ref:skola", environment: "edu", school: school)
    }

    @Test func aLockedSchoolOrdersOnlyWhatItsWhitelistOffersWithTheReasonAndTheWayOut() async throws {
        let dir = try TemporaryDirectory()
        let w = try await World.make(dir)
        let s = w.service
        _ = try await w.signed(try Fixtures.debianPackage(in: dir, name: "class-timer", licence: "MIT"), scope: .both)
        _ = try await w.signed(try Fixtures.debianPackage(in: dir, name: "class-notes", licence: "MIT"), scope: .both)
        try await Self.categorise(w, dir, program: "class-notes", category: "education")
        _ = try await s.publishCatalog(by: w.rel)
        _ = try await s.addSchool(id: "lugna", name: "Lugna skolan", tier: "locked", by: w.ada)
        _ = try await s.addUser(name: "sara", role: .schoolAdmin, school: "lugna", by: .system)
        let sara = try await s.user(named: "sara")
        #expect(try await s.eduWhitelist(school: "lugna", by: sara).apps.isEmpty)

        // Outside the tier's categories: the principal's tier choice is the way out.
        let timer = await refusal { try await s.placeOrder(Self.classOrder(["class-timer"]), by: sara) }
        #expect(timer?.code == "order.school.whitelist")
        let timerText = timer?.message ?? ""
        #expect(timerText.contains("school 'lugna' (tier 'locked') cannot order 'class-timer'") && timerText.contains("'utility'")
                && timerText.contains("depot edu schools set lugna --tier"), "\(timerText)")
        // In the tier's categories but not the standard set: the school admin's allow is the way out.
        let notes = await refusal { try await s.quoteOrder(Self.classOrder(["class-notes"]), by: sara) }
        #expect(notes?.code == "order.school.whitelist")
        #expect(notes?.message.contains("depot edu schools set lugna --allow class-notes") == true, "\(notes?.message ?? "")")
        // An admin ordering for the school is held to the same list; nothing was placed or counted.
        let byAdmin = await refusal { try await s.placeOrder(Self.classOrder(["class-notes"], school: "lugna"), by: w.ada) }
        #expect(byAdmin?.code == "order.school.whitelist")
        #expect(try await s.orders(by: w.ada).isEmpty)

        _ = try await s.updateSchool(id: "lugna", allow: ["class-notes"], by: sara)
        let placed = try await s.placeOrder(Self.classOrder(["class-notes"]), by: sara)
        #expect(placed.order.items.map(\.program) == ["class-notes"] && placed.order.items.first?.version == "2.10-3")
        // A version the list does not carry is named with the versions it does.
        let old = await refusal { try await s.placeOrder(Self.classOrder(["class-notes@0.1"]), by: sara) }
        #expect(old?.message.contains("lists 2.10-3") == true, "\(old?.message ?? "")")
        // A school admin orders for their own school only, and a school order is an edu order.
        _ = try await s.addSchool(id: "kodskolan", name: "Kodskolan", tier: "open", by: w.ada)
        #expect(await refusal { try await s.placeOrder(Self.classOrder(["class-timer"], school: "kodskolan"), by: sara) }?.code
                == "edu.school.scope")
        var admin = Self.classOrder(["class-timer"], school: "kodskolan")
        admin.environment = "admin"
        #expect(await refusal { try await s.quoteOrder(admin, by: w.ada) }?.code == "order.school.environment")
        #expect(await refusal { try await s.quoteOrder(Self.classOrder(["class-timer"], school: "nowhere"), by: w.ada) }?.code
                == "edu.school.unknown")
        #expect(try await s.quoteOrder(Self.classOrder(["class-timer"], school: "kodskolan"), by: w.ada).order.items.count == 1)
    }

    @Test func aSchoolsBlockHoldsForItsOrders() async throws {
        let dir = try TemporaryDirectory()
        let w = try await World.make(dir)
        let s = w.service
        _ = try await w.signed(try Fixtures.debianPackage(in: dir, name: "class-timer", licence: "MIT"), scope: .edu)
        _ = try await s.publishCatalog(by: w.rel)
        _ = try await s.addSchool(id: "kodskolan", name: "Kodskolan", tier: "open", by: w.ada)
        _ = try await s.updateSchool(id: "kodskolan", block: ["class-timer"], by: w.ada)
        let blocked = await refusal { try await s.placeOrder(Self.classOrder(["class-timer"], school: "kodskolan"), by: w.ada) }
        #expect(blocked?.message.contains("the school blocks it") == true && blocked?.message.contains("--allow class-timer") == true,
                "\(blocked?.message ?? "")")
        // A program no edu licence covers is refused for every school, with who can change that.
        _ = try await w.signed(try Fixtures.debianPackage(in: dir, name: "payroll-client", licence: "MIT"), scope: .admin)
        _ = try await s.publishCatalog(by: w.rel)
        let payroll = await refusal { try await s.placeOrder(Self.classOrder(["payroll-client"], school: "kodskolan"), by: w.ada) }
        #expect(payroll?.message.contains("licence reviewer must approve it for edu") == true, "\(payroll?.message ?? "")")
    }
}
