import CatalogService
import Classification
import DepotModel
import Foundation
import Hummingbird

/// The catalog, the program page, version comparison, and ordering with the price shown before the order is placed.
extension PortalController {
    func addCatalogRoutes(to router: Router<DepotRequestContext>) {
        router.get("portal/catalog") { request, _ in
            await page(request, needs: .readCatalog) { portal in try await catalogPage(request, portal) }
        }
        router.get("portal/programs/:program") { request, context in
            let program = context.parameters.get("program") ?? ""
            return await page(request, needs: .readCatalog) { portal in try await programPage(request, program, portal) }
        }
        router.post("portal/packaging-requests") { request, _ in
            await page(request, needs: .requestPackaging) { portal in
                let form = try await form(request)
                try requireCSRF(form["csrf"], portal)
                let program = form.text("program") ?? ""
                let view = try await service.requestPackaging(program: program, version: form.text("version"), note: form.text("note"),
                                                              by: portal.user!)
                let s = portal.strings
                return html(portal, status: .created, title: s["packaging.done"], """
                    <p class="ok" role="status">\(s["packaging.done"]): \(view.name) \(view.version ?? "")</p>
                    <p><a href="/portal/programs/\(view.program)">\(s["back"])</a></p>
                    """)
            }
        }
        router.post("portal/orders/quote") { request, _ in
            await page(request, needs: .placeOrders) { portal in
                let form = try await form(request)
                try requireCSRF(form["csrf"], portal)
                return try await quotePage(form, portal)
            }
        }
        router.post("portal/orders") { request, _ in
            await page(request, needs: .placeOrders) { portal in
                let form = try await form(request)
                try requireCSRF(form["csrf"], portal)
                let view = try await service.placeOrder(try Self.orderRequest(form, user: portal.user!), by: portal.user!)
                let s = portal.strings
                return html(portal, status: .created, title: s["order.placed"], """
                    <p class="ok" role="status">\(s["order.placed"]): <strong>\(view.id)</strong></p>
                    \(Self.orderTable(view, s))
                    <p><a href="\(form["from"] == "school" ? "/portal/school\(form["school"].map { "?school=\($0)" } ?? "")" : "/portal/catalog")">\(s["back"])</a></p>
                    """)
            }
        }
    }

    func catalogPage(_ request: Request, _ portal: PortalRequest) async throws -> Response {
        let s = portal.strings
        let query = request.uri.queryParameters
        func param(_ name: String) -> String? {
            guard let value = query[Substring(name)].map(String.init)?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return value
        }
        let all = try await service.catalog(by: portal.user!)
        let search = param("q")?.lowercased()
        let category = param("category"), platform = param("platform"), licence = param("licence")
        let baselineOnly = param("baseline") != nil
        // One row per program: its newest published version, else its newest version.
        var newest: [String: CatalogEntry] = [:]
        var order: [String] = []
        for entry in all {
            if newest[entry.program] == nil { order.append(entry.program) }
            if let current = newest[entry.program], current.state == .published, entry.state != .published { continue }
            newest[entry.program] = entry
        }
        let rows = order.compactMap { newest[$0] }.filter { entry in
            if let search, ![entry.program, entry.name, entry.publisher].contains(where: { $0.lowercased().contains(search) }) { return false }
            if let category, entry.category != category { return false }
            if let platform, !entry.platforms.contains(platform) { return false }
            if let licence, entry.licence != licence { return false }
            if baselineOnly && !entry.baseline { return false }
            return true
        }
        func choices(_ values: [String]) -> [(value: String, label: String)] {
            [(value: "", label: s["catalog.any"])] + Array(Set(values)).sorted().map { (value: $0, label: $0) }
        }
        let table: HTML = rows.isEmpty ? HTML("<p>\(s["catalog.none"])</p>") : """
            <table><caption>\(s["catalog.results"]) (\(rows.count))</caption>
            <thead><tr><th scope="col">\(s["col.program"])</th><th scope="col">\(s["col.version"])</th><th scope="col">\(s["col.state"])</th>
            <th scope="col">\(s["col.category"])</th><th scope="col">\(s["col.platforms"])</th><th scope="col">\(s["col.licence"])</th>
            <th scope="col">\(s["col.scope"])</th><th scope="col">\(s["col.baseline"])</th></tr></thead>
            <tbody>\(rows.map { e in HTML("""
                <tr><td><a href="/portal/programs/\(e.program)">\(e.name)</a><br><small>\(e.program) · \(e.publisher)</small></td>
                <td>\(e.version)</td><td>\(e.state.rawValue)<br><small>\(Self.evidence(e, s))</small></td><td>\(e.category)</td><td>\(e.platforms.joined(separator: ", "))</td>
                <td>\(e.licence ?? "–")</td><td>\(e.licenceScope ?? "–")</td><td>\(e.baseline ? s["yes"] : s["no"])</td></tr>
                """) })</tbody></table>
            """
        return html(portal, title: s["catalog.title"], """
            <h2>\(s["catalog.filter"])</h2>
            <form method="get" action="/portal/catalog">
            \(HTML.field("q", label: s["catalog.search"], value: param("q"), type: "search"))
            <p><label for="category">\(s["catalog.category"])</label><select id="category" name="category">\(HTML.options(choices(all.map(\.category)), selected: category ?? ""))</select></p>
            <p><label for="platform">\(s["catalog.platform"])</label><select id="platform" name="platform">\(HTML.options(choices(all.flatMap(\.platforms)), selected: platform ?? ""))</select></p>
            <p><label for="licence">\(s["catalog.licence"])</label><select id="licence" name="licence">\(HTML.options(choices(all.compactMap(\.licence)), selected: licence ?? ""))</select></p>
            <p><input type="checkbox" id="baseline" name="baseline" value="1"\(baselineOnly ? HTML(raw: " checked") : .empty)> <label for="baseline" style="display:inline">\(s["catalog.baseline"])</label></p>
            <p><button type="submit">\(s["catalog.apply"])</button></p>
            </form>
            <h2>\(s["catalog.results"])</h2>
            \(installPrice().map { HTML("<p>\(s["price.install"]): <strong>\(Self.money($0))</strong></p>") } ?? .empty)
            \(table)
            """)
    }

