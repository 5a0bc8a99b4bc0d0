import CatalogService
import Classification
import DepotModel
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// One upgrade wave as the calendar and the program page show it.
struct WaveRow: Sendable {
    var program: String
    var version: String
    var ring: String
    var window: String?
    var start: String?
    var end: String?
    var flags: [String]
}

/// The release calendar, the school page and the invoices.
extension PortalController {
    func addCalendarRoutes(to router: Router<DepotRequestContext>) {
        router.get("portal/calendar") { request, _ in
            await page(request, needs: .readLifecycle) { portal in try await calendarPage(portal) }
        }
        // The same calendar as /api/v1/schedule.ics, for a signed-in browser (which has a cookie, not a bearer token).
        router.get("portal/calendar.ics") { request, _ in
            await page(request, needs: .readLifecycle) { portal in
                let calendar = try await service.scheduleCalendar(by: portal.user!)
                var headers = HTTPFields()
                headers[.contentType] = "text/calendar; charset=utf-8"
                headers[.contentDisposition] = "attachment; filename=\"depot-schedule.ics\""
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: calendar)))
            }
        }
    }

    /// The private calendar feed: `/calendar/SECRET.ics`, a plain GET with no headers, as calendar apps subscribe
    /// (the secret in the URL is the user's own, read-only, and ends with `depot users calendar-reset NAME` or when
    /// the user is disabled).
    func addCalendarFeedRoute(to router: Router<DepotRequestContext>) {
        router.get("calendar/:feed") { _, context in
            let feed = context.parameters.get("feed") ?? ""
            let secret = feed.hasSuffix(".ics") ? String(feed.dropLast(4)) : feed
            guard let user = try await service.calendarFeedUser(secret: secret) else {
                throw APIError(status: .notFound, code: "calendar.feed",
                    "this calendar address is not known or was reset; copy the current one from the portal's calendar page")
            }
            let calendar = try await service.scheduleCalendar(by: user)
            var headers = HTTPFields()
            headers[.contentType] = "text/calendar; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: calendar)))
        }
    }

    func addSchoolRoutes(to router: Router<DepotRequestContext>) {
        router.get("portal/school") { request, _ in
            await page(request, needs: .placeOrders) { portal in try await schoolPage(request, portal) }
        }
    }

    func addInvoiceRoutes(to router: Router<DepotRequestContext>) {
        router.get("portal/invoices") { request, _ in
            await page(request, needs: .readInvoices) { portal in try await invoicePage(request, portal) }
        }
        router.get("portal/invoices/download") { request, _ in
            await page(request, needs: .readInvoices) { portal in try await invoiceDownload(request, portal) }
        }
    }

    static func waveTable(_ waves: [WaveRow], _ s: PortalStrings) -> HTML {
        """
        <table><thead><tr><th scope="col">\(s["col.program"])</th><th scope="col">\(s["col.version"])</th><th scope="col">\(s["calendar.ring"])</th>
        <th scope="col">\(s["calendar.window"])</th><th scope="col">\(s["calendar.start"])</th><th scope="col">\(s["calendar.end"])</th><th scope="col">\(s["calendar.flags"])</th></tr></thead>
        <tbody>\(waves.map { w in HTML("""
            <tr><td>\(w.program)</td><td>\(w.version)</td><td>\(w.ring)</td><td>\(w.window ?? s["calendar.unplaced"])</td>
            <td>\(w.start ?? "–")</td><td>\(w.end ?? "–")</td><td>\(w.flags.map { HTML("<span class=\"flag\">\($0)</span><br>") })</td></tr>
            """) })</tbody></table>
        """
    }

    func calendarPage(_ portal: PortalRequest) async throws -> Response {
        let s = portal.strings
        let user = portal.user!
        let plan = try await service.schedulePlan(by: user)
        let feed = try await service.calendarFeedSecret(for: user)
        let rows = plan.waves.map {
            WaveRow(program: $0.program, version: $0.version, ring: $0.ring, window: $0.window, start: $0.localStart,
                    end: $0.localEnd, flags: $0.flags.map(\.message))
        }
        let months = Dictionary(grouping: rows) { $0.start.map { String($0.prefix(7)) } ?? "–" }
        let waves: HTML = rows.isEmpty ? HTML("<p>\(s["calendar.none"])</p>") : months.keys.sorted().map { month in
            HTML("<h3>\(month)</h3>\(Self.waveTable(months[month]!, s))")
        }.joined()
        let report = try await service.currencyReport(by: user)
        var windows: HTML = .empty
        if let policy = service.policies?.maintenanceWindows {
            let weekly = policy.environments.flatMap { environment in
                environment.windows.map { window in
                    HTML("<tr><td>\(environment.id)</td><td>\(window.name)</td><td>\(window.days.map(\.rawValue).joined(separator: ", "))</td><td>\(window.start.description)–\(window.end.description)</td></tr>")
                }
            }
            var blackouts = policy.cityWideBlackouts.map { (scope: "*", name: $0.name, from: $0.from.description, through: $0.through.description) }
            for environment in policy.environments {
                blackouts += environment.blackouts.map { (scope: environment.id, name: $0.name, from: $0.from.description, through: $0.through.description) }
            }
            let byMonth = Dictionary(grouping: blackouts) { String($0.from.prefix(7)) }
            windows = """
                <h2>\(s["calendar.windows"])</h2>
                <table><thead><tr><th scope="col">\(s["order.environment"])</th><th scope="col">\(s["calendar.window"])</th><th scope="col">\(s["calendar.days"])</th><th scope="col">\(s["calendar.time"])</th></tr></thead>
                <tbody>\(weekly)</tbody></table>
                <h2>\(s["calendar.blackouts"])</h2>
                \(byMonth.keys.sorted().map { month in HTML("""
                    <h3>\(month)</h3><ul>\(byMonth[month]!.sorted { $0.from < $1.from }.map { b in
                        HTML("<li>\(b.from)–\(b.through): \(b.name) (\(b.scope == "*" ? s["calendar.citywide"] : b.scope))</li>") })</ul>
                    """) })
                """
        }
        return html(portal, title: s["calendar.title"], """
            <p><a href="/calendar/\(feed).ics">\(s["calendar.subscribe"])</a> (\(plan.timeZone)) – \(s["calendar.subscribeHint"])
            · <a href="/portal/calendar.ics" download>\(s["calendar.download"])</a></p>
            <h2>\(s["calendar.waves"])</h2>
            \(waves)
            \(windows)
            <h2>\(s["currency.title"]) \(report.at.description)</h2>
            <table><thead><tr><th scope="col">\(s["col.program"])</th><th scope="col">\(s["currency.status"])</th><th scope="col">\(s["currency.reason"])</th></tr></thead>
            <tbody>\(report.programs.map { p in HTML("""
                <tr><td><a href="/portal/programs/\(p.program)">\(p.name)</a></td><td>\(p.status.rawValue == "violation" ? HTML("<strong class=\"flag\">\(p.status.rawValue)</strong>") : HTML("\(p.status.rawValue)"))</td><td>\(p.reason)</td></tr>
                """) })</tbody></table>
            """)
    }

    /// A school's page: only what its whitelist (tier + allow − block) offers, and an order form for a class.
    /// A school admin sees their own school; other users choose one with `?school=`.
    func schoolPage(_ request: Request, _ portal: PortalRequest) async throws -> Response {
        let s = portal.strings
        let user = portal.user!
        let schools = try await service.schools(by: user)
        let chosen = user.role == .schoolAdmin ? user.school : request.uri.queryParameters["school"].map(String.init) ?? schools.first?.id
        guard let chosen, let school = schools.first(where: { $0.id == chosen }) else {
            if let chosen { throw PortalError(.notFound, code: "edu.school.unknown", "there is no school '\(chosen)'") }
            return html(portal, title: s["school.title"], "<p>\(s["school.none"])</p>")
        }
        let whitelist = try await service.eduWhitelist(school: school.id, by: user)
        var seen = Set<String>()
        let eduPrograms = whitelist.apps.reversed().filter { seen.insert($0.program).inserted }.sorted { $0.name < $1.name }
        let chooser: HTML = user.role == .schoolAdmin || schools.count < 2 ? .empty : """
            <form method="get" action="/portal/school"><p><label for="school">\(s["school.choose"])</label>
            <select id="school" name="school">\(HTML.options(schools.map { (value: $0.id, label: $0.name) }, selected: school.id))</select>
            <button type="submit">\(s["school.show"])</button></p></form>
            """
        let programList: HTML = eduPrograms.isEmpty ? HTML("<p>\(s["school.empty"])</p>") : """
            <ul>\(eduPrograms.map { e in HTML("""
                <li><a href="/portal/programs/\(e.program)">\(e.name)</a> \(e.version) · \(e.licence)\(e.channel == .fast ? " · \(s["school.fast"])" : "")</li>
                """) })</ul>
            """
        let orders = try await service.orders(by: user).filter { $0.environment == "edu" }
        let programOptions = eduPrograms.map { (value: $0.program, label: "\($0.name) \($0.version)") }
        let orderForm: HTML = eduPrograms.isEmpty ? .empty : """
            <h2>\(s["school.order"])</h2>
            <form method="post" action="/portal/orders/quote">
            \(portal.csrfField)
            <input type="hidden" name="target" value="group"><input type="hidden" name="groupKind" value="users">
            <input type="hidden" name="environment" value="edu"><input type="hidden" name="from" value="school">
            <input type="hidden" name="school" value="\(school.id)">
            <p><label for="program">\(s["col.program"])</label><select id="program" name="program" required>\(HTML.options(programOptions, selected: nil))</select></p>
            \(HTML.field("groupName", label: s["school.class"], required: true))
            \(HTML.field("groupSize", label: s["school.size"], required: true, type: "number"))
            \(HTML.field("costReference", label: s["order.costref"], value: school.costReference, required: true))
            <p><button type="submit">\(s["order.quote"])</button></p>
            </form>
            """
        let ordersHTML: HTML = orders.isEmpty ? HTML("<p>\(s["school.noorders"])</p>") : """
            <table><thead><tr><th scope="col">\(s["col.id"])</th><th scope="col">\(s["col.placed"])</th><th scope="col">\(s["col.program"])</th>
            <th scope="col">\(s["col.recipients"])</th><th scope="col">\(s["col.costref"])</th><th scope="col">\(s["col.amount"])</th></tr></thead>
            <tbody>\(orders.map { o in HTML("""
                <tr><td>\(o.id)</td><td>\(Timestamp.day(o.order.placedAt))</td><td>\(o.order.items.map { "\($0.program) \($0.version)" }.joined(separator: ", "))</td>
                <td>\(o.order.items.first?.recipients.summary ?? "")</td><td>\(o.order.costReference.description)</td><td>\(Self.money(o.amount))</td></tr>
                """) })</tbody></table>
            """
        return html(portal, title: "\(s["school.title"]) \(school.name)", """
            \(chooser)
            <p>\(s["school.tier"]): <strong>\(school.tier)</strong> · \(school.selfInstall ? s["school.selfinstall"] : s["school.central"])</p>
            <h2>\(s["school.programs"])</h2>
            \(programList)
            \(orderForm)
            <h2>\(s["school.orders"])</h2>
            \(ordersHTML)
            """)
    }

    static var currentPeriod: String { String(Timestamp.day(Date()).prefix(7)) }

    static let invoiceParties = InvoiceParties(
        supplier: InvoiceParty(name: "Depot packaging service", organisationNumber: "202100-5489"),
        customer: InvoiceParty(name: "Stockholms stad", organisationNumber: "212000-0142"))

    func invoicePage(_ request: Request, _ portal: PortalRequest) async throws -> Response {
        let s = portal.strings
        let query = request.uri.queryParameters
        let period = query["period"].map(String.init).flatMap { $0.isEmpty ? nil : $0 } ?? Self.currentPeriod
        let costReference = query["costReference"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let files = try await service.invoices(period: period, format: "json", parties: Self.invoiceParties, by: portal.user!)
        let document = (files.files.first.flatMap { try? JSONSerialization.jsonObject(with: $0.data) } as? [String: Any]) ?? [:]
        func text(_ value: Any?) -> String { value.map { "\($0)" } ?? "" }
        let lines = ((document["lines"] as? [[String: Any]]) ?? []).filter { costReference == nil || text($0["costReference"]) == costReference }
        let totals = ((document["totals"] as? [[String: Any]]) ?? []).filter { costReference == nil || text($0["costReference"]) == costReference }
        let table: HTML = lines.isEmpty ? HTML("<p>\(s["invoices.none"])</p>") : """
            <table><caption>\(s["invoices.lines"]) \(period)</caption>
            <thead><tr><th scope="col">\(s["col.costref"])</th><th scope="col">\(s["col.id"])</th><th scope="col">\(s["col.program"])</th>
            <th scope="col">\(s["col.version"])</th><th scope="col">\(s["col.recipients"])</th><th scope="col">\(s["col.amount"])</th></tr></thead>
            <tbody>\(lines.map { l in HTML("""
                <tr><td>\(text(l["costReference"]))</td><td>\(text(l["orderId"]))</td><td>\(text(l["program"]))</td><td>\(text(l["version"]))</td>
                <td>\(text(l["item"]))</td><td>\(text(l["amount"]))</td></tr>
                """) })</tbody>
            <tfoot>\(totals.map { t in HTML("""
                <tr><th scope="row" colspan="5">\(s["invoices.total"]) \(text(t["costReference"]))</th><td>\(text(t["net"]))</td></tr>
                """) })</tfoot></table>
            """
        let encodedPeriod = period.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(["-"])) ?? ""
        return html(portal, title: s["invoices.title"], """
            <form method="get" action="/portal/invoices">
            \(HTML.field("period", label: s["invoices.period"], value: period, required: true))
            \(HTML.field("costReference", label: s["invoices.costref"], value: costReference))
            <p><button type="submit">\(s["invoices.show"])</button></p>
            </form>
            <h2>\(s["invoices.lines"])</h2>
            \(table)
            <h2>\(s["invoices.download"])</h2>
            <ul>
            <li><a href="/portal/invoices/download?period=\(encodedPeriod)&amp;format=csv" download>\(s["invoices.download"]) CSV (\(period))</a></li>
            <li><a href="/portal/invoices/download?period=\(encodedPeriod)&amp;format=json" download>\(s["invoices.download"]) JSON (\(period))</a></li>
            </ul>
            """)
    }

    func invoiceDownload(_ request: Request, _ portal: PortalRequest) async throws -> Response {
        let query = request.uri.queryParameters
        let period = query["period"].map(String.init) ?? Self.currentPeriod
        let format = query["format"].map(String.init) ?? "csv"
        guard format == "csv" || format == "json" else {
            throw PortalError(.invalidInput, code: "invoice.format", "download the invoice as csv or json, not '\(format)'")
        }
        let files = try await service.invoices(period: period, format: format, parties: Self.invoiceParties, by: portal.user!)
        guard let file = files.files.first else {
            throw PortalError(.notFound, code: "invoice.none", "there is no invoice for \(period)")
        }
        var headers = HTTPFields()
        headers[.contentType] = format == "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"\(file.name)\""
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: file.data)))
    }
}
