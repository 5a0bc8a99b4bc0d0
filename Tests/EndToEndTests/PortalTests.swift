import DepotTestSupport
import Foundation
import Testing

/// The portal over real HTTP: sessions, roles, CSRF, languages and hostile uploads.
@Suite(.serialized) struct PortalTests {
    @Test func sessionCookieIsHttpOnlyStrictAndSecureOnlyOverTLS() throws {
        let fixture = try PortalFixture()
        let plain = try fixture.browser().signIn(fixture.tokens["pat"]!)
        #expect(plain.status == 303)
        let cookie = try #require(plain.header("set-cookie").first { $0.hasPrefix("depot_session=") })
        #expect(cookie.contains("HttpOnly"))
        #expect(cookie.contains("SameSite=Strict"))
        #expect(cookie.contains("Path=/"))
        #expect(!cookie.contains("Secure"))
        let tls = try fixture.browser().signIn(fixture.tokens["pat"]!, headers: ["X-Forwarded-Proto: https"])
        #expect(try #require(tls.header("set-cookie").first { $0.hasPrefix("depot_session=") }).contains("; Secure"))

        // The sign-in form has its CSRF token too (checked against a cookie, as there is no session yet).
        let forged = try fixture.browser().post("/login", form: [("token", fixture.tokens["pat"]!)])
        #expect(forged.status == 403)
        #expect(forged.header("set-cookie").allSatisfy { !$0.hasPrefix("depot_session=") })
        let wrong = try fixture.browser().signIn("dpt_not-a-token")
        #expect(wrong.status == 401)
        #expect(wrong.header("set-cookie").allSatisfy { !$0.hasPrefix("depot_session=") })
        #expect(wrong.body.contains("That token is not known."))
    }

    @Test func pagesFollowTheRoleAndRefuseFormsWithoutTheirCSRFToken() throws {
        let fixture = try PortalFixture()
        let anonymous = try fixture.browser().get("/portal/invoices")
        #expect(anonymous.status == 303)
        #expect(anonymous.header("location").first?.hasPrefix("/login") == true)

        let pat = fixture.browser()
        try pat.signIn(fixture.tokens["pat"]!)
        let catalog = try pat.get("/portal/catalog")
        #expect(catalog.status == 200)
        #expect(catalog.body.contains("href=\"/portal/submit\""))
        #expect(!catalog.body.contains("href=\"/portal/invoices\""))
        #expect(catalog.body.contains("href=\"/portal/reviews\""))  // packagers may read reviews
        let refused = try pat.get("/portal/invoices")
        #expect(refused.status == 403)
        #expect(refused.body.contains("to read invoices you need the role finance or auditor or admin"))

        let fia = fixture.browser()
        try fia.signIn(fixture.tokens["fia"]!)
        let invoices = try fia.get("/portal/invoices")
        #expect(invoices.status == 200)
        #expect(!invoices.body.contains("href=\"/portal/submit\""))
        #expect(try fia.get("/portal/submit").status == 403)

        // The same order form, without its token, with a wrong one, and with the right one.
        let form: [(String, String)] = [("program", "mozilla-firefox"), ("target", "group"), ("groupName", "7B"), ("groupKind", "users"),
                                        ("groupSize", "25"), ("environment", "edu"), ("costReference", "140:52120")]
        let missing = try pat.post("/portal/orders/quote", form: form)
        #expect(missing.status == 403)
        #expect(missing.body.contains("security token"))
        #expect(try pat.post("/portal/orders/quote", form: form + [("csrf", "0000")]).status == 403)
        let csrf = try #require(catalog.csrf)
        // Another user's token is wrong too.
        #expect(try fia.post("/logout", form: [("csrf", csrf)]).status == 403)
        let quoted = try pat.post("/portal/orders/quote", form: form + [("csrf", csrf)])
        #expect(quoted.status == 200, "\(quoted.body)")
        #expect(quoted.body.contains("25 users in group 7B"))
        #expect(quoted.body.contains("SEK"))

        // Signing out needs the token as well, and ends the session.
        #expect(try pat.post("/logout", form: []).status == 403)
        #expect(try pat.post("/logout", form: [("csrf", csrf)]).status == 303)
        #expect(try pat.get("/portal/catalog").status == 303)
    }

    @Test func languageFollowsTheBrowserAndTheSwitchIsRemembered() throws {
        let fixture = try PortalFixture()
        let browser = fixture.browser()
        let swedish = try browser.get("/login", headers: ["Accept-Language: sv-SE,sv;q=0.9,en;q=0.5"])
        #expect(swedish.body.contains("<html lang=\"sv\">"))
        #expect(swedish.body.contains("Logga in"))
        let english = try browser.get("/login?lang=en", headers: ["Accept-Language: sv"])
        #expect(english.body.contains("<html lang=\"en\">"))
        #expect(english.body.contains("<label for=\"token\">API token</label>"))
        // The jar now holds depot_lang=en, which wins over the header.
        #expect(try browser.get("/login", headers: ["Accept-Language: sv"]).body.contains("<html lang=\"en\">"))
    }

