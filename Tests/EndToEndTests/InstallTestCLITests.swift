import DepotTestSupport
import Foundation
import Testing

/// `depot test ID --auto` through the real binary and a real server: a real NSIS installer under real Wine, then
/// signature, publication (catalog.json carries what the test observed), re-test, and the API's view of the record.
@Suite(.serialized) struct InstallTestCLITests {
    /// One template prefix for every sandbox test of this machine.
    static let environment = ["DEPOT_WINE_TEMPLATES": FileManager.default.temporaryDirectory
        .appendingPathComponent("depot-wine-templates").path]

    func depot(_ arguments: [String]) throws -> ToolResult {
        try DepotBinary.run(arguments, environment: Self.environment)
    }

    @Test func anNSISPackageIsTestedAutomaticallyAndTheCatalogCarriesWhatWasObserved() throws {
        let dir = try TemporaryDirectory("e2e-auto-test")
        setenv("DEPOT_WINE_TEMPLATES", Self.environment["DEPOT_WINE_TEMPLATES"]!, 1)  // the server inherits it
        let home = dir.url.appendingPathComponent("home").path
        let h = ["--home", home]
        try depot(["init", "--no-catalog"] + h).expectSuccess()
        for (name, role) in [("pat", "packager"), ("rita", "licence-reviewer"), ("sam", "signer"), ("rel", "release-manager")] {
            try depot(["users", "add", name, "--role", role, "--as", "admin"] + h).expectSuccess()
        }
        try depot(["submit", try WindowsInstallers.nsis(in: dir, name: "DepotE2E").path, "--as", "pat"] + h).expectSuccess()
        let reviews = try #require(try JSONSerialization.jsonObject(
            with: Data(try depot(["reviews", "list", "--pending", "--json", "--as", "rita"] + h).stdout.utf8)) as? [[String: Any]])
        let review = try #require(reviews.first?["id"] as? Int)
        try depot(["reviews", "decide", String(review), "--approve", "--scope", "both", "--reason", "ok", "--as", "rita"] + h).expectSuccess()
        try depot(["classify", "1", "--as", "pat"] + h).expectSuccess()

        let mixed = try depot(["test", "1", "--auto", "--notes", "x", "--as", "pat"] + h)
        #expect(!mixed.succeeded && mixed.stderr.contains("--auto keeps its own evidence"))
        let tested = try depot(["test", "1", "--auto", "--as", "pat"] + h)
        #expect(tested.succeeded, "\(tested.stdout)\n\(tested.stderr)")
        #expect(tested.stdout.contains("passed its automatic install test; it is now tested."), "\(tested.stdout)")
        #expect(tested.stdout.contains("Detection rule: HKLM\\Software\\Wow6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\DepotE2E with DisplayVersion 1.5.0"))
        #expect(tested.stdout.contains("Add/Remove Programs: DepotE2E 1.5.0"))
        #expect(tested.stderr.contains("… installing: \"C:\\depot\\DepotE2E.exe\" /S"))

        let shown = try #require(try JSONSerialization.jsonObject(
            with: Data(try depot(["test", "show", "1", "--json", "--as", "pat"] + h).stdout.utf8)) as? [String: Any])
        let tests = try #require(shown["tests"] as? [[String: Any]])
        #expect(tests.first?["mode"] as? String == "auto")
        #expect((tests.first?["kind"] as? String)?.hasPrefix("tested automatically (Wine ") == true)
        let evidence = try #require(shown["evidence"] as? [String: Any])
        #expect(evidence["passed"] as? Bool == true)
        #expect((evidence["uninstall"] as? [String: Any])?["exitCode"] as? Int == 0)
        #expect(try depot(["submissions", "show", "1", "--as", "pat"] + h).stdout.contains("last test        tested automatically (Wine "))

        // The portal shows the record and starts another test, with progress while it runs.
        let token = try #require((try JSONSerialization.jsonObject(
            with: Data(try depot(["users", "token", "pat", "--as", "admin", "--json"] + h).stdout.utf8)) as? [String: Any])?["token"] as? String)
        let server = try RunningServer(arguments: ["serve"] + h)
        defer { server.stop() }
        let browser = CurlBrowser(base: server.baseURL, jar: dir.file("jar").path)
        try browser.signIn(token)
        let page = try browser.get("/portal/submissions/1/tests")
        #expect(page.status == 200)
        #expect(page.body.contains("What the latest automatic test observed"))
        #expect(page.body.contains("DisplayVersion 1.5.0"))
        let started = try browser.post("/portal/submissions/1/tests", form: [("csrf", page.csrf ?? "")])
        #expect(started.status == 303)
        var after = try browser.get("/portal/submissions/1/tests")
        for _ in 0..<120 where after.body.contains("The install test is running") {
            Thread.sleep(forTimeInterval: 0.5)
            after = try browser.get("/portal/submissions/1/tests")
        }
        #expect(after.body.components(separatedBy: "tested automatically (Wine ").count >= 3, "\(after.body)")
        #expect(!after.body.contains("could not run"))
        let programPage = try browser.get("/portal/programs/depote2e")
        #expect(programPage.body.contains("How each version was tested"))
        #expect(programPage.body.contains("href=\"/portal/submissions/1/tests\""))

        try depot(["sign", "1", "--as", "sam"] + h).expectSuccess()
        let tree = dir.url.appendingPathComponent("www").path
        try depot(["publish", "--out", tree, "--as", "rel"] + h).expectSuccess()
        let catalog = try String(contentsOfFile: tree + "/catalog.json", encoding: .utf8)
        #expect(catalog.contains("\"kind\":\"automatic\"") || catalog.contains("\"kind\": \"automatic\""), "\(catalog)")
        #expect(catalog.contains("uninstall-key"))
        #expect(catalog.contains("{installer}"))

        let retest = try depot(["retest", "--published", "--older-than", "0d", "--as", "pat"] + h)
        #expect(retest.stdout.contains("All 1 re-tested package(s) still pass."), "\(retest.stdout)\n\(retest.stderr)")

        // The API shows the same records and their evidence.
        let list = try HTTPExchange.get(server.baseURL + "/api/v1/submissions/1/tests", token: token)
        #expect(list.status == 200 && list.body.contains("tested automatically (Wine "))
        let first = try #require((list.json as? [[String: Any]])?.first?["id"] as? Int)
        let document = try HTTPExchange.get(server.baseURL + "/api/v1/submissions/1/tests/\(first)/evidence", token: token)
        #expect(document.status == 200 && document.body.contains("\"detectionRule\""))
        let missing = try HTTPExchange.get(server.baseURL + "/api/v1/submissions/1/tests/999/evidence", token: token)
        #expect(missing.status == 404)
    }
}