    func programPage(_ request: Request, _ program: String, _ portal: PortalRequest) async throws -> Response {
        let s = portal.strings
        let user = portal.user!
        let versions = try await service.catalog(program: program, by: user)
        guard let first = versions.last else {
            throw PortalError(.notFound, code: "program.unknown", "there is no program '\(program)' in the catalog")
        }
        let currency = try? await service.currencyReport(by: user).programs.first { $0.program == program }
        let plan = try? await service.schedulePlan(by: user)
        let waves = plan?.waves.filter { $0.program == program } ?? []
        let query = request.uri.queryParameters
        var comparison: HTML = .empty
        if let a = query["a"].map(String.init), let b = query["b"].map(String.init), !a.isEmpty, !b.isEmpty {
            let result = try await service.compareVersions(a, b, program: program)
            comparison = HTML("<p role=\"status\" class=\"ok\">\(result.a) \(result.order) \(result.b) (\(result.scheme))</p>")
        }
        let versionChoices = versions.map { (value: $0.version, label: $0.version) }
        let tested = (try? await service.versionTests(program: program, by: user)) ?? []
        let testsHTML: HTML = tested.isEmpty ? .empty : """
            <h2>\(s["program.tests"])</h2>
            <table><thead><tr><th scope="col">\(s["col.version"])</th><th scope="col">\(s["tests.kind"])</th><th scope="col">\(s["tests.result"])</th>
            <th scope="col">\(s["tests.detection"])</th><th scope="col"></th></tr></thead>
            <tbody>\(tested.map { t in HTML("""
                <tr><td>\(t.version)</td><td>\(t.kind ?? "–")</td><td>\(t.passed.map { $0 ? s["tests.passed"] : s["tests.failed"] } ?? "–")</td>
                <td>\(t.detection ?? "–")</td>
                <td>\(portal.may(.readSubmissions) ? HTML("<a href=\"/portal/submissions/\(t.submission)/tests\">\(s["tests.open"]) \(t.version)</a>") : .empty)</td></tr>
                """) })</tbody></table>
            """
        let currencyHTML: HTML = currency.map { c in
            HTML("<p><strong>\(c.status.rawValue)</strong> – \(c.reason)</p>")
        } ?? HTML("<p>\(s["program.nocurrency"])</p>")
        let scheduleHTML: HTML = waves.isEmpty ? HTML("<p>\(s["program.noschedule"])</p>") : Self.waveTable(waves.map { WaveRow(program: $0.program, version: $0.version, ring: $0.ring, window: $0.window, start: $0.localStart, end: $0.localEnd, flags: $0.flags.map(\.message)) }, s)
        var packagingForm: HTML = .empty
        if let catalogued = versions.last(where: { $0.state == .catalogued }) {
            packagingForm = HTML("<p>\(s["catalogued.note"])</p>")
            if portal.may(.requestPackaging) {
                let choices = versions.filter { $0.state == .catalogued }.reversed().map { (value: $0.version, label: $0.version) }
                packagingForm = """
                    \(packagingForm)
                    <form method="post" action="/portal/packaging-requests">
                    \(portal.csrfField)<input type="hidden" name="program" value="\(program)">
                    <p><label for="packaging-version">\(s["col.version"])</label><select id="packaging-version" name="version">\(HTML.options(Array(choices), selected: catalogued.version))</select></p>
                    \(HTML.field("note", label: s["packaging.note"]))
                    <p><button type="submit">\(s["packaging.request"])</button></p>
                    </form>
                    """
            }
        }
        var orderForm: HTML = .empty
        if portal.may(.placeOrders), versions.contains(where: \.orderable) {
            let profiles = try await service.profiles(by: user)
            let environments: [(value: String, label: String)] = user.role == .schoolAdmin ? [("edu", "edu")] : [("admin", "admin"), ("edu", "edu")]
            orderForm = """
                <h2>\(s["order.title"])</h2>
                \(installPrice().map { HTML("<p>\(s["price.install"]): <strong>\(Self.money($0))</strong> · \(s["col.scope"]): <strong>\(versions.last?.licenceScope ?? "–")</strong></p>") } ?? .empty)
                <form method="post" action="/portal/orders/quote">
                \(portal.csrfField)<input type="hidden" name="program" value="\(program)">
                <fieldset><legend>\(s["order.for"])</legend>
                <p><input type="radio" id="target-users" name="target" value="users" checked> <label for="target-users" style="display:inline">\(s["order.target.users"])</label></p>
                <p><input type="radio" id="target-group" name="target" value="group"> <label for="target-group" style="display:inline">\(s["order.target.group"])</label></p>
                <p><input type="radio" id="target-profile" name="target" value="profile"> <label for="target-profile" style="display:inline">\(s["order.target.profile"])</label></p>
                </fieldset>
                \(HTML.field("users", label: s["order.users"]))
                \(HTML.field("groupName", label: s["order.group"]))
                <p><label for="groupKind">\(s["order.groupKind"])</label><select id="groupKind" name="groupKind">\(HTML.options([(value: "users", label: s["order.kind.users"]), (value: "devices", label: s["order.kind.devices"])], selected: "users"))</select></p>
                \(HTML.field("groupSize", label: s["order.groupSize"], type: "number"))
                <p><label for="profile">\(s["order.profile"])</label><select id="profile" name="profile">\(HTML.options([(value: "", label: "–")] + profiles.map { (value: $0.profile, label: $0.name) }, selected: ""))</select></p>
                <p><label for="environment">\(s["order.environment"])</label><select id="environment" name="environment">\(HTML.options(environments, selected: environments.first?.value))</select></p>
                \(HTML.field("costReference", label: s["order.costref"], required: true))
                <p><button type="submit">\(s["order.quote"])</button></p>
                </form>
                """
        }
        return html(portal, title: first.name, """
            <p>\(first.publisher) · \(first.category) · \(first.baseline ? s["col.baseline"] : "")</p>
            <h2>\(s["program.versions"])</h2>
            <table><thead><tr><th scope="col">\(s["col.version"])</th><th scope="col">\(s["col.state"])</th><th scope="col">\(s["col.released"])</th>
            <th scope="col">\(s["col.licence"])</th><th scope="col">\(s["col.scope"])</th><th scope="col">\(s["col.platforms"])</th><th scope="col">\(s["col.evidence"])</th></tr></thead>
            <tbody>\(versions.reversed().map { v in HTML("""
                <tr><td>\(v.version)\(v.variant.isEmpty ? "" : " (\(v.variant))")</td><td>\(v.state.rawValue)</td><td>\(v.released ?? "–")</td>
                <td>\(v.licence ?? "–")</td><td>\(v.licenceScope ?? "–")</td><td>\(v.platforms.joined(separator: ", "))</td>
                <td>\(Self.evidence(v, s))</td></tr>
                """) })</tbody></table>
            \(packagingForm)
            \(testsHTML)
            <h2>\(s["compare"])</h2>
            <form method="get" action="/portal/programs/\(program)">
            <p><label for="a">\(s["compare.a"])</label><select id="a" name="a">\(HTML.options(versionChoices, selected: query["a"].map(String.init)))</select></p>
            <p><label for="b">\(s["compare.b"])</label><select id="b" name="b">\(HTML.options(versionChoices, selected: query["b"].map(String.init)))</select></p>
            <p><button type="submit">\(s["compare.submit"])</button></p>
            </form>
            \(comparison)
            <h2>\(s["program.currency"])</h2>
            \(currencyHTML)
            <h2>\(s["program.schedule"])</h2>
            \(scheduleHTML)
            \(orderForm)
            """)
    }

