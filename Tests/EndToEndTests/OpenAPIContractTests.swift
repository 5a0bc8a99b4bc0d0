import DepotTestSupport
import Foundation
import Testing

/// `/api/v1/openapi.json` against the code: every route the controllers register is documented, every documented
/// route answers on a real server, and the document is valid OpenAPI 3.1.
@Suite(.serialized) struct OpenAPIContractTests {
    /// `METHOD /path` for every `group.get("…")` / `group.post("…")` in the API controllers, `:id` written `{id}`.
    static func registeredRoutes() throws -> Set<String> {
        let folder = DepotBinary.packageRoot.appendingPathComponent("Sources/DepotServer")
        let pattern = try NSRegularExpression(pattern: #"group\.(get|post|put|patch|delete|head)\(\s*"([^"]+)""#)
        var routes = Set<String>()
        // Routes outside the authenticated group are registered on the router in Application+build.swift.
        let direct = try String(contentsOf: folder.appendingPathComponent("Application+build.swift"), encoding: .utf8)
        let directPattern = try NSRegularExpression(pattern: #"router\.(get|post|put|patch|delete|head)\(\s*"api/v1/([^"]+)""#)
        for match in directPattern.matches(in: direct, range: NSRange(direct.startIndex..., in: direct)) {
            routes.insert("\(String(direct[Range(match.range(at: 1), in: direct)!]).uppercased()) /\(direct[Range(match.range(at: 2), in: direct)!])")
        }
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix("Controller.swift") {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let method = String(text[Range(match.range(at: 1), in: text)!]).uppercased()
                let path = String(text[Range(match.range(at: 2), in: text)!]).split(separator: "/").map { part in
                    part.hasPrefix(":") ? "{\(part.dropFirst())}" : String(part)
                }.joined(separator: "/")
                routes.insert("\(method) /\(path)")
            }
        }
        return routes
    }

    static func documentedRoutes(_ document: [String: Any]) -> Set<String> {
        var routes = Set<String>()
        for (path, item) in (document["paths"] as? [String: Any]) ?? [:] {
            for method in ((item as? [String: Any]) ?? [:]).keys where ["get", "post", "put", "patch", "delete", "head"].contains(method) {
                routes.insert("\(method.uppercased()) \(path)")
            }
        }
        return routes
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedRouteExists() throws {
        let registered = try Self.registeredRoutes()
        #expect(registered.count >= 20 && registered.contains("GET /openapi.json"), "the route scan found only \(registered.sorted())")
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        _ = try DepotBinary.run(["init", "--home", home])
        let issued = try DepotBinary.run(["users", "token", "admin", "--as", "admin", "--home", home]).stdout
        let admin = try #require(issued.split(whereSeparator: \.isWhitespace).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .first { $0.hasPrefix("dpt_") }, "no token in: \(issued)")
        let server = try RunningServer(arguments: ["serve", "--home", home])
        defer { server.stop() }
        let base = server.baseURL + "/api/v1"
        #expect(try HTTPExchange.get(base + "/me", token: admin).status == 200, "the admin token does not work, so every check below would only see 401")

        let served = try HTTPExchange.get(base + "/openapi.json")  // no token
        #expect(served.status == 200)
        #expect(served.headers.lowercased().contains("content-type: application/json"))
        let document = try #require(served.json as? [String: Any])
        // The served document is the declared file, byte for byte: there is no second copy in Swift.
        let declared = DepotBinary.packageRoot.appendingPathComponent("Sources/DepotServer/Resources/openapi.json")
        #expect(served.body == (try String(contentsOf: declared, encoding: .utf8)), "the server does not serve \(declared.path)")
        #expect(document["openapi"] as? String == "3.1.0")
        let documented = Self.documentedRoutes(document)

        let undocumented = registered.subtracting(documented)
        #expect(undocumented.isEmpty, "routes without documentation in Sources/DepotServer/Resources/openapi.json: \(undocumented.sorted())")

        // An unknown route, for the shape of "no such route".
        let unknown = try HTTPExchange.get(base + "/no-such-route", token: admin)
        #expect(unknown.status == 404)
        func isUnknownRoute(_ exchange: HTTPExchange) -> Bool {
            exchange.status == 404 && (exchange.body.isEmpty || exchange.body.contains("\"http.404\""))
        }
        #expect(isUnknownRoute(unknown))

        let empty = try dir.write("empty.json", "{}")
        for route in documented.sorted() {
            let parts = route.split(separator: " ", maxSplits: 1).map(String.init)
            let path = parts[1].replacingOccurrences(of: "{id}", with: "999999").replacingOccurrences(of: "{program}", with: "no-such-program")
            // Bodies are deliberately empty or invalid: the point is the route, not the use case.
            let exchange = try HTTPExchange.request(parts[0], base + path, token: admin, bodyFile: parts[0] == "GET" ? nil : empty.path)
            #expect(!isUnknownRoute(exchange) && exchange.status != 405, "\(route) is documented but the server answers \(exchange.status) \(exchange.body)")
            #expect(exchange.status != 500, "\(route): \(exchange.body)")
        }
    }

    @Test func theDocumentValidatesAsOpenAPI31() throws {
        let validator = DepotBinary.packageRoot.appendingPathComponent(".build/pytools/bin/python3").path
        try #require(FileManager.default.isExecutableFile(atPath: validator), "run 'make deps' to install openapi-spec-validator into .build/pytools")
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        _ = try DepotBinary.run(["init", "--home", home])
        let server = try RunningServer(arguments: ["serve", "--home", home])
        defer { server.stop() }
        let served = try HTTPExchange.get(server.baseURL + "/api/v1/openapi.json")
        let file = try dir.write("openapi.json", served.body)
        let result = try Tools.run(validator, ["-c", """
            import json, sys
            from openapi_spec_validator import validate, OpenAPIV31SpecValidator
            validate(json.load(open(sys.argv[1])), cls=OpenAPIV31SpecValidator)
            print("valid")
            """, file.path])
        #expect(result.succeeded && result.stdout.contains("valid"), "\(result.stdout)\n\(result.stderr)")
        // A document the validator must reject, so a validator that accepts anything fails this test.
        let broken = try dir.write("broken.json", #"{"openapi": "3.1.0", "info": {"title": "x"}, "paths": {"/a": {"get": {"responses": 5}}}}"#)
        let rejected = try Tools.run(validator, ["-c", """
            import json, sys
            from openapi_spec_validator import validate, OpenAPIV31SpecValidator
            validate(json.load(open(sys.argv[1])), cls=OpenAPIV31SpecValidator)
            """, broken.path])
        #expect(!rejected.succeeded)
    }
}
