import DepotTestSupport
import Foundation
import Testing

/// Accounts that end, on a running catalog server: a revoked token and a disabled user stop at once (API 401, portal
/// back to sign-in), secrets print alone on the last line, school typos are refused, and the private calendar feed
/// answers a header-less GET until it is reset. Reads run without `--as`.
@Suite(.serialized) struct AccountsTests {
    static func lastLine(_ text: String) -> String {
        text.split(separator: "\n").last.map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
    }

    @Test func revokeAndDisableTakeEffectAtOnceOnARunningServer() throws {
        let fixture = try PortalFixture()
        let home = fixture.home
        let base = fixture.server.baseURL + "/api/v1"
        func depot(_ arguments: [String]) throws -> ToolResult { try DepotBinary.run(arguments + ["--home", home]) }

        // Secrets: alone on the last line, so `| tail -1` takes them.
        let added = try depot(["users", "add", "ola", "--role", "packager", "--as", "admin"])
        let ola = Self.lastLine(added.stdout)
        #expect(ola.hasPrefix("dpt_") && !ola.contains(" "), "\(added.stdout)")
        #expect(try HTTPExchange.get(base + "/me", token: ola).status == 200)
        let second = Self.lastLine(try depot(["users", "token", "ola", "--as", "admin"]).stdout)
        #expect(second.hasPrefix("dpt_") && second != ola)

        // Tokens by id with created and last-used times, never the secret.
        let listed = try depot(["users", "tokens", "ola", "--json"])
        #expect(listed.succeeded, "\(listed.stderr)")
        #expect(!listed.stdout.contains(ola) && !listed.stdout.contains(second))
        let tokens = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect(tokens.count == 2)
        #expect(tokens[0]["lastUsedAt"] is String && tokens[1]["lastUsedAt"] == nil, "\(tokens)")
        let firstId = try #require(tokens[0]["id"] as? Int)

        // Revoking one token stops it with the next request; the other keeps working.
        let revoked = try depot(["users", "revoke-token", "ola", String(firstId), "--as", "admin"])
        #expect(revoked.succeeded, "\(revoked.stderr)")
        let refused = try HTTPExchange.get(base + "/me", token: ola)
        #expect(refused.status == 401 && refused.body.contains("\"code\":\"auth.token\""), "\(refused.body)")
        #expect(try HTTPExchange.get(base + "/me", token: second).status == 200)

        // Disabling a user stops their tokens and their portal session at once; enabling brings the tokens back.
        let pat = try #require(fixture.tokens["pat"])
        let browser = fixture.browser()
        try browser.signIn(pat)
        #expect(try browser.get("/portal/catalog").status == 200)
        #expect(try depot(["users", "disable", "pat", "--as", "admin"]).succeeded)
        #expect(try HTTPExchange.get(base + "/me", token: pat).status == 401)
        let after = try browser.get("/portal/catalog")
        #expect(after.status == 303 && after.header("location").first?.hasPrefix("/login") == true, "\(after.status) \(after.header("location"))")
        let asDisabled = try depot(["submit", "/dev/null", "--as", "pat"])
        #expect(!asDisabled.succeeded && asDisabled.stderr.contains("pat is disabled"), "\(asDisabled.stderr)")
        #expect(try depot(["users", "enable", "pat", "--as", "admin"]).succeeded)
        #expect(try HTTPExchange.get(base + "/me", token: pat).status == 200)
        #expect(!(try depot(["users", "disable", "admin", "--as", "admin"]).succeeded))

        // Each change is an audit record.
        let audit = try depot(["audit", "list", "--json"]).stdout
        for action in ["token.revoke", "user.disable", "user.enable", "token.issue"] {
            #expect(audit.contains("\"\(action)\""), "no \(action) in the audit log")
        }

        // A school id with a typo is refused, naming the closest known school.
        let typo = try depot(["users", "add", "sam", "--role", "school-admin", "--school", "hagaskola", "--as", "admin"])
        #expect(!typo.succeeded && typo.stderr.contains("did you mean 'hagaskolan'?"), "\(typo.stderr)")
        #expect(typo.stderr.split(separator: "\n").count == 1 && typo.stderr.hasPrefix("depot: "))
    }

    @Test func theCalendarFeedAnswersAPlainGetUntilItIsReset() throws {
        let fixture = try PortalFixture()
        let rob = try #require(fixture.tokens["rob"])
        let browser = fixture.browser()
        try browser.signIn(rob)
        let page = try browser.get("/portal/calendar")
        let link = try #require(page.body.range(of: #"/calendar/[0-9a-f]+\.ics"#, options: .regularExpression).map { String(page.body[$0]) },
                                "no feed link on the calendar page")
        // What a calendar app does: a plain GET, no cookie, no Authorization header.
        let feed = try HTTPExchange.get(fixture.server.baseURL + link)
        #expect(feed.status == 200 && feed.body.hasPrefix("BEGIN:VCALENDAR"), "\(feed.status) \(feed.body.prefix(200))")
        #expect(feed.headers.lowercased().contains("content-type: text/calendar"))
        #expect(try HTTPExchange.get(fixture.server.baseURL + "/calendar/0000.ics").status == 404)

        let reset = try DepotBinary.run(["users", "calendar-reset", "rob", "--as", "admin", "--home", fixture.home])
        #expect(reset.succeeded, "\(reset.stderr)")
        let newLink = Self.lastLine(reset.stdout)
        #expect(newLink.hasPrefix("/calendar/") && newLink != link)
        #expect(try HTTPExchange.get(fixture.server.baseURL + link).status == 404, "the old address still works")
        #expect(try HTTPExchange.get(fixture.server.baseURL + newLink).status == 200)
    }

    @Test func readsNeedNoActingUserAndWritesStillNameOne() throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        _ = try DepotBinary.run(["init", "--home", home])
        for command in [["submissions", "list"], ["reviews", "list"], ["licences", "usage"], ["orders", "list"],
                        ["orders", "quote", "--program", "mozilla-firefox", "--device", "pc-1", "--cost-ref", "140:52120"],
                        ["reclassify", "list"], ["audit", "list"], ["users", "list"], ["catalog", "list"], ["currency", "report"]] {
            let result = try DepotBinary.run(command + ["--home", home])
            #expect(result.succeeded, "depot \(command.joined(separator: " ")) without --as: \(result.stderr)")
        }
        let write = try DepotBinary.run(["users", "add", "x", "--role", "auditor", "--home", home])
        #expect(!write.succeeded && write.stderr.contains("--as"), "\(write.stderr)")
    }
}
