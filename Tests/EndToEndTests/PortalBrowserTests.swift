import DepotTestSupport
import Foundation
import Testing

/// The portal in headless Chromium (Selenium, Tests/EndToEndTests/browser/portal_test.py) against a real server:
/// submit, approve, order for a class, download the invoice.
@Suite(.serialized) struct PortalBrowserTests {
    @Test func packagerReviewerSchoolAdminAndFinanceWorkThroughThePortal() throws {
        for tool in ["/usr/bin/chromium", "/usr/bin/chromedriver"] {
            try #require(FileManager.default.isExecutableFile(atPath: tool), "\(tool) is missing; run 'make deps'")
        }
        try #require(try Tools.run("/usr/bin/python3", ["-c", "import selenium"]).succeeded, "python3-selenium is missing; run 'make deps'")
        let fixture = try PortalFixture()
        let deb = try Fixtures.debianPackage(in: fixture.dir)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("depot-portal-browser-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        var environment = ProcessInfo.processInfo.environment
        environment["DEPOT_URL"] = fixture.server.baseURL
        environment["DEPOT_INSTALLER"] = deb.path
        environment["DEPOT_BROWSER_OUT"] = out.path
        for (name, token) in fixture.tokens { environment["DEPOT_TOKEN_\(name.uppercased())"] = token }
        let script = DepotBinary.packageRoot.appendingPathComponent("Tests/EndToEndTests/browser/portal_test.py").path
        let result = try Tools.run("/usr/bin/python3", [script], environment: environment)
        #expect(result.succeeded, "portal_test.py failed (screenshots under \(out.path)):\n\(result.stdout)\n\(result.stderr)")
        if result.succeeded { try? FileManager.default.removeItem(at: out) }
        for step in ["packager_submits", "reviewer_approves", "school_admin_orders", "finance_downloads"] {
            #expect(result.stdout.contains("ok   \(step)"), "\(step) did not pass:\n\(result.stdout)")
        }
    }
}
