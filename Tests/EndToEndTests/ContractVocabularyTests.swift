import DepotTestSupport
import Foundation
import Testing

/// One JSON vocabulary across the CLI's `--json` and the API, checked on real output of the binary and a running
/// server: RFC 3339 timestamps, money as `{"amount": "1485.00", "currency": "SEK"}`, the cost reference as the one
/// string, `licence` in Depot's own keys, the error object; and `depot X --json` equal to the matching route.
@Suite(.serialized) struct ContractVocabularyTests {
    /// The vocabulary's rules over any decoded JSON value; returns one line per violation, with its JSON path.
    static func violations(_ value: Any, at path: String = "$") -> [String] {
        var found: [String] = []
        if let array = value as? [Any] {
            for (index, element) in array.enumerated() { found += violations(element, at: "\(path)[\(index)]") }
            return found
        }
        guard let object = value as? [String: Any] else { return found }
        if Set(object.keys) == ["amount", "currency"] {  // a money object: checked here, not walked into
            if (object["amount"] as? String)?.range(of: #"^-?[0-9]+\.[0-9]{2}$"#, options: .regularExpression) == nil {
                found.append("\(path).amount is \(object["amount"] ?? "nil"), not a two-decimal string")
            }
            if (object["currency"] as? String)?.range(of: "^[A-Z]{3}$", options: .regularExpression) == nil {
                found.append("\(path).currency is \(object["currency"] ?? "nil")")
            }
            return found
        }
        let moneyKeys: Set<String> = ["amount", "unitPrice", "listPrice", "net", "vat", "gross", "price", "total"]
        for (key, child) in object {
            let here = "\(path).\(key)"
            if key.lowercased().contains("license") { found.append("\(here): Depot's own keys spell 'licence'") }
            if key.hasSuffix("At") || key == "at" || key == "expires" {
                let isDay = key == "at" && (child as? String)?.range(of: #"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"#, options: .regularExpression) != nil
                if !(child is NSNull) && !isDay && (child as? String).flatMap(Self.rfc3339) == nil {
                    found.append("\(here) is \(child), not an RFC 3339 timestamp")
                }
            }
            if moneyKeys.contains(key), !(child is NSNull), !((child as? [String: Any]).map { Set($0.keys) == ["amount", "currency"] } ?? false) {
                if !(key == "price" && child is [String: Any]) {  // a classification's price: an object with money inside
                    found.append("\(here) is \(child), not a money object")
                }
            }
            if key == "costReference", !(child is NSNull),
               (child as? String)?.range(of: #"^([0-9]{1,6}:[A-Za-z0-9]{1,12}|ref:.+)$"#, options: .regularExpression) == nil {
                found.append("\(here) is \(child), not the cost reference string")
            }
            found += violations(child, at: here)
        }
        return found
    }

    static func rfc3339(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    /// The value re-encoded with sorted keys, so two equal JSON values compare equal as text.
    static func canonical(_ value: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]), as: UTF8.self)
    }

    static func parse(_ text: String, _ what: String) throws -> Any {
        try #require(try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]), "\(what) is not JSON: \(text.prefix(300))")
    }

    @Test func cliAndAPISpeakOneVocabularyAndPrintTheSameObjects() throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        _ = try DepotBinary.run(["init", "--home", home])
        let added = try DepotBinary.run(["users", "add", "fia", "--role", "finance", "--home", home, "--as", "admin", "--json"])
        let fia = try #require((try Self.parse(added.stdout, "users add") as? [String: Any])?["token"] as? String)
        let issued = try DepotBinary.run(["users", "token", "admin", "--as", "admin", "--home", home]).stdout
        let admin = try #require(issued.split(whereSeparator: \.isWhitespace).map(String.init).last { $0.hasPrefix("dpt_") })
        let deb = try Fixtures.debianPackage(in: dir)
        let submitted = try DepotBinary.run(["submit", deb.path, "--cost-ref", "140:52120", "--home", home, "--as", "admin", "--json"])
        #expect(submitted.succeeded, "\(submitted.stderr)")
        let placed = try DepotBinary.run(["orders", "place", "--program", "mozilla-firefox", "--group", "7b:28:devices",
                                          "--cost-ref", "140:52120", "--environment", "edu", "--home", home, "--as", "admin", "--json"])
        #expect(placed.succeeded, "\(placed.stderr)")
        let order = try #require(try Self.parse(placed.stdout, "orders place") as? [String: Any])
        #expect((order["amount"] as? [String: String])?["currency"] == "SEK", "\(order)")
        #expect(((order["order"] as? [String: Any])?["costReference"] as? String) == "140:52120")

        let server = try RunningServer(arguments: ["serve", "--home", home])
        defer { server.stop() }
        let base = server.baseURL + "/api/v1"
        var checked: [String: Any] = [:]

        // CLI = API: the same object, key for key.
        let pairs: [([String], String)] = [
            (["orders", "list"], "/orders"),
            (["submissions", "list"], "/submissions"),
            (["submissions", "show", "1"], "/submissions/1"),
            (["catalog", "list"], "/catalog"),
            (["reviews", "list"], "/reviews"),
        ]
        for (command, route) in pairs {
            let cli = try DepotBinary.run(command + ["--json", "--home", home, "--as", "admin"])
            #expect(cli.succeeded, "depot \(command.joined(separator: " ")): \(cli.stderr)")
            let api = try HTTPExchange.get(base + route, token: admin)
            #expect(api.status == 200, "\(route): \(api.body.prefix(300))")
            let cliValue = try Self.parse(cli.stdout, "depot \(command.joined(separator: " ")) --json")
            let apiValue = try Self.parse(api.body, "GET \(route)")
            let (cliText, apiText) = (try Self.canonical(cliValue), try Self.canonical(apiValue))
            #expect(cliText == apiText, "depot \(command.joined(separator: " ")) --json differs from GET \(route):\n\(cliText.prefix(400))\n\(apiText.prefix(400))")
            checked["depot \(command.joined(separator: " ")) --json"] = cliValue
            checked["GET \(route)"] = apiValue
        }
        for route in ["/me", "/profiles", "/audit", "/licences/usage", "/currency", "/keys", "/programs/mozilla-firefox"] {
            let api = try HTTPExchange.get(base + route, token: admin)
            if api.status == 200 { checked["GET \(route)"] = try Self.parse(api.body, "GET \(route)") }
        }
        let period = String(ISO8601DateFormatter().string(from: Date()).prefix(7))
        let invoice = try HTTPExchange.get(base + "/invoices?period=\(period)", token: fia)
        #expect(invoice.status == 200, "\(invoice.body.prefix(300))")
        checked["GET /invoices"] = try Self.parse(invoice.body, "GET /invoices")
        let quoteBody = try dir.write("quote.json", #"{"programs": ["mozilla-firefox"], "devices": ["pc-1"], "costReference": "ref:Stadshus AB"}"#)
        let quote = try HTTPExchange.request("POST", base + "/orders/quote", token: admin, bodyFile: quoteBody.path)
        checked["POST /orders/quote"] = try Self.parse(quote.body, "POST /orders/quote")
        for command in [["users", "list"], ["licences", "usage"], ["audit", "list"], ["orders", "quote", "--program", "mozilla-firefox",
                         "--device", "pc-1", "--cost-ref", "140:52120"]] {
            let cli = try DepotBinary.run(command + ["--json", "--home", home, "--as", "admin"])
            if cli.succeeded { checked["depot \(command.joined(separator: " ")) --json"] = try Self.parse(cli.stdout, command.joined(separator: " ")) }
        }
        checked["depot orders place --json"] = order
        checked["depot submit --json"] = try Self.parse(submitted.stdout, "depot submit --json")

        #expect(checked.count >= 18, "only \(checked.keys.sorted()) answered")
        for (source, value) in checked.sorted(by: { $0.key < $1.key }) {
            let problems = Self.violations(value)
            #expect(problems.isEmpty, "\(source):\n\(problems.prefix(10).joined(separator: "\n"))")
        }
        let text = checked.map { "\($0.value)" }.joined()
        #expect(text.contains("declaredLicence") && text.contains("placedAt") && text.contains("submittedAt"))

        // Errors: one object with a stable code, for a bad id, a bad body, an unknown route and a missing token.
        let bad = try dir.write("bad.json", "{not json")
        for exchange in [try HTTPExchange.get(base + "/submissions/abc", token: admin),
                         try HTTPExchange.get(base + "/submissions/999999", token: admin),
                         try HTTPExchange.request("POST", base + "/orders", token: admin, bodyFile: bad.path),
                         try HTTPExchange.get(base + "/no-such-route", token: admin),
                         try HTTPExchange.get(base + "/orders")] {
            #expect((400..<500).contains(exchange.status), "\(exchange.status) \(exchange.body)")
            let error = (try? Self.parse(exchange.body, "error")) as? [String: Any]
            let detail = error?["error"] as? [String: Any]
            #expect(Set(error?.keys.map { $0 } ?? []) == ["error"] && detail?["code"] is String && detail?["message"] is String,
                    "\(exchange.status): \(exchange.body)")
        }
    }
}
