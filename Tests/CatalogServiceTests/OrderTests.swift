import CatalogService
import Classification
import DepotModel
import DepotTestSupport
import Foundation
import Testing

@Suite struct OrderTests {
    struct Setup {
        let dir: TemporaryDirectory
        let service: CatalogService
        let pat: DepotUser
        let fia: DepotUser
        var period: String { String(Timestamp.day(service.clock.now()).prefix(7)) }
    }

    func setUp() async throws -> Setup {
        let dir = try TemporaryDirectory()
        let service = try makeService(dir).applying(try CatalogService.loadPolicies(from: repositoryPolicies))
        _ = try await service.importCatalog(from: demoCatalog, by: .system)
        // Only packaged versions can be ordered: take the ones these tests order through the pipeline.
        let profile = try #require(try await service.profiles(by: .system).first { $0.profile == "secondary-teacher" })
        try await PackagedCatalog.publish(service, programs: ["mozilla-firefox", "libreoffice", "7zip", "vlc", "geogebra-classic",
                                                              "adobe-acrobat-reader", "microsoft-365-apps"] + profile.programs, in: dir)
        _ = try await service.addUser(name: "pat", role: .packager, school: nil, by: .system)
        _ = try await service.addUser(name: "fia", role: .finance, school: nil, by: .system)
        return Setup(dir: dir, service: service, pat: try await service.user(named: "pat"), fia: try await service.user(named: "fia"))
    }

    @Test func aGroupOrderAndAProfileOrderArePricedPerInstall() async throws {
        let s = try await setUp()
        let group = try await s.service.quoteOrder(OrderRequest(
            programs: ["mozilla-firefox"], group: RecipientGroup(name: "7b", kind: .devices, size: 28),
            costReference: "140:52120", environment: "edu"), by: s.pat)
        let item = try #require(group.order.items.first)
        #expect(group.order.items.count == 1 && item.quantity == 28)
        #expect(group.amount == item.unitPrice * 28 && group.amount > 0)
        // The profile holds Microsoft 365, licensed per seat: seats must be recorded before it can be ordered.
        _ = try await s.service.addEntitlement(program: "microsoft-365-apps", seats: 10, costReference: nil, expires: nil, by: s.fia)
        let profile = try await s.service.placeOrder(OrderRequest(
            profiles: ["secondary-teacher"], users: ["lisa"], costReference: "140:52120", environment: "edu"), by: s.pat)
        let members = try #require(try await s.service.profiles(by: s.pat).first { $0.profile == "secondary-teacher" }).programs
        #expect(Set(profile.order.items.map(\.program)) == Set(members))
        #expect(profile.id == "ORD-1")
        #expect(try await s.service.seatUsage(by: s.fia).first { $0.program == "microsoft-365-apps" }?.used == 1)
        #expect(try await s.service.orders(by: s.fia).map(\.id) == ["ORD-1"])
    }

    @Test func ordersOutsideTheLicenceScopeOrBeyondTheSeatsAreRefusedWithTheReason() async throws {
        let s = try await setUp()
        await #expect {
            _ = try await s.service.placeOrder(OrderRequest(programs: ["geogebra-classic"], users: ["anna"], costReference: "140:52120", environment: "admin"), by: s.pat)
        } throws: { "\($0)".contains("does not cover the admin environment") }
        _ = try await s.service.addEntitlement(program: "adobe-acrobat-reader", seats: 3, costReference: nil, expires: nil, by: s.fia)
        _ = try await s.service.placeOrder(OrderRequest(programs: ["adobe-acrobat-reader"], devices: ["pc1", "pc2"], costReference: "140:52120", environment: "admin"), by: s.pat)
        #expect(try await s.service.seatUsage(by: s.fia).first?.used == 2)
        await #expect {
            _ = try await s.service.placeOrder(OrderRequest(programs: ["adobe-acrobat-reader"], devices: ["pc3", "pc4"], costReference: "140:52120", environment: "admin"), by: s.pat)
        } throws: { "\($0)".contains("1 of 3 licence seats left and the order needs 2") }
        await #expect {
            _ = try await s.service.placeOrder(OrderRequest(programs: ["mozilla-firefox"], users: ["a"], costReference: "nope", environment: "admin"), by: s.pat)
        } throws: { "\($0)".contains("'nope' is not a cost reference") }
        await #expect {
            _ = try await s.service.placeOrder(OrderRequest(programs: ["mozilla-firefox@1.0"], users: ["a"], costReference: "140:52120", environment: "admin"), by: s.pat)
        } throws: { "\($0)".contains("mozilla-firefox 1.0") }
        // A licence the policy counts per seat needs recorded seats before anyone can order it.
        await #expect {
            _ = try await s.service.placeOrder(OrderRequest(programs: ["microsoft-365-apps"], users: ["anna"], costReference: "140:52120", environment: "admin"), by: s.pat)
        } throws: { "\($0)".contains("has 0 of 0 licence seats left") }
        // Refused orders take no seats and leave no order behind.
        #expect(try await s.service.seatUsage(by: s.fia).first?.used == 2)
        #expect(try await s.service.orders(by: s.fia).count == 1)
    }

    @Test func invoicesForAMonthWithSeveralCostReferences() async throws {
        let s = try await setUp()
        for (programs, cost) in [(["mozilla-firefox"], "140:52120"), (["libreoffice", "7zip"], "160:11000"), (["vlc"], "ref:Stockholm Vatten")] {
            _ = try await s.service.placeOrder(OrderRequest(programs: programs, devices: ["d1", "d2", "d3"], costReference: cost, environment: "admin"), by: s.pat)
        }
        let parties = InvoiceParties(supplier: InvoiceParty(name: "Depot", organisationNumber: "202100-5489"),
                                     customer: InvoiceParty(name: "Stockholms stad", organisationNumber: "212000-0142"))
        let csv = String(decoding: try #require(try await s.service.invoices(period: s.period, format: "csv", parties: parties, by: s.fia).files.first).data, as: UTF8.self)
        let rows = csv.split(separator: "\r\n")
        #expect(rows.filter { $0.hasPrefix("line,") }.count == 4)
        #expect(rows.filter { $0.hasPrefix("total,") }.count == 3)
        #expect(csv.contains("160:11000") && csv.contains("ref:Stockholm Vatten"))
        let ubl = try await s.service.invoices(period: s.period, format: "ubl", parties: parties, by: s.fia)
        #expect(ubl.files.count == 3)
        #expect(String(decoding: ubl.files[0].data, as: UTF8.self).contains("urn:fdc:peppol.eu:2017:poacc:billing:3.0"))
        let again = try await s.service.invoices(period: s.period, format: "ubl", parties: parties, by: s.fia)
        #expect(again.files.map(\.data) == ubl.files.map(\.data))
        let json = try await s.service.invoices(period: s.period, format: "json", parties: parties, by: s.fia)
        #expect(try JSONSerialization.jsonObject(with: json.files[0].data) is [String: Any])
        await #expect { _ = try await s.service.invoices(period: s.period, format: "csv", parties: parties, by: s.pat) }
            throws: { "\($0)".contains("pat is a packager") }
        await #expect { _ = try await s.service.invoices(period: "2026-13", format: "csv", parties: parties, by: s.fia) }
            throws: { $0 is any DepotError }
    }
}
