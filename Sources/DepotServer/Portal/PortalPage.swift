import CatalogService
import DepotModel
import Foundation
import HTTPTypes
import Hummingbird

/// One portal request as the pages see it: who is signed in, in which language, over which scheme.
struct PortalRequest: Sendable {
    var session: PortalSession?
    var sessionSecret: String?
    var language: PortalLanguage
    /// Set when `?lang=` chose the language, so the response remembers it.
    var languageChosen: Bool
    var secure: Bool
    var path: String
    var query: String
    /// False for a page answering a form post, whose address cannot be fetched again to switch language.
    var isGet: Bool

    var strings: PortalStrings { PortalStrings(language: language) }
    var user: DepotUser? { session?.user }

    func may(_ permission: Permission) -> Bool {
        guard let user else { return false }
        return permission.roles.contains(user.role)
    }

    /// The hidden CSRF field every POST form carries.
    var csrfField: HTML {
        HTML("<input type=\"hidden\" name=\"csrf\" value=\"\(session?.csrfToken ?? "")\">")
    }
}

/// The portal's pages: what each needs, and the layout they share.
enum PortalPage: String, CaseIterable, Sendable {
    case catalog, submit, reviews, calendar, school, invoices

    var path: String { "/portal/\(rawValue)" }

    /// The permission that opens the page; the nav shows a page only to those who hold it.
    var permission: Permission {
        switch self {
        case .catalog: .readCatalog
        case .submit: .submit
        case .reviews: .readReviews
        case .calendar: .readLifecycle
        case .school: .placeOrders
        case .invoices: .readInvoices
        }
    }

    var titleKey: String { "nav.\(rawValue)" }
}

enum PortalLayout {
    /// Colours chosen for at least 4.5:1 contrast: #1a1a1a on #ffffff (17:1), #ffffff on #00507a (8.6:1),
    /// links #00507a on white (8.6:1), flags #7a1f00 on #fff3d6 (8.9:1).
    static let style = """
        :root{font-family:system-ui,sans-serif;color:#1a1a1a;background:#fff;line-height:1.5}
        body{margin:0}
        a{color:#00507a}
        .skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5em}
        .skip:focus{left:0}
        :focus-visible{outline:3px solid #b35c00;outline-offset:2px}
        header{background:#00507a;color:#fff;padding:.5em 1em}
        header a,header button{color:#fff}
        header nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:1em;padding:0;margin:.5em 0}
        header form{display:inline}
        header button{background:transparent;border:1px solid #fff;padding:.2em .6em;cursor:pointer;font:inherit}
        main{padding:1em;max-width:72em}
        table{border-collapse:collapse;margin:.5em 0}
        th,td{border:1px solid #6b6b6b;padding:.3em .6em;text-align:left;vertical-align:top}
        label{display:block;font-weight:600}
        input,select,textarea{font:inherit;padding:.2em;border:1px solid #4d4d4d}
        button{font:inherit;padding:.3em .9em;background:#00507a;color:#fff;border:0;cursor:pointer}
        .flag,mark{background:#fff3d6;color:#7a1f00}
        .error{border-left:4px solid #a10000;padding-left:.6em;color:#a10000}
        .ok{border-left:4px solid #1d6b2a;padding-left:.6em;color:#1d6b2a}
        fieldset{border:1px solid #6b6b6b;margin:.5em 0}
        """

    /// A whole page: lang attribute, skip link, the nav of pages this user may open, one h1.
    static func page(_ request: PortalRequest, title: String, body: HTML) -> HTML {
        let s = request.strings
        var nav: HTML = .empty
        if let user = request.user {
            let links = PortalPage.allCases.filter { $0.permission.roles.contains(user.role) }.map { page -> HTML in
                let current: HTML = request.path.hasPrefix(page.path) ? HTML(raw: " aria-current=\"page\"") : .empty
                return HTML("<li><a href=\"\(page.path)\"\(current)>\(s[page.titleKey])</a></li>")
            }.joined()
            nav = """
                <nav aria-label="\(s["nav"])"><ul>\(links)</ul></nav>
                <p>\(s["signedInAs"]) <strong>\(user.name)</strong> (\(user.role.rawValue))</p>
                <form method="post" action="/logout">\(request.csrfField)<button type="submit">\(s["signOut"])</button></form>
                """
        }
        let other: PortalLanguage = request.language == .en ? .sv : .en
        let switchHref = request.isGet ? request.path + "?" + Self.query(request.query, setting: "lang", to: other.rawValue)
                                       : "/portal/catalog?lang=\(other.rawValue)"
        let html: HTML = """
            <!doctype html>
            <html lang="\(request.language.rawValue)">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title) – \(s["app"])</title><style>\(HTML(raw: style))</style></head>
            <body>
            <a class="skip" href="#main">\(s["skip"])</a>
            <header>
            <p><strong>\(s["app"])</strong> · <a href="\(switchHref)" hreflang="\(other.rawValue)" lang="\(other.rawValue)">\(s["switchTo"])</a></p>
            \(nav)
            </header>
            <main id="main" tabindex="-1">
            <h1>\(title)</h1>
            \(body)
            </main>
            </body>
            </html>
            """
        return html
    }

    /// The query string with one parameter replaced.
    static func query(_ query: String, setting key: String, to value: String) -> String {
        var items = URLComponents(string: "?" + query)?.queryItems ?? []
        items.removeAll { $0.name == key }
        items.append(URLQueryItem(name: key, value: value))
        var components = URLComponents()
        components.queryItems = items
        return components.percentEncodedQuery ?? ""
    }
}
