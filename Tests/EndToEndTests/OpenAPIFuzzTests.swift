import DepotTestSupport
import Foundation
import Testing

/// schemathesis (from `.build/pytools`, installed by `make deps`) against a running server on loopback, driven by the
/// served `/api/v1/openapi.json`: no request may end in a server error and every response must match the schema the
/// document declares for it. The seed is fixed and the examples bounded, so a run is repeatable and short.
@Suite(.serialized) struct OpenAPIFuzzTests {
    @Test func schemathesisFindsNoServerErrorAndNoSchemaViolation() throws {
        let schemathesis = DepotBinary.packageRoot.appendingPathComponent(".build/pytools/bin/schemathesis").path
        try #require(FileManager.default.isExecutableFile(atPath: schemathesis), "run 'make deps' to install schemathesis into .build/pytools")
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        _ = try DepotBinary.run(["init", "--home", home])
        let issued = try DepotBinary.run(["users", "token", "admin", "--as", "admin", "--home", home]).stdout
        let admin = try #require(issued.split(whereSeparator: \.isWhitespace).map(String.init).first { $0.hasPrefix("dpt_") },
                                 "no token in: \(issued)")
        let server = try RunningServer(arguments: ["serve", "--home", home])
        defer { server.stop() }
        let base = server.baseURL + "/api/v1"
        // A stored submission, so list and show answers carry real records for the schema check, not only [].
        let deb = try Fixtures.debianPackage(in: dir)
        let created = try HTTPExchange.request("POST", base + "/submissions?filename=hello.deb&cost-ref=140:52120",
                                               token: admin, bodyFile: deb.path)
        #expect(created.status == 201, "\(created.body)")
        let order = try dir.write("order.json", #"{"programs": ["mozilla-firefox"], "devices": ["pc-1"], "costReference": "140:52120"}"#)
        let placed = try HTTPExchange.request("POST", base + "/orders", token: admin, bodyFile: order.path)
        #expect(placed.status == 201, "\(placed.body)")

        let reports = dir.url.appendingPathComponent("reports")
        let result = try Tools.run(schemathesis, [
            "run", base + "/openapi.json", "--url", base,
            "--checks", "not_a_server_error,response_schema_conformance",
            "--phases", "examples,coverage,fuzzing",
            "--seed", "20261206", "--max-examples", "12", "--workers", "1", "--no-shrink",
            "--request-timeout", "20", "--suppress-health-check", "all",
            "--header", "Authorization: Bearer \(admin)",
            "--report", "junit", "--report-junit-path", reports.appendingPathComponent("junit.xml").path,
        ], in: dir.url, environment: ["NO_COLOR": "1", "SCHEMATHESIS_HOOKS": ""])  // its cache stays in the temporary folder
        let summary = result.stdout.split(separator: "\n").suffix(60).joined(separator: "\n")
        #expect(result.succeeded, "schemathesis found problems (exit \(result.status)):\n\(summary)\n\(result.stderr.suffix(2000))")
        let junit = try String(contentsOf: reports.appendingPathComponent("junit.xml"), encoding: .utf8)
        // A run that tested nothing must not pass: every documented operation is a test case of the report.
        let cases = junit.components(separatedBy: "<testcase").count - 1
        #expect(cases >= 24, "schemathesis ran only \(cases) operations:\n\(summary)")
    }
}
