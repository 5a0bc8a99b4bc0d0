import Classification
import DepotModel
import DepotPolicy
import Foundation
import Testing

@Suite("Order refusals")
struct OrderRulesTests {
    @Test("an unpublished version, a licence that does not cover the environment, and used-up seats are each refused")
    func refusals() throws {
        let month = try MarchOrders()
        let order = try Order.install(
            id: "o-0100", placedAt: TestPolicies.stockholm("2026-03-09 10:00"), costReference: try CostReference(parsing: "140:52120"),
            placedBy: "anna",
            programs: [ProgramVersion(program: "geogebra", version: "6.0.850"), ProgramVersion(program: "cad", version: "2026")],
            profiles: [Profile(id: "maths", programs: [ProgramVersion(program: "desmos", version: "1.2"),
                                                       ProgramVersion(program: "geogebra", version: "6.0.850")])],
            recipients: Recipients(group: RecipientGroup(name: "7B", kind: .devices, size: 30)), pricing: month.pricing)
        // The program named twice (directly and via the profile) is ordered once.
        #expect(order.items.map(\.program) == ["geogebra", "cad", "desmos"])
        let catalog: [ProgramVersion: OrderableVersion] = [
            ProgramVersion(program: "geogebra", version: "6.0.850"):
                OrderableVersion(program: "geogebra", version: "6.0.850", state: .published, licenceEnvironments: [.admin, .edu]),
            ProgramVersion(program: "cad", version: "2026"):
                OrderableVersion(program: "cad", version: "2026", state: .published, licenceEnvironments: [.edu],
                                 seatsTotal: 40, seatsUsed: 25),
            ProgramVersion(program: "desmos", version: "1.2"):
                OrderableVersion(program: "desmos", version: "1.2", state: .tested, licenceEnvironments: [.admin]),
        ]
        let reasons = OrderRules.refusals(for: order, environment: .edu, catalog: catalog)
        #expect(reasons == [
            "cad 2026 has 15 of 40 licence seats left and the order needs 30; order fewer, or have finance record more with 'depot licences add cad --seats N'",
            "desmos 1.2 is tested, not published; only published versions can be ordered",
            "the licence of desmos 1.2 does not cover the edu environment (it covers admin)",
        ])
        #expect {
            try OrderRules.check(order, environment: .edu, catalog: catalog)
        } throws: { error in
            let e = error as? ClassificationError
            return e?.kind == .refused && e?.message.hasPrefix("order o-0100 is refused: cad 2026 has 15 of 40") == true
        }
        #expect(OrderRules.refusals(for: order, environment: .edu, catalog: [:]).count == 3)

        let fine = try Order.install(
            id: "o-0101", placedAt: TestPolicies.stockholm("2026-03-09 10:00"), costReference: try CostReference(parsing: "140:52120"),
            placedBy: "anna", programs: [ProgramVersion(program: "geogebra", version: "6.0.850")],
            recipients: Recipients(devices: ["pc-1"]), pricing: month.pricing)
        try OrderRules.check(fine, environment: .admin, catalog: catalog)
    }
}