    @Test func catalogFiltersShowsProgramsAndEscapesWhatUsersType() throws {
        let fixture = try PortalFixture()
        let sara = fixture.browser()
        try sara.signIn(fixture.tokens["sara"]!)
        let all = try sara.get("/portal/catalog")
        #expect(all.body.contains("href=\"/portal/programs/mozilla-firefox\""))
        let filtered = try sara.get("/portal/catalog?q=firefox")
        #expect(filtered.body.contains("mozilla-firefox"))
        #expect(!filtered.body.contains("href=\"/portal/programs/geogebra-classic\""))
        let hostile = try sara.get("/portal/catalog?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E%22")
        #expect(hostile.status == 200)
        #expect(!hostile.body.contains("<script>alert(1)"))
        #expect(hostile.body.contains("value=\"&lt;script&gt;alert(1)&lt;/script&gt;&quot;\""))
        let program = try sara.get("/portal/programs/mozilla-firefox")
        #expect(program.status == 200)
        #expect(program.body.contains("<h1>Mozilla Firefox</h1>") || program.body.contains("Firefox</h1>"))
        #expect(program.body.contains("action=\"/portal/orders/quote\""))
        #expect(program.body.contains("Install price per user or device, excl. VAT: <strong>") && program.body.contains(" SEK</strong>"))
        #expect(program.body.contains("<option value=\"edu\" selected>edu</option>") && !program.body.contains("<option value=\"admin\""))
        #expect(try sara.get("/portal/programs/no-such-program").status == 404)
        let calendar = try sara.get("/portal/calendar")
        #expect(calendar.body.contains("href=\"/calendar/") && calendar.body.contains("Maintenance windows"))
        let ics = try sara.get("/portal/calendar.ics")
        #expect(ics.status == 200 && ics.body.hasPrefix("BEGIN:VCALENDAR"))
        // Finance may read the catalog but not order from it.
        let fia = fixture.browser()
        try fia.signIn(fixture.tokens["fia"]!)
        #expect(!(try fia.get("/portal/programs/mozilla-firefox").body.contains("action=\"/portal/orders/quote\"")))
    }

    @Test func brokenUploadsAreRefusedWithoutCrashing() throws {
        let fixture = try PortalFixture()
        let pat = fixture.browser()
        try pat.signIn(fixture.tokens["pat"]!)
        let csrf = try #require(try pat.get("/portal/submit").csrf)
        let garbage = try fixture.dir.write("garbage.bin", "this is not multipart at all")
        let noBoundary = try pat.request("POST", "/portal/submit", extra: ["--data-binary", "@\(garbage.path)"],
                                         headers: ["Content-Type: multipart/form-data"])
        #expect(noBoundary.status == 400)
        let truncated = try pat.request("POST", "/portal/submit", extra: ["--data-binary", "@\(garbage.path)"],
                                        headers: ["Content-Type: multipart/form-data; boundary=XYZ"])
        #expect(truncated.status == 400)
        let huge = try fixture.dir.write("huge.txt", String(repeating: "a", count: 200_000))
        let field = try pat.request("POST", "/portal/submit", extra: ["-F", "csrf=\(csrf)", "-F", "note=<\(huge.path)"])
        #expect(field.status == 413)
        // A file but no CSRF token: refused, and nothing is recorded.
        let deb = try Fixtures.debianPackage(in: fixture.dir)
        let noToken = try pat.request("POST", "/portal/submit", extra: ["-F", "installer=@\(deb.path)"])
        #expect(noToken.status == 403)
        #expect(try pat.get("/portal/submit").body.contains("hello-depot") == false)
        // The server is still there.
        #expect(try pat.get("/portal/catalog").status == 200)
    }

    @Test func packagerUploadsConfirmsAndSubmitsThroughTheForms() throws {
        let fixture = try PortalFixture()
        let pat = fixture.browser()
        try pat.signIn(fixture.tokens["pat"]!)
        let csrf = try #require(try pat.get("/portal/submit").csrf)
        // Large enough to arrive in many chunks, so boundaries fall across chunk edges; the hash proves every byte landed.
        let deb = try Fixtures.debianPackage(in: fixture.dir, payloadBytes: 600_000)
        let sha = try Tools.require("sha256sum", [deb.path]).stdout.prefix(64)
        let inspected = try pat.request("POST", "/portal/submit", extra: ["-F", "csrf=\(csrf)", "-F", "installer=@\(deb.path);filename=hello.deb"])
        #expect(inspected.status == 200, "\(inspected.body)")
        #expect(inspected.body.contains("<code>\(sha)</code>"))
        #expect(inspected.body.contains("value=\"2.10-3\""))
        #expect(inspected.body.contains("GPL-3.0-or-later"))
        let upload = try #require(inspected.body.range(of: "name=\"upload\" value=\"").map { String(inspected.body[$0.upperBound...].prefix { $0 != "\"" }) })
        let done = try pat.post("/portal/submit/confirm", form: [("csrf", csrf), ("upload", upload), ("program", "hello-depot"),
                                                                ("version", "2.10-3"), ("platforms", "linux"), ("costReference", "140:52120")])
        #expect(done.status == 201, "\(done.body)")
        #expect(done.body.contains("hello-depot 2.10-3"))
        // The upload is consumed: confirming twice finds nothing waiting.
        #expect(try pat.post("/portal/submit/confirm", form: [("csrf", csrf), ("upload", upload)]).status == 404)
    }
}
