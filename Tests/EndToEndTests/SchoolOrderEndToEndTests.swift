import DepotTestSupport
import Foundation
import Testing

/// A school on the `locked` tier cannot order beyond its whitelist on any path: the CLI, the API and the portal's
/// school page, which lists only what the whitelist offers.
@Suite(.serialized) struct SchoolOrderEndToEndTests {
    @Test func aLockedSchoolIsRefusedOnEveryPathWithTheReason() throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        let h = ["--home", home]
        try DepotBinary.run(["init", "--no-catalog"] + h).expectSuccess()
        // A school admin's school must exist first.
        try DepotBinary.run(["edu", "schools", "add", "lugna", "--name", "Lugna skolan", "--tier", "locked", "--as", "admin"] + h)
            .expectSuccess()
        try DepotBinary.run(["edu", "schools", "add", "kodskolan", "--name", "Kodskolan", "--tier", "open", "--as", "admin"] + h)
            .expectSuccess()
        var tokens: [String: String] = [:]
        for (name, role, school) in [("pat", "packager", nil), ("rita", "licence-reviewer", nil), ("sam", "signer", nil),
                                     ("rel", "release-manager", nil), ("sara", "school-admin", "lugna"), ("kim", "school-admin", "kodskolan")] {
            var arguments = ["users", "add", name, "--role", role, "--as", "admin", "--json"] + h
            if let school { arguments += ["--school", school] }
            let out = try DepotBinary.run(arguments)
            let object = try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any]
            tokens[name] = try #require(object?["token"] as? String, "\(out.stderr)")
        }
        // A utility approved for schools, through the whole pipeline.
        let deb = try Fixtures.debianPackage(in: dir, name: "class-timer", licence: "MIT")
        try DepotBinary.run(["submit", deb.path, "--as", "pat"] + h).expectSuccess()
        try DepotBinary.run(["reviews", "decide", "1", "--approve", "--scope", "both", "--reason", "MIT", "--as", "rita"] + h).expectSuccess()
        try DepotBinary.run(["classify", "1", "--as", "pat"] + h).expectSuccess()
        try DepotBinary.run(["test", "1", "--passed", "--notes", "runs", "--as", "pat"] + h).expectSuccess()
        try DepotBinary.run(["sign", "1", "--as", "sam"] + h).expectSuccess()
        try DepotBinary.run(["publish", "--as", "rel"] + h).expectSuccess()

        // CLI: refused, with the school, the program and what to do.
        let order = ["orders", "place", "--program", "class-timer", "--group", "7b:28:devices", "--cost-ref", "ref:lugna",
                     "--environment", "edu"] + h
        let cli = try DepotBinary.run(order + ["--as", "sara"])
        #expect(!cli.succeeded && cli.stderr.contains("school 'lugna' (tier 'locked') cannot order 'class-timer'")
                && cli.stderr.contains("depot edu schools set lugna --tier"), "\(cli.stderr)")
        let admin = try DepotBinary.run(order + ["--school", "lugna", "--as", "admin"])
        #expect(!admin.succeeded && admin.stderr.contains("cannot order 'class-timer'"), "\(admin.stderr)")
        try DepotBinary.run(order + ["--as", "kim"]).expectSuccess()

        // API: 422 with the same reason; the open school's admin is served.
        let server = try RunningServer(arguments: ["serve", "--home", home])
        defer { server.stop() }
        let body = try dir.write("order.json", """
            {"programs": ["class-timer"], "group": {"name": "7b", "kind": "devices", "size": 28},
             "costReference": "ref:lugna", "environment": "edu"}
            """)
        let api = try HTTPExchange.request("POST", server.baseURL + "/api/v1/orders", token: tokens["sara"], bodyFile: body.path)
        #expect(api.status == 422 && api.body.contains("order.school.whitelist") && api.body.contains("cannot order 'class-timer'"),
                "\(api.body)")
        #expect(try HTTPExchange.request("POST", server.baseURL + "/api/v1/orders/quote", token: tokens["kim"], bodyFile: body.path)
            .status == 200)

        // Portal: the locked school's page offers nothing, and a forged form post is refused with the reason.
        let browser = CurlBrowser(base: server.baseURL, jar: dir.file("jar-sara").path)
        try browser.signIn(try #require(tokens["sara"]))
        let page = try browser.get("/portal/school")
        #expect(page.status == 200 && page.body.contains("Lugna skolan") && !page.body.contains("class-timer"), "\(page.body)")
        let forged = try browser.post("/portal/orders", form: [
            ("csrf", page.csrf ?? ""), ("program", "class-timer"), ("target", "group"), ("groupName", "7b"), ("groupKind", "devices"),
            ("groupSize", "28"), ("environment", "edu"), ("costReference", "ref:lugna"), ("from", "school")])
        #expect(forged.status == 422 && forged.body.contains("cannot order &#39;class-timer&#39;"), "\(forged.status) \(forged.body)")
        let kim = CurlBrowser(base: server.baseURL, jar: dir.file("jar-kim").path)
        try kim.signIn(try #require(tokens["kim"]))
        let open = try kim.get("/portal/school")
        #expect(open.status == 200 && open.body.contains("Kodskolan") && open.body.contains("class-timer"), "\(open.body)")
    }
}
