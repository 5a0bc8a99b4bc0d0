import DepotTestSupport
import Foundation
import Testing

/// The whole edu path with real processes: the catalog publishes, the edu server serves on its own, a device syncs
/// and installs, a school orders within its seats, and the catalog collects the installs once.
@Suite(.serialized) struct EduEndToEndTests {
    func json(_ result: ToolResult) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    @Test func publishServeSyncInstallOrderAndCollectOnce() throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        let h = ["--home", home]
        try DepotBinary.run(["init", "--no-catalog"] + h).expectSuccess()
        for (name, role) in [("pat", "packager"), ("rita", "licence-reviewer"), ("sam", "signer"), ("rel", "release-manager"),
                             ("fia", "finance")] {
            try DepotBinary.run(["users", "add", name, "--role", role, "--as", "admin"] + h).expectSuccess()
        }
        // One installer through the pipeline, approved for schools only, with three seats.
        let deb = try Fixtures.debianPackage(in: dir, name: "class-timer", licence: "MIT", payloadBytes: 2048)
        try DepotBinary.run(["submit", deb.path, "--as", "pat"] + h).expectSuccess()
        try DepotBinary.run(["reviews", "decide", "1", "--approve", "--scope", "edu", "--reason", "MIT", "--as", "rita"] + h).expectSuccess()
        try DepotBinary.run(["classify", "1", "--as", "pat"] + h).expectSuccess()
        try DepotBinary.run(["test", "1", "--passed", "--notes", "runs on the school image", "--as", "pat"] + h).expectSuccess()
        try DepotBinary.run(["sign", "1", "--as", "sam"] + h).expectSuccess()
        try DepotBinary.run(["publish", "--as", "rel"] + h).expectSuccess()
        try DepotBinary.run(["licences", "add", "class-timer", "--seats", "3", "--as", "fia"] + h).expectSuccess()
        try DepotBinary.run(["edu", "schools", "add", "kodskolan", "--name", "Kodskolan", "--tier", "open", "--as", "admin"] + h)
            .expectSuccess()
        try DepotBinary.run(["edu", "schools", "add", "lugna", "--name", "Lugna skolan", "--tier", "standard", "--as", "admin"] + h)
            .expectSuccess()
        let edu = dir.url.appendingPathComponent("edu").path
        let published = try #require(try json(try DepotBinary.run(["edu", "publish", "--out", edu, "--json", "--as", "rel"] + h))
            as? [String: Any])
        #expect((published["whitelists"] as? [String: Int])?["school-kodskolan"] == 1)

        // Exports for the enforcement tools come from the same list.
        let santa = try DepotBinary.run(["edu", "export", "--school", "kodskolan", "--format", "santa"] + h)
        #expect(santa.succeeded && santa.stdout.contains("\"rules\""), "\(santa.stderr)")

        // The edu server runs on its own, from the published directory and its own state.
        let state = dir.url.appendingPathComponent("edu-state").path
        let server = try RunningServer(arguments: ["edu", "serve", "--from", edu, "--state", state])
        defer { server.stop() }
        func token(_ name: String, _ school: String) throws -> String {
            let out = try DepotBinary.run(["edu", "tokens", "add", name, "--school", school, "--state", state, "--json"])
            return try #require((try json(out) as? [String: Any])?["token"] as? String)
        }
        let anna = try token("anna", "kodskolan")
        let lars = try token("lars", "lugna")

        // A device of Kodskolan syncs the signed list against the pinned root and installs the package.
        let device = dir.url.appendingPathComponent("device").path
        let root = home + "/keys/root.pem"
        let sync = try DepotBinary.run(["agent", "sync", "--url", server.baseURL, "--school", "kodskolan", "--root", root, "--state", device])
        #expect(sync.succeeded && sync.stdout.contains("class-timer"), "\(sync.stderr)")
        // The app takes a licence seat: without an install order the device gets nothing.
        let target = dir.url.appendingPathComponent("target").path
        let ungranted = try DepotBinary.run(["agent", "install", "class-timer", "--state", device, "--target", target])
        #expect(!ungranted.succeeded && ungranted.stderr.contains("takes a licence seat"), "\(ungranted.stderr)")

        // Self-installs: a school admin of another school is refused; within the seats is accepted, beyond refused.
        let installs = server.baseURL + "/edu/v1/schools/kodskolan/installs"
        let two = try dir.write("two.json", #"{"program": "class-timer", "devices": ["pc-1", "pc-2"]}"#)
        #expect(try HTTPExchange.request("POST", installs, token: lars, bodyFile: two.path).status == 403)
        let ordered = try HTTPExchange.request("POST", installs, token: anna, bodyFile: two.path)
        #expect(ordered.status == 201, "\(ordered.body)")
        let answer = try #require(ordered.json as? [String: Any])
        let grantPath = try #require((answer["downloads"] as? [[String: Any]])?.first?["url"] as? String)
        // With the order's download URL the device installs it, checked against the whitelist's hash.
        try DepotBinary.run(["agent", "install", "class-timer", "--state", device, "--target", target,
                             "--grant", server.baseURL + grantPath]).expectSuccess()
        let placed = try FileManager.default.contentsOfDirectory(atPath: target).filter { $0.hasSuffix(".deb") }
        #expect(placed.count == 1)
        #expect(try Data(contentsOf: URL(fileURLWithPath: target + "/" + placed[0])) == Data(contentsOf: deb))
        let tooMany = try HTTPExchange.request("POST", installs, token: anna, bodyFile: two.path)
        #expect(tooMany.status == 422 && tooMany.body.contains("seats left"), "\(tooMany.body)")
        let malformed = try dir.write("bad.json", #"{"program": 7"#)
        #expect(try HTTPExchange.request("POST", installs, token: anna, bodyFile: malformed.path).status == 400)

        // The catalog collects the install once, however often collect runs.
        let first = try #require(try json(try DepotBinary.run(["edu", "collect", "--from", state, "--json", "--as", "fia"] + h))
            as? [String: Any])
        #expect(first["collected"] as? Int == 1)
        let again = try #require(try json(try DepotBinary.run(["edu", "collect", "--from", state, "--json", "--as", "fia"] + h))
            as? [String: Any])
        #expect(again["collected"] as? Int == 0 && again["alreadyCollected"] as? Int == 1)
        let usage = try #require(try json(try DepotBinary.run(["licences", "usage", "--json", "--as", "fia"] + h)) as? [[String: Any]])
        #expect(usage.first { $0["program"] as? String == "class-timer" }?["used"] as? Int == 2)
        // An uninstall report on the edu server gives the seat back, in the catalog too once collected.
        let installID = try #require(answer["id"] as? Int)
        let one = try dir.write("one.json", #"{"devices": ["pc-2"]}"#)
        #expect(try HTTPExchange.request("POST", installs + "/\(installID)/uninstall", token: anna, bodyFile: one.path).status == 201)
        let back = try #require(try json(try DepotBinary.run(["edu", "collect", "--from", state, "--json", "--as", "fia"] + h))
            as? [String: Any])
        #expect(back["uninstallsCollected"] as? Int == 1 && back["seatsReturned"] as? Int == 1, "\(back)")
        let after = try #require(try json(try DepotBinary.run(["licences", "usage", "--json", "--as", "fia"] + h)) as? [[String: Any]])
        #expect(after.first { $0["program"] as? String == "class-timer" }?["used"] as? Int == 1)
        let twice = try #require(try json(try DepotBinary.run(["edu", "collect", "--from", state, "--json", "--as", "fia"] + h))
            as? [String: Any])
        #expect(twice["uninstallsCollected"] as? Int == 0)
        // The next publication tells the edu server that uninstall is counted, so the seat is not given back twice.
        let republished = try #require(try json(try DepotBinary.run(["edu", "publish", "--out", edu, "--json", "--as", "rel"] + h))
            as? [String: Any])
        #expect(republished["version"] as? Int == 2)
        let list = try String(contentsOf: URL(fileURLWithPath: edu + "/schools/kodskolan/whitelist.json"), encoding: .utf8)
        #expect(list.contains("\"uninstallsCollectedThrough\":{") && list.contains("\"seatsAvailable\":2"), "\(list)")
        let orders = try DepotBinary.run(["orders", "list", "--as", "fia"] + h)
        #expect(orders.stdout.contains("ref:kodskolan"), "\(orders.stdout)")
        // A state directory that is not an edu server's is named.
        let wrong = try DepotBinary.run(["edu", "collect", "--from", dir.url.path, "--as", "fia"] + h)
        #expect(wrong.status == 2 && wrong.stderr.contains("edu.sqlite"))
    }
}
