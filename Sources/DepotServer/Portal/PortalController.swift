import CatalogService
import DepotModel
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The server-rendered portal under `/portal`, with `/login` and `/logout`. Pages call `CatalogService` like the
/// JSON API does; what a user may see follows `Permission`, and every POST carries the session's CSRF token.
struct PortalController {
    let service: CatalogService
    let uploads = PendingUploads()
    let testRuns = InstallTestRuns()

    static let sessionCookie = "depot_session"
    static let languageCookie = "depot_lang"
    /// Before there is a session, the sign-in form's CSRF token is checked against this cookie (double submit).
    static let loginCookie = "depot_login"
    /// Largest urlencoded form body.
    static let formLimit = 64 * 1024

    func addRoutes(to router: Router<DepotRequestContext>) {
        router.get("/") { _, _ in Self.redirect("/portal/catalog") }
        router.get("portal") { _, _ in Self.redirect("/portal/catalog") }
        router.get("login") { request, _ in await page(request) { portal in loginPage(portal, failed: false) } }
        router.post("login") { request, _ in await page(request) { portal in try await signIn(request, portal) } }
        router.post("logout") { request, _ in await page(request) { portal in try await signOut(request, portal) } }
        addCatalogRoutes(to: router)
        addSubmitRoutes(to: router)
        addReviewRoutes(to: router)
        addTestRoutes(to: router)
        addCalendarRoutes(to: router)
        addCalendarFeedRoute(to: router)
        addSchoolRoutes(to: router)
        addInvoiceRoutes(to: router)
    }

    // MARK: Request handling

    /// Runs a page handler: resolves the session and language, checks the page's permission (sending visitors who
    /// are not signed in to /login), and turns every error into an HTML page with the matching status.
    func page(_ request: Request, needs permission: Permission? = nil,
              _ handler: (PortalRequest) async throws -> Response) async -> Response {
        let portal = await resolve(request)
        do {
            if let permission {
                guard let user = portal.user else {
                    if request.method == .get {
                        return Self.redirect("/login?next=" + (portal.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
                    }
                    throw PortalError(.forbidden, code: "portal.session", portal.strings["csrf.failed"])
                }
                try user.require(permission)
            }
            return try await handler(portal)
        } catch {
            return errorPage(portal, error)
        }
    }

    func resolve(_ request: Request) async -> PortalRequest {
        let cookies = request.cookies
        let secret = cookies[Self.sessionCookie]?.value
        var session: PortalSession?
        if let secret, !secret.isEmpty { session = try? await service.portalSession(secret: secret) }
        let query = request.uri.queryParameters
        var language = PortalLanguage.preferred(acceptLanguage: request.headers[.acceptLanguage])
        var chosen = false
        if let remembered = cookies[Self.languageCookie].flatMap({ PortalLanguage(rawValue: $0.value) }) { language = remembered }
        if let asked = query["lang"].flatMap({ PortalLanguage(rawValue: String($0)) }) {
            language = asked
            chosen = true
        }
        let forwarded = request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased()
        let secure = request.head.scheme?.lowercased() == "https" || forwarded == "https"
        return PortalRequest(session: session, sessionSecret: session == nil ? nil : secret, language: language,
                             languageChosen: chosen, secure: secure, path: request.uri.path, query: request.uri.query ?? "",
                             isGet: request.method == .get)
    }

    /// Reads an `application/x-www-form-urlencoded` body of at most `formLimit` bytes.
    func form(_ request: Request) async throws -> PortalForm {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: Self.formLimit)
        } catch {
            throw PortalError(.tooLarge, code: "form.too-large", "the form is larger than \(Self.formLimit) bytes")
        }
        return try PortalForm(urlencoded: String(decoding: buffer.readableBytesView, as: UTF8.self))
    }

    /// Refuses a form whose CSRF token is missing or is not this session's.
    func requireCSRF(_ token: String?, _ portal: PortalRequest) throws {
        guard let session = portal.session, let token, Self.constantTimeEqual(token, session.csrfToken) else {
            throw PortalError(.forbidden, code: "portal.csrf", portal.strings["csrf.failed"])
        }
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<x.count { difference |= x[i] ^ y[i] }
        return difference == 0
    }

    // MARK: Responses

