import DepotTestSupport
import Foundation
import Testing

/// Installers uploaded to a real server as streamed request bodies.
@Suite(.serialized) struct SubmissionAPITests {
    @Test func uploadCreatesThenRecognisesAndLimitsApply() throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        // A policy folder with a 64 KiB installer limit, to see 413 without a large file.
        let policies = dir.url.appendingPathComponent("policies")
        try FileManager.default.createDirectory(at: policies, withIntermediateDirectories: true)
        for file in try FileManager.default.contentsOfDirectory(atPath: DepotBinary.packageRoot.path + "/Policies") {
            var text = try String(contentsOfFile: DepotBinary.packageRoot.path + "/Policies/" + file, encoding: .utf8)
            if file == "intake.yaml" { text = text.replacingOccurrences(of: "maxInstallerBytes: 8 GiB", with: "maxInstallerBytes: 64 KiB") }
            try text.write(to: policies.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
        #expect(try String(contentsOf: policies.appendingPathComponent("intake.yaml"), encoding: .utf8).contains("64 KiB"))
        _ = try DepotBinary.run(["init", "--no-demo", "--home", home])
        func token(_ name: String, _ role: String) throws -> String {
            let out = try DepotBinary.run(["users", "add", name, "--role", role, "--home", home, "--as", "admin", "--json"])
            return try #require((try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])?["token"] as? String)
        }
        let pat = try token("pat", "packager")
        let fia = try token("fia", "finance")
        let server = try RunningServer(arguments: ["serve", "--home", home, "--policies", policies.path])
        defer { server.stop() }
        let url = server.baseURL + "/api/v1/submissions?filename=hello.deb&cost-ref=140:52120"

        let deb = try Fixtures.debianPackage(in: dir)
        let created = try HTTPExchange.request("POST", url, token: pat, bodyFile: deb.path)
        #expect(created.status == 201, "\(created.body)")
        let body = try #require(created.json as? [String: Any])
        #expect(body["program"] as? String == "hello-depot")
        #expect(body["state"] as? String == "inspected")
        #expect(body["fileName"] as? String == "hello.deb")
        let facts = try #require(body["facts"] as? [String: Any])
        #expect(facts["declaredLicence"] as? String == "GPL-3.0-or-later")
        #expect(facts.keys.contains("publisher") && facts["uncompressedSize"] != nil)

        let again = try HTTPExchange.request("POST", url, token: pat, bodyFile: deb.path)
        #expect(again.status == 200)
        #expect((again.json as? [String: Any])?["id"] as? Int == body["id"] as? Int)

        let big = try Fixtures.debianPackage(in: dir, name: "big-one", payloadBytes: 200_000)
        let tooLarge = try HTTPExchange.request("POST", url, token: pat, bodyFile: big.path)
        #expect(tooLarge.status == 413)
        #expect(tooLarge.body.contains("intake limit"))
        // Nothing of the refused upload stays behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: home + "/incoming").isEmpty)

        #expect(try HTTPExchange.request("POST", url, token: fia, bodyFile: deb.path).status == 403)
        #expect(try HTTPExchange.request("POST", url, bodyFile: deb.path).status == 401)
        let badRef = try HTTPExchange.request("POST", server.baseURL + "/api/v1/submissions?cost-ref=nope", token: pat, bodyFile: deb.path)
        #expect(badRef.status == 400)
        #expect(badRef.body.contains("'nope' is not a cost reference"))

        let list = try HTTPExchange.get(server.baseURL + "/api/v1/submissions", token: pat)
        #expect((list.json as? [[String: Any]])?.count == 1)
        #expect(try HTTPExchange.get(server.baseURL + "/api/v1/submissions/999", token: pat).status == 404)
        #expect(try HTTPExchange.get(server.baseURL + "/api/v1/submissions/abc", token: pat).status == 400)
    }
}
