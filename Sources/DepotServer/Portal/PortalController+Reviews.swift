import CatalogService
import DepotModel
import Foundation
import Hummingbird

/// The licence review queue: what Depot detected, the text it matched, the clauses it flagged, and the decision.
extension PortalController {
    func addReviewRoutes(to router: Router<DepotRequestContext>) {
        router.get("portal/reviews") { request, _ in
            await page(request, needs: .readReviews) { portal in try await reviewQueue(portal) }
        }
        router.get("portal/reviews/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await page(request, needs: .readReviews) { portal in
                try await reviewPage(try Self.id(id), portal, notice: nil)
            }
        }
        router.post("portal/reviews/:id/decision") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await page(request, needs: .decideLicences) { portal in
                let form = try await form(request)
                try requireCSRF(form["csrf"], portal)
                let reviewID = try Self.id(id)
                let approve = form["decision"] == "approve"
                guard approve || form["decision"] == "reject" else {
                    throw PortalError(.invalidInput, code: "review.decision", "choose approve or reject")
                }
                let scope = try form.text("scope").map { try LicenceScope(userInput: $0) }
                let decision = LicenceDecision(approve: approve, scope: scope, conditions: form.list("conditions"),
                                               reason: form["reason"] ?? "", licence: form.text("licence"))
                let view = try await service.decideLicence(review: reviewID, decision, by: portal.user!)
                return try await reviewPage(view.id, portal, notice: "\(portal.strings["review.decided"]): \(view.decision ?? "") \(view.scope ?? "")")
            }
        }
    }

    static func id(_ text: String) throws -> Int64 {
        guard let id = Int64(text) else {
            throw PortalError(.invalidInput, code: "id.invalid", "'\(text)' is not an id; ids are whole numbers")
        }
        return id
    }

    func reviewQueue(_ portal: PortalRequest) async throws -> Response {
        let s = portal.strings
        let reviews = try await service.licenceReviews(pending: true, by: portal.user!)
        let body: HTML = reviews.isEmpty ? HTML("<p>\(s["reviews.none"])</p>") : """
            <table><thead><tr><th scope="col">\(s["col.submission"])</th><th scope="col">\(s["col.program"])</th><th scope="col">\(s["col.version"])</th>
            <th scope="col">\(s["review.declared"])</th><th scope="col">\(s["review.detected"])</th><th scope="col">\(s["review.clauses"])</th><th scope="col"></th></tr></thead>
            <tbody>\(reviews.map { r in HTML("""
                <tr><td>\(r.id)</td><td>\(r.program)</td><td>\(r.version)</td><td>\(r.declared ?? "–")</td><td>\(r.expression ?? "–")</td>
                <td>\(r.clauses.count)</td><td><a href="/portal/reviews/\(r.id)">\(s["reviews.open"]) \(r.program) \(r.version)</a></td></tr>
                """) })</tbody></table>
            """
        return html(portal, title: s["reviews.title"], body)
    }

    /// Each licence text in full; lines the detector matched are marked with the licence, flagged clauses too.
    func licenceTextsHTML(_ id: Int64, _ portal: PortalRequest) async throws -> HTML {
        let texts = try await service.licenceTexts(review: id, by: portal.user!)
        guard !texts.isEmpty else { return HTML("<p>\(portal.strings["review.notexts"])</p>") }
        return texts.map { text in
            let lines = text.text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { offset, line -> HTML in
                let number = offset + 1
                let hits = text.matches.filter { $0.startLine <= number && number <= $0.endLine }.map(\.id)
                    + text.clauses.filter { $0.line == number }.map { "clause: " + $0.kind.rawValue }
                return hits.isEmpty
                    ? HTML("\(String(line))\n")
                    : HTML("<mark title=\"\(hits.joined(separator: ", "))\">\(String(line))</mark>\n")
            }.joined()
            return HTML("""
                <h3><code>\(text.path)</code></h3>
                <p><small>\(text.matches.map { "\($0.id): \($0.startLine)–\($0.endLine)" }.joined(separator: " · "))</small></p>
                <pre class="licence-text">\(lines)</pre>
                """)
        }.joined()
    }

    func reviewPage(_ id: Int64, _ portal: PortalRequest, notice: String?) async throws -> Response {
        let s = portal.strings
        let r = try await service.licenceReview(id: id, by: portal.user!)
        let noticeHTML: HTML = notice.map { HTML("<p class=\"ok\" role=\"status\">\($0)</p>") } ?? .empty
        let matches: HTML = r.matches.isEmpty ? HTML("<p>–</p>") : """
            <table><thead><tr><th scope="col">\(s["col.licence"])</th><th scope="col">File</th><th scope="col">Lines</th><th scope="col">Coverage</th></tr></thead>
            <tbody>\(r.matches.map { m in HTML("""
                <tr><td>\(m.id)</td><td><code>\(m.file)</code></td><td>\(m.startLine)–\(m.endLine)</td><td>\(Int((m.coverage * 100).rounded())) %</td></tr>
                """) })</tbody></table>
            """
        let clauses: HTML = r.clauses.isEmpty ? HTML("<p>\(s["review.noclauses"])</p>") : """
            <ul>\(r.clauses.map { c in HTML("""
                <li><strong class="flag">\(c.kind.rawValue)</strong> <code>\(c.file):\(c.line)</code><br><mark>\(c.text)</mark></li>
                """) })</ul>
            """
        var decide: HTML = .empty
        if let decision = r.decision {
            decide = HTML("<h2>\(s["review.decided"])</h2><p>\(decision) · \(r.scope ?? "–") · \(r.reason ?? "") (\(r.decidedBy ?? ""))</p>")
        } else if portal.may(.decideLicences) {
            let scopes: [(value: String, label: String)] = [(value: "", label: "–")] + LicenceScope.allCases.map { (value: $0.rawValue, label: $0.rawValue) }
            decide = """
                <h2>\(s["review.decide"])</h2>
                <form method="post" action="/portal/reviews/\(r.id)/decision">
                \(portal.csrfField)
                <fieldset><legend>\(s["review.decision"])</legend>
                <p><input type="radio" id="decision-approve" name="decision" value="approve" required> <label for="decision-approve" style="display:inline">\(s["review.approve"])</label></p>
                <p><input type="radio" id="decision-reject" name="decision" value="reject"> <label for="decision-reject" style="display:inline">\(s["review.reject"])</label></p>
                </fieldset>
                <p><label for="scope">\(s["review.scope"])</label><select id="scope" name="scope">\(HTML.options(scopes, selected: ""))</select></p>
                \(HTML.field("licence", label: s["review.concluded"], hint: s["review.concludedHint"]))
                <p><label for="reason">\(s["review.reason"])</label><textarea id="reason" name="reason" rows="3" cols="60" required></textarea></p>
                <p><button type="submit">\(s["review.decide"])</button></p>
                </form>
                """
        }
        return html(portal, title: "\(s["review.title"]) – \(s["col.submission"]) \(r.id): \(r.program) \(r.version)", """
            \(noticeHTML)
            <h2>\(s["review.detected"])</h2>
            <table><tbody>
            <tr><th scope="row">\(s["review.declared"])</th><td>\(r.declared ?? "–")</td></tr>
            <tr><th scope="row">\(s["review.reading"])</th><td>\(r.reading ?? "–")</td></tr>
            <tr><th scope="row">SPDX (\(s["review.detectedShort"]))</th><td><strong>\(r.expression ?? "–")</strong>\(r.note.map { HTML("<br><small>\($0)</small>") } ?? .empty)</td></tr>
            <tr><th scope="row">\(s["review.concluded"])</th><td>\(r.concluded ?? "–")</td></tr>
            <tr><th scope="row">\(s["review.policy"]) admin</th><td>\(r.admin.outcome) \(r.admin.reasons.joined(separator: "; "))</td></tr>
            <tr><th scope="row">\(s["review.policy"]) edu</th><td>\(r.edu.outcome) \(r.edu.reasons.joined(separator: "; "))</td></tr>
            </tbody></table>
            <h2>\(s["review.matches"])</h2>
            \(matches)
            <h2>\(s["review.clauses"])</h2>
            \(clauses)
            <h2>\(s["review.texts"])</h2>
            \(try await licenceTextsHTML(r.id, portal))
            \(decide)
            """)
    }
}