    func html(_ portal: PortalRequest, status: HTTPResponse.Status = .ok, title: String, _ body: HTML,
              cookies: [String] = []) -> Response {
        let document = PortalLayout.page(portal, title: title, body: body)
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("Content-Security-Policy")!] =
            "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'"
        var all = cookies
        if portal.languageChosen { all.append(languageCookie(portal)) }
        for cookie in all { headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: document.markup)))
    }

    func languageCookie(_ portal: PortalRequest) -> String {
        "\(Self.languageCookie)=\(portal.language.rawValue); Path=/; Max-Age=31536000; SameSite=Strict" + (portal.secure ? "; Secure" : "")
    }

    static func redirect(_ location: String, cookies: [String] = []) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        for cookie in cookies { headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return Response(status: .seeOther, headers: headers)
    }

    func errorPage(_ portal: PortalRequest, _ error: Error) -> Response {
        let s = portal.strings
        let status: HTTPResponse.Status
        let message: String
        switch error {
        case let error as APIError:
            status = error.status
            message = error.message
        case let error as any DepotError:
            status = APIError.status(for: error.kind)
            message = error.kind == .internal ? s["error.title"] : error.message
        default:
            status = .internalServerError
            message = s["error.title"]
        }
        let title = switch status {
        case .forbidden: s["forbidden.title"]
        case .notFound: s["notfound.title"]
        default: s["error.title"]
        }
        let back: HTML = portal.user == nil ? HTML("<p><a href=\"/login\">\(s["login.title"])</a></p>")
                                            : HTML("<p><a href=\"/portal/catalog\">\(s["back"])</a></p>")
        return html(portal, status: status, title: title, "<p class=\"error\" role=\"alert\">\(message)</p>\(back)")
    }

    // MARK: Sign in and out

    func loginPage(_ portal: PortalRequest, failed: Bool, status: HTTPResponse.Status = .ok, next: String? = nil) -> Response {
        let s = portal.strings
        // SystemRandomNumberGenerator reads the kernel's CSPRNG (getrandom), so the token is unguessable.
        var generator = SystemRandomNumberGenerator()
        let loginToken = (0..<4).map { _ in String(generator.next() as UInt64, radix: 16) }.joined(separator: "-")
        let error: HTML = failed ? HTML("<p class=\"error\" role=\"alert\">\(s["login.failed"])</p>") : .empty
        let target = next ?? portal.query.split(separator: "&").compactMap { item -> String? in
            item.hasPrefix("next=") ? String(item.dropFirst(5)).removingPercentEncoding : nil
        }.first ?? "/portal/catalog"
        return html(portal, status: status, title: s["login.title"], """
            \(error)
            <form method="post" action="/login">
            <input type="hidden" name="csrf" value="\(loginToken)">
            <input type="hidden" name="next" value="\(Self.safeNext(target))">
            \(HTML.field("token", label: s["login.token"], required: true, type: "password", hint: s["login.hint"]))
            <p><button type="submit">\(s["login.submit"])</button></p>
            </form>
            """, cookies: ["\(Self.loginCookie)=\(loginToken); Path=/login; HttpOnly; SameSite=Strict" + (portal.secure ? "; Secure" : "")])
    }

    /// Only local portal paths, so the sign-in form cannot be used to send someone elsewhere.
    static func safeNext(_ next: String) -> String {
        next.hasPrefix("/portal/") && !next.hasPrefix("//") && !next.contains("\\") ? next : "/portal/catalog"
    }

    func signIn(_ request: Request, _ portal: PortalRequest) async throws -> Response {
        let form = try await form(request)
        guard let expected = request.cookies[Self.loginCookie]?.value, !expected.isEmpty, let sent = form["csrf"],
              Self.constantTimeEqual(sent, expected) else {
            throw PortalError(.forbidden, code: "portal.csrf", portal.strings["csrf.failed"])
        }
        let next = Self.safeNext(form["next"] ?? "")
        let token = (form["token"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let opened: (secret: String, session: PortalSession)
        do {
            opened = try await service.openPortalSession(token: token)
        } catch let error as any DepotError where error.kind == .unauthenticated {
            return loginPage(portal, failed: true, status: .unauthorized, next: next)
        }
        let cookie = "\(Self.sessionCookie)=\(opened.secret); Path=/; HttpOnly; SameSite=Strict; Max-Age=\(Int(CatalogService.portalSessionLifetime))"
            + (portal.secure ? "; Secure" : "")
        return Self.redirect(next, cookies: [cookie])
    }

    func signOut(_ request: Request, _ portal: PortalRequest) async throws -> Response {
        let form = try await form(request)
        try requireCSRF(form["csrf"], portal)
        if let secret = portal.sessionSecret { try await service.closePortalSession(secret: secret) }
        let cookie = "\(Self.sessionCookie)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" + (portal.secure ? "; Secure" : "")
        return Self.redirect("/login", cookies: [cookie])
    }
}

/// An urlencoded form: repeated names keep every value.
struct PortalForm: Sendable {
    var values: [String: [String]] = [:]

    init(urlencoded text: String) throws {
        for pair in text.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map {
                String($0).replacingOccurrences(of: "+", with: " ")
            }
            guard let key = parts[0].removingPercentEncoding,
                  let value = (parts.count > 1 ? parts[1] : "").removingPercentEncoding else {
                throw PortalError(.invalidInput, code: "form.encoding", "the form is not valid application/x-www-form-urlencoded")
            }
            values[key, default: []].append(value)
        }
    }

    init(fields: [String: String]) {
        for (key, value) in fields { values[key] = [value] }
    }

    subscript(_ key: String) -> String? { values[key]?.first }

    /// A trimmed value, nil when empty.
    func text(_ key: String) -> String? {
        guard let value = self[key]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    /// A comma-separated list.
    func list(_ key: String) -> [String] {
        (self[key] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
