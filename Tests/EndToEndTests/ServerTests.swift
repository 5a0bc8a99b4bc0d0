import DepotTestSupport
import Foundation
import Testing

/// A real `depot serve` on loopback, spoken to with a real HTTP client.
@Suite(.serialized) struct ServerTests {
    struct Fixture {
        let dir: TemporaryDirectory
        let server: RunningServer
        let admin: String
        let packager: String
    }

    func start() throws -> Fixture {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        let initResult = try DepotBinary.run(["init", "--home", home, "--json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(initResult.stdout.utf8)) as? [String: Any])
        let admin = try #require((json["admin"] as? [String: Any])?["token"] as? String)
        let added = try DepotBinary.run(["users", "add", "anna", "--role", "packager", "--home", home, "--as", "admin", "--json"])
        let anna = try #require((try JSONSerialization.jsonObject(with: Data(added.stdout.utf8)) as? [String: Any])?["token"] as? String)
        let server = try RunningServer(arguments: ["serve", "--home", home])
        return Fixture(dir: dir, server: server, admin: admin, packager: anna)
    }

    @Test func healthAndCatalogWithRolesAndErrors() throws {
        let f = try start()
        defer { f.server.stop() }
        let base = f.server.baseURL

        let health = try HTTPExchange.get(base + "/healthz")
        #expect(health.status == 200)
        #expect(health.body.contains("\"ok\""))

        let anonymous = try HTTPExchange.get(base + "/api/v1/catalog")
        #expect(anonymous.status == 401)
        let error = try #require((anonymous.json as? [String: Any])?["error"] as? [String: Any])
        #expect(error["code"] as? String == "auth.missing")
        #expect(anonymous.headers.lowercased().contains("x-request-id: "))
        #expect((error["message"] as? String)?.contains("Bearer") == true)

        #expect(try HTTPExchange.get(base + "/api/v1/catalog", token: "dpt_wrong").status == 401)

        let catalog = try HTTPExchange.get(base + "/api/v1/catalog", token: f.packager)
        #expect(catalog.status == 200)
        let entries = try #require(catalog.json as? [[String: Any]])
        #expect(entries.count >= 120)
        #expect(entries.contains { $0["program"] as? String == "mozilla-firefox" })

        let audit = try HTTPExchange.get(base + "/api/v1/audit", token: f.packager)
        #expect(audit.status == 403)
        #expect(audit.body.contains("anna is a packager"))
        #expect(try HTTPExchange.get(base + "/api/v1/audit", token: f.admin).status == 200)

        let missing = try HTTPExchange.get(base + "/api/v1/programs/no-such-program", token: f.packager)
        #expect(missing.status == 404)
        #expect(missing.body.contains("no-such-program"))

        let badState = try HTTPExchange.get(base + "/api/v1/catalog?state=cooked", token: f.packager)
        #expect(badState.status == 400)
        #expect(badState.body.contains("unknown state 'cooked'"))

        let unknownRoute = try HTTPExchange.get(base + "/api/v1/nothing-here", token: f.packager)
        #expect(unknownRoute.status == 404)
        #expect(unknownRoute.body.contains("\"error\""))
    }
}