    /// What the records prove about a version: a verified signature, a passing test, orderable. Never read from the state name.
    static func evidence(_ v: CatalogEntry, _ s: PortalStrings) -> String {
        guard v.state != .catalogued else { return "–" }
        var words = [v.signed ? s["signed"] : s["unsigned"], v.tested ? s["tested"] : s["untested"]]
        if v.orderable { words.append(s["orderable"]) }
        return words.joined(separator: " · ")
    }

    /// The order as the form describes it; school admins always order for edu.
    static func orderRequest(_ form: PortalForm, user: DepotUser) throws -> OrderRequest {
        let environment = user.role == .schoolAdmin ? "edu" : (form.text("environment") ?? "admin")
        var request = OrderRequest(costReference: form.text("costReference") ?? "", environment: environment, school: form.text("school"))
        switch form.text("target") ?? "users" {
        case "profile":
            guard let profile = form.text("profile") else {
                throw PortalError(.invalidInput, code: "order.profile", "choose a profile to order for")
            }
            request.profiles = [profile]
        case "group":
            guard let name = form.text("groupName"), let size = form.text("groupSize").flatMap({ Int($0) }), (1...100_000).contains(size) else {
                throw PortalError(.invalidInput, code: "order.group", "name the group and give its size as a whole number from 1 to 100000")
            }
            let kind = RecipientGroup.Kind(rawValue: form.text("groupKind") ?? "users") ?? .users
            request.group = RecipientGroup(name: name, kind: kind, size: size)
            if let program = form.text("program") { request.programs = [program] }
        default:
            let users = form.list("users")
            guard !users.isEmpty else {
                throw PortalError(.invalidInput, code: "order.users", "name at least one user, separated by commas")
            }
            request.users = users
            if let program = form.text("program") { request.programs = [program] }
        }
        return request
    }

