import CatalogService
import DepotModel
import Foundation
import Hummingbird
import Sandbox

/// Automatic install tests started from the portal run after the answer; the page shows their progress.
actor InstallTestRuns {
    struct Run: Sendable {
        var steps: [String] = []
        var finished = false
        var error: String?
    }
    private var runs: [Int64: Run] = [:]

    /// Starts a run for a submission; false when one is already running.
    func start(_ id: Int64) -> Bool {
        if let run = runs[id], !run.finished { return false }
        runs[id] = Run()
        return true
    }

    func step(_ id: Int64, _ text: String) { runs[id]?.steps.append(text) }
    func finish(_ id: Int64, error: String?) {
        runs[id]?.finished = true
        runs[id]?.error = error
    }
    func run(_ id: Int64) -> Run? { runs[id] }
}

/// A submission's tests: each record, what the latest automatic test observed, and a button that starts one.
extension PortalController {
    func addTestRoutes(to router: Router<DepotRequestContext>) {
        router.get("portal/submissions/:id/tests") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await page(request, needs: .readSubmissions) { portal in try await testsPage(try Self.id(id), portal) }
        }
        router.post("portal/submissions/:id/tests") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await page(request, needs: .testPackages) { portal in
                let form = try await form(request)
                try requireCSRF(form["csrf"], portal)
                let submission = try Self.id(id)
                _ = try await service.submission(id: submission, by: portal.user!)
                if await testRuns.start(submission) {
                    let user = portal.user!
                    let runs = testRuns
                    Task { [service] in
                        do {
                            _ = try await service.autoTest(submission: submission, by: user) { step in
                                Task { await runs.step(submission, step) }
                            }
                            await runs.finish(submission, error: nil)
                        } catch let error as any DepotError {
                            await runs.finish(submission, error: error.message)
                        } catch {
                            await runs.finish(submission, error: "\(error)")
                        }
                    }
                }
                return Self.redirect("/portal/submissions/\(submission)/tests")
            }
        }
    }

    func testsPage(_ id: Int64, _ portal: PortalRequest) async throws -> Response {
        let s = portal.strings
        let user = portal.user!
        let submission = try await service.submission(id: id, by: user)
        let tests = try await service.tests(submission: id, by: user)
        let evidence = tests.contains { $0.mode == "auto" } ? try? await service.testEvidence(submission: id, by: user) : nil
        let run = await testRuns.run(id)
        var progress: HTML = .empty
        if let run {
            let steps = run.steps.map { HTML("<li>\($0)</li>") }.joined()
            if !run.finished {
                progress = """
                    <meta http-equiv="refresh" content="2">
                    <section aria-live="polite"><h2>\(s["tests.running"])</h2><ol>\(steps)</ol></section>
                    """
            } else if let error = run.error {
                progress = HTML("<p class=\"error\" role=\"alert\">\(s["tests.couldnotrun"]): \(error)</p>")
            }
        }
        let rows: HTML = tests.isEmpty ? HTML("<p>\(s["tests.none"])</p>") : """
            <table><thead><tr><th scope="col">\(s["col.id"])</th><th scope="col">\(s["tests.when"])</th><th scope="col">\(s["tests.result"])</th>
            <th scope="col">\(s["tests.kind"])</th><th scope="col">\(s["tests.reasons"])</th></tr></thead>
            <tbody>\(tests.reversed().map { t in HTML("""
                <tr><td>\(t.id)</td><td>\(t.testedAt)</td><td>\(t.passed ? s["tests.passed"] : (t.blocking ? s["tests.failed"] : s["tests.warned"]))</td>
                <td>\(t.kind)</td><td>\(t.reasons.isEmpty ? (t.mode == "auto" ? "–" : t.notes) : t.reasons.joined(separator: "; "))</td></tr>
                """) })</tbody></table>
            """
        var start: HTML = .empty
        if portal.may(.testPackages), run.map({ $0.finished }) ?? true, ["classified", "tested"].contains(submission.state) {
            start = """
                <form method="post" action="/portal/submissions/\(id)/tests">\(portal.csrfField)
                <p><button type="submit">\(s["tests.start"])</button></p></form>
                """
        }
        return html(portal, title: "\(s["tests.title"]) – \(submission.program ?? submission.fileName) \(submission.version ?? "")", """
            <p>\(s["col.state"]): <strong>\(submission.state)</strong>\(submission.tier.map { HTML(" · \(s["tests.tier"]): <strong>\($0)</strong>") } ?? .empty)</p>
            \(progress)
            \(start)
            <h2>\(s["tests.records"])</h2>
            \(rows)
            \(evidence.map { Self.evidenceHTML($0, s) } ?? .empty)
            """)
    }

    static func evidenceHTML(_ e: InstallTestEvidence, _ s: PortalStrings) -> HTML {
        func phase(_ p: PhaseResult) -> String {
            p.timedOut ? "\(s["tests.killed"]) (\(String(format: "%.1f", p.seconds)) s)"
                : "exit \(p.exitCode.map(String.init) ?? "–") (\(String(format: "%.1f", p.seconds)) s)"
        }
        let c = e.installChanges
        let entries = c.uninstallEntries.map { u in
            HTML("<li>\(u.displayName ?? "?") \(u.displayVersion ?? "?") – \(u.publisher ?? "?") [\(u.view)]<br><small>\(u.key)</small></li>")
        }.joined()
        let facts = (c.services.map { "\($0.kind): \($0.name)" } + c.autostarts + c.fileAssociations + c.shortcuts)
            .prefix(20).map { HTML("<li>\($0)</li>") }.joined()
        let files = c.filesAdded.prefix(30).map { f in HTML("<li>\(f.path) (\(f.size) B)\(f.sha256.map { HTML(" <small>sha256 \($0)</small>") } ?? .empty)</li>") }.joined()
        let left = (e.leftovers.files + e.leftovers.registryKeys).prefix(30).map { HTML("<li>\($0)</li>") }.joined()
        return """
            <h2>\(s["tests.latest"])</h2>
            <p>\(e.runner.summary) · \(e.passed ? s["tests.passed"] : s["tests.failed"]) · \(String(format: "%.1f", e.seconds)) s</p>
            \(e.reasons.isEmpty ? .empty : HTML("<ul class=\"error\">\(e.reasons.map { HTML("<li>\($0)</li>") }.joined())</ul>"))
            <h3>\(s["tests.install"])</h3>
            <p><code>\(e.install.command)</code> → \(phase(e.install))</p>
            <details><summary>\(s["tests.log"])</summary><pre>\(e.install.logTail.joined(separator: "\n"))</pre></details>
            <h3>\(s["tests.changes"])</h3>
            <p>\(c.filesAdded.count) \(s["tests.files"]) · \(c.registryKeysAdded.count) \(s["tests.keys"])</p>
            <ul>\(entries)</ul><ul>\(facts)</ul><details><summary>\(s["tests.files"])</summary><ul>\(files)</ul></details>
            <h3>\(s["tests.detection"])</h3>
            <p>\(e.detectionRule?.summary ?? "–")</p>
            <h3>\(s["tests.uninstall"])</h3>
            \(e.uninstall.map { u in HTML("<p><code>\(u.command)</code> → \(phase(u))</p>") } ?? HTML("<p>–</p>"))
            \(left.markup.isEmpty ? .empty : HTML("<h3>\(s["tests.leftovers"])</h3><ul>\(left)</ul>"))
            """
    }
}
