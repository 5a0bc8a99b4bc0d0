import DepotTestSupport
import Foundation
import Testing

@Suite(.serialized) struct LicenceAPITests {
    @Test func reviewersDecideOverHTTPAndOthersAreRefused() throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        _ = try DepotBinary.run(["init", "--home", home])
        func token(_ name: String, _ role: String) throws -> String {
            let out = try DepotBinary.run(["users", "add", name, "--role", role, "--home", home, "--as", "admin", "--json"])
            return try #require((try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])?["token"] as? String)
        }
        let pat = try token("pat", "packager")
        let rita = try token("rita", "licence-reviewer")
        let deb = try Fixtures.debianPackage(in: dir, licence: "MIT")
        #expect(try DepotBinary.run(["submit", deb.path, "--home", home, "--as", "pat"]).succeeded)
        let server = try RunningServer(arguments: ["serve", "--home", home])
        defer { server.stop() }
        let base = server.baseURL + "/api/v1"

        let queue = try HTTPExchange.get(base + "/reviews?pending=true", token: rita)
        let first = try #require((queue.json as? [[String: Any]])?.first)
        #expect(first["expression"] as? String == "MIT")
        let id = try #require(first["id"] as? Int)

        let body = try dir.write("decision.json", #"{"decision": "approve", "scope": "both", "reason": "permissive"}"#)
        let refused = try HTTPExchange.request("POST", base + "/reviews/\(id)/decision", token: pat, bodyFile: body.path, headers: ["Content-Type: application/json"])
        #expect(refused.status == 403)
        let bad = try dir.write("bad.json", #"{"decision": "maybe", "reason": "x"}"#)
        #expect(try HTTPExchange.request("POST", base + "/reviews/\(id)/decision", token: rita, bodyFile: bad.path).status == 400)
        let notJSON = try dir.write("bad.txt", "approve please")
        #expect(try HTTPExchange.request("POST", base + "/reviews/\(id)/decision", token: rita, bodyFile: notJSON.path).status == 400)
        let decided = try HTTPExchange.request("POST", base + "/reviews/\(id)/decision", token: rita, bodyFile: body.path)
        #expect(decided.status == 200, "\(decided.body)")
        #expect((decided.json as? [String: Any])?["state"] as? String == "licence-approved")
        let again = try HTTPExchange.request("POST", base + "/reviews/\(id)/decision", token: rita, bodyFile: body.path)
        #expect(again.status == 409)
        #expect(try HTTPExchange.get(base + "/reviews/999", token: rita).status == 404)
    }

    @Test func licenceDetectNamesTheLicenceInATextAndAFolder() throws {
        let dir = try TemporaryDirectory()
        let text = try DepotBinary.run(["licence", "detect", "/usr/share/common-licenses/GPL-3", "--json", "--home", dir.path])
        #expect(text.succeeded, "\(text.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.stdout.utf8)) as? [String: Any])
        #expect(json["expression"] as? String == "GPL-3.0-only")
        try dir.write("tree/LICENSE", try String(contentsOfFile: "/usr/share/common-licenses/Apache-2.0", encoding: .utf8))
        try dir.write("tree/README", "This is a program. It does things.\n")
        let folder = try DepotBinary.run(["licence", "detect", dir.url.appendingPathComponent("tree").path, "--json", "--home", dir.path])
        let matches = try #require((try JSONSerialization.jsonObject(with: Data(folder.stdout.utf8)) as? [String: Any])?["matches"] as? [[String: Any]])
        #expect(matches.contains { $0["id"] as? String == "Apache-2.0" && $0["file"] as? String == "LICENSE" })
    }

    @Test func licenceDetectIsReadOnlyAndGivesEachFileItsExpression() throws {
        let dir = try TemporaryDirectory()
        try dir.write("tree/LICENSE", try String(contentsOfFile: "/usr/share/common-licenses/Apache-2.0", encoding: .utf8))
        try dir.write("tree/src/lib.c", "/* SPDX-License-Identifier: MIT OR Apache-2.0 */\nint x;\n")
        try dir.write("tree/README", "This is a program. It does things.\n")
        let home = dir.url.appendingPathComponent("never-created").path
        let result = try DepotBinary.run(["licence", "detect", dir.url.appendingPathComponent("tree").path, "--json", "--home", home])
        #expect(result.succeeded, "\(result.stderr)")
        // Reading licences needs no depot home and leaves none behind.
        #expect(!FileManager.default.fileExists(atPath: home))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["expression"] as? String == "MIT OR Apache-2.0")
        let files = try #require(json["files"] as? [[String: Any]])
        let byFile = Dictionary(uniqueKeysWithValues: files.compactMap { f in (f["file"] as? String).map { ($0, f["expression"] as? String) } })
        #expect(byFile["LICENSE"] == "Apache-2.0")
        #expect(byFile["src/lib.c"] == "MIT OR Apache-2.0")
        #expect(byFile["README"] == .some(nil))
        let human = try DepotBinary.run(["licence", "detect", dir.url.appendingPathComponent("tree").path, "--home", home])
        #expect(human.stdout.contains("expression  MIT OR Apache-2.0"), "\(human.stdout)")
        #expect(human.stdout.contains("src/lib.c  MIT OR Apache-2.0"), "\(human.stdout)")
        #expect(!FileManager.default.fileExists(atPath: home))
    }
}
