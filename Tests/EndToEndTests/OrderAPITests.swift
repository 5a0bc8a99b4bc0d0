import DepotTestSupport
import Foundation
import Testing

@Suite(.serialized) struct OrderAPITests {
    @Test func packagersOrderAndFinanceDownloadsTheMonthsInvoice() throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        _ = try DepotBinary.run(["init", "--home", home])
        func token(_ name: String, _ role: String) throws -> String {
            let out = try DepotBinary.run(["users", "add", name, "--role", role, "--home", home, "--as", "admin", "--json"])
            return try #require((try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])?["token"] as? String)
        }
        let pat = try token("pat", "packager")
        let fia = try token("fia", "finance")
        let server = try RunningServer(arguments: ["serve", "--home", home])
        defer { server.stop() }
        let base = server.baseURL + "/api/v1"

        let body = try dir.write("order.json", """
            {"programs": ["mozilla-firefox"], "group": {"name": "7b", "kind": "devices", "size": 28},
             "costReference": "140:52120", "environment": "edu"}
            """)
        let quote = try HTTPExchange.request("POST", base + "/orders/quote", token: pat, bodyFile: body.path)
        #expect(quote.status == 200, "\(quote.body)")
        let placed = try HTTPExchange.request("POST", base + "/orders", token: pat, bodyFile: body.path)
        #expect(placed.status == 201)
        #expect((placed.json as? [String: Any])?["id"] as? String == "ORD-1")
        #expect(try HTTPExchange.request("POST", base + "/orders", token: fia, bodyFile: body.path).status == 403)
        let refused = try dir.write("refused.json", #"{"programs": ["gcompris"], "users": ["a"], "costReference": "140:52120", "environment": "admin"}"#)
        let refusal = try HTTPExchange.request("POST", base + "/orders", token: pat, bodyFile: refused.path)
        #expect(refusal.status == 422)
        #expect(refusal.body.contains("does not cover the admin environment"))

        let period = String(ISO8601DateFormatter().string(from: Date()).prefix(7))
        let csv = try HTTPExchange.get(base + "/invoices?period=\(period)&format=csv", token: fia)
        #expect(csv.status == 200)
        #expect(csv.body.contains("140:52120") && csv.body.contains("mozilla-firefox"))
        #expect(try HTTPExchange.get(base + "/invoices?period=\(period)", token: pat).status == 403)
        #expect(try HTTPExchange.get(base + "/invoices?period=2026-13", token: fia).status == 400)
        #expect((try HTTPExchange.get(base + "/orders", token: fia).json as? [[String: Any]])?.count == 1)
    }
}