    func quotePage(_ form: PortalForm, _ portal: PortalRequest) async throws -> Response {
        let s = portal.strings
        let user = portal.user!
        let view = try await service.quoteOrder(try Self.orderRequest(form, user: user), by: user)
        let carried = ["program", "target", "users", "groupName", "groupKind", "groupSize", "profile", "environment", "costReference", "from", "school"]
        let hidden = carried.compactMap { key in form[key].map { HTML("<input type=\"hidden\" name=\"\(key)\" value=\"\($0)\">") } }.joined()
        return html(portal, title: s["order.quoteTitle"], """
            \(Self.orderTable(view, s))
            <form method="post" action="/portal/orders">
            \(portal.csrfField)\(hidden)
            <p><button type="submit">\(s["order.place"])</button></p>
            </form>
            """)
    }

    static func orderTable(_ view: OrderView, _ s: PortalStrings) -> HTML {
        """
        <table><thead><tr><th scope="col">\(s["col.program"])</th><th scope="col">\(s["col.version"])</th><th scope="col">\(s["col.recipients"])</th>
        <th scope="col">\(s["col.amount"])</th></tr></thead>
        <tbody>\(view.order.items.map { item in HTML("""
            <tr><td>\(item.program)</td><td>\(item.version)</td><td>\(item.recipients.summary)</td><td>\(Self.money(item.amount))</td></tr>
            """) })</tbody>
        <tfoot><tr><th scope="row" colspan="3">\(s["invoices.total"]) (\(s["col.costref"]) \(view.order.costReference.description), \(view.environment))</th>
        <td><strong>\(Self.money(view.amount))</strong></td></tr></tfoot></table>
        """
    }

    /// The install price in force today, from the pricing policy, as the catalog shows it before ordering.
    func installPrice() -> Decimal? {
        let today = Timestamp.day(Date())
        return service.policies?.pricing.priceLists
            .filter { $0.effectiveFrom.description <= today }
            .max { $0.effectiveFrom.description < $1.effectiveFrom.description }?.installPerDeviceOrUser
    }

    static func money(_ amount: Decimal) -> String {
        let number = NSDecimalNumber(decimal: amount)
        return String(format: "%.2f SEK", number.doubleValue)
    }
}
