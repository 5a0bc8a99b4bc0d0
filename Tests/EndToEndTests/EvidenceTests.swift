import DepotTestSupport
import Foundation
import Testing

/// Issue 15: every state the catalog shows is backed by a record — catalogued is not published, the demo is the
/// real pipeline, one number per submission, one set of bytes per version, correctable facts, earned status words.
@Suite(.serialized) struct EvidenceTests {
    func json(_ result: ToolResult) throws -> Any {
        #expect(result.succeeded, "\(result.stderr)")
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    func catalog(_ h: [String], _ extra: [String] = []) throws -> [[String: Any]] {
        try #require(try json(try DepotBinary.run(["catalog", "list", "--json"] + extra + h)) as? [[String: Any]])
    }

    func users(_ h: [String], _ pairs: [(String, String)]) throws {
        for (name, role) in pairs {
            try DepotBinary.run(["users", "add", name, "--role", role, "--as", "admin"] + h).expectSuccess()
        }
    }

    @Test func importedManifestsAreCataloguedNeverOrderableAndCanBeRequested() throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        let h = ["--home", home]
        let initialised = try DepotBinary.run(["init", "--no-demo"] + h)
        #expect(initialised.succeeded, "\(initialised.stderr)")
        #expect(initialised.stdout.contains("not orderable until packaged"))
        let entries = try catalog(h)
        #expect(entries.count >= 120)
        #expect(entries.allSatisfy { $0["state"] as? String == "catalogued" })
        #expect(entries.allSatisfy { $0["signed"] as? Bool == false && $0["orderable"] as? Bool == false && $0["tested"] as? Bool == false })
        #expect(entries.allSatisfy { $0["licenceScope"] == nil && $0["sha256"] == nil })
        #expect(try catalog(h, ["--state", "published"]).isEmpty)
        // The human listing never says signed or orderable for them.
        let table = try DepotBinary.run(["catalog", "list", "--program", "mozilla-firefox"] + h).stdout
        #expect(table.contains("catalogued") && !table.contains("yes "))

        // Upstream releases come from the manifests, so the currency report knows the programs.
        let report = try #require(try json(try DepotBinary.run(["currency", "report", "--json", "--as", "admin"] + h)) as? [String: Any])
        let programs = try #require(report["programs"] as? [[String: Any]])
        let firefox = try #require(programs.first { $0["program"] as? String == "mozilla-firefox" })
        #expect(firefox["status"] as? String != "unknown")
        #expect(firefox["upstreamLatest"] as? String == "134.0")

        // Not orderable: the order is refused with the reason.
        try users(h, [("pat", "packager")])
        let order = try DepotBinary.run(["orders", "quote", "--program", "mozilla-firefox", "--group", "7b:28:devices",
                                         "--cost-ref", "140:52120", "--environment", "admin", "--as", "pat"] + h)
        #expect(!order.succeeded && order.stderr.contains("no published version"))

        // A packaging request is recorded and audited; one for a version that does not exist is refused.
        let requested = try #require(try json(try DepotBinary.run(
            ["catalog", "request-packaging", "mozilla-firefox", "--version", "134.0", "--note", "baseline browser", "--json", "--as", "pat"] + h))
            as? [String: Any])
        #expect(requested["state"] as? String == "catalogued" && requested["requestedBy"] as? String == "pat")
        let unknown = try DepotBinary.run(["catalog", "request-packaging", "mozilla-firefox", "--version", "999.0", "--as", "pat"] + h)
        #expect(!unknown.succeeded && unknown.stderr.contains("has no version '999.0'"))
        let listed = try #require(try json(try DepotBinary.run(["catalog", "packaging-requests", "--json"] + h)) as? [[String: Any]])
        #expect(listed.count == 1)
        let audit = try DepotBinary.run(["audit", "list", "--json", "--as", "admin"] + h).stdout
        #expect(audit.contains("packaging.request"))

        // The API and the portal offer the same request.
        let token = try #require(try json(try DepotBinary.run(["users", "add", "nils", "--role", "packager", "--json", "--as", "admin"] + h))
            as? [String: Any])["token"] as? String
        let server = try RunningServer(arguments: ["serve"] + h)
        defer { server.stop() }
        let body = try dir.write("request.json", #"{"version": "6.0.604.0"}"#)
        let created = try HTTPExchange.request("POST", server.baseURL + "/api/v1/programs/geogebra-classic/packaging-requests",
                                               token: token, bodyFile: body.path)
        #expect(created.status == 201, "\(created.body)")
        let api = try HTTPExchange.get(server.baseURL + "/api/v1/catalog?state=catalogued", token: token)
        #expect((api.json as? [[String: Any]])?.allSatisfy { $0["orderable"] as? Bool == false } == true)
    }

    @Test func initInTheCheckoutRunsTheRealPipelineAndElsewhereStartsEmpty() throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        let h = ["--home", home]
        let initialised = try #require(try json(try DepotBinary.run(["init", "--json"] + h)) as? [String: Any])
        let demo = try #require(initialised["demo"] as? [String: Any])
        #expect((demo["skipped"] as? [Any])?.isEmpty == true, "\(demo)")
        let published = try catalog(h, ["--state", "published"])
        let programs = Set(published.compactMap { $0["program"] as? String })
        #expect(programs.count >= 8, "\(programs)")
        #expect(published.allSatisfy { $0["signed"] as? Bool == true && $0["tested"] as? Bool == true && $0["orderable"] as? Bool == true })
        // Installers of four kinds, each with a stored signature that openssl verifies against the root.
        let types = Set(published.compactMap { $0["installerType"] as? String })
        #expect(types.count >= 3, "\(types)")
        let tree = home + "/published/catalog"
        for entry in published {
            let sha = try #require(entry["sha256"] as? String)
            let verified = try Tools.run("openssl", ["cms", "-verify", "-binary", "-inform", "DER", "-in", "\(tree)/packages/\(sha).p7s",
                                                     "-content", "\(tree)/packages/\(sha)", "-CAfile", home + "/keys/root.pem",
                                                     "-purpose", "any", "-out", "/dev/null"])
            #expect(verified.succeeded, "\(entry["program"] ?? "") \(verified.stderr)")
        }
        #expect(try DepotBinary.run(["verify-publication", tree, "--root", home + "/keys/root.pem"]).succeeded)
        #expect(FileManager.default.fileExists(atPath: home + "/published/edu/index.json"))
        // Distinct people did each step, and the audit chain holds.
        let audit = try #require(try json(try DepotBinary.run(["audit", "list", "--json", "--as", "alva"] + h)) as? [[String: Any]])
        func actors(_ action: String) -> Set<String> { Set(audit.filter { $0["action"] as? String == action }.compactMap { $0["actor"] as? String }) }
        #expect(actors("submission.create") == ["maja"] && actors("licence.approve") == ["olle"])
        #expect(actors("package.test.pass") == ["tove"] && actors("package.sign") == ["ebba"] && actors("catalog.publish") == ["hugo"])
        #expect(try DepotBinary.run(["audit", "verify"] + h).succeeded)
        // The test records name the tester and keep evidence.
        let testRecords = audit.filter { $0["action"] as? String == "package.test.pass" }.compactMap { $0["after"] as? String }
        #expect(testRecords.count == published.count)
        #expect(testRecords.allSatisfy { $0.contains(#""testedBy":"tove""#) && $0.contains(#""evidenceSha256":""#) })
        // Current, grace and violation, from dates relative to today.
        let report = try #require(try json(try DepotBinary.run(["currency", "report", "--json", "--as", "hugo"] + h)) as? [String: Any])
        let statuses = Set((report["programs"] as? [[String: Any]] ?? []).compactMap { $0["status"] as? String })
        #expect(statuses.isSuperset(of: ["current", "grace", "violation"]), "\(statuses)")
        // An order for a published program goes through.
        let order = try DepotBinary.run(["orders", "quote", "--program", "mozilla-firefox", "--group", "7b:28:devices",
                                         "--cost-ref", "140:52120", "--environment", "admin", "--as", "maja"] + h)
        #expect(order.succeeded, "\(order.stderr)")

        // In any other folder, init starts empty.
        let elsewhere = dir.url.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        let other = dir.url.appendingPathComponent("other").path
        let empty = try Tools.run(DepotBinary.path, ["init", "--home", other], in: elsewhere,
                                  environment: ["DEPOT_HOME": "", "DEPOT_USER": "", "DEPOT_LOG_LEVEL": "warning"])
        #expect(empty.succeeded, "\(empty.stderr)")
        #expect(try catalog(["--home", other]).isEmpty)
    }

    @Test func aReviewHasItsSubmissionsNumberEvenAfterAQuarantinedUpload() throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        let h = ["--home", home]
        try DepotBinary.run(["init", "--no-catalog"] + h).expectSuccess()
        try users(h, [("pat", "packager"), ("rita", "licence-reviewer")])
        let good = try Fixtures.debianPackage(in: dir, name: "numbered-tool", licence: "MIT", payloadBytes: 2048)
        let broken = try Fixtures.truncated(good, to: 300, in: dir)
        let quarantined = try DepotBinary.run(["submit", broken.path, "--as", "pat"] + h)
        #expect(!quarantined.succeeded && quarantined.stderr.contains("quarantined"))
        let submitted = try #require(try json(try DepotBinary.run(["submit", good.path, "--json", "--as", "pat"] + h)) as? [String: Any])
        let id = try #require((submitted["submission"] as? [String: Any])?["id"] as? Int)
        #expect(id == 2)
        let reviews = try #require(try json(try DepotBinary.run(["reviews", "list", "--json", "--as", "rita"] + h)) as? [[String: Any]])
        #expect(reviews.map { $0["id"] as? Int } == [id] && reviews.map { $0["submission"] as? Int } == [id])
        #expect(try DepotBinary.run(["reviews", "list", "--as", "rita"] + h).stdout.contains("SUBMISSION"))
        let help = try DepotBinary.run(["reviews", "decide", "--help"])
        #expect(help.stdout.contains("The submission number"))
        // The message that says the licence comes first names the command with the right number.
        let early = try DepotBinary.run(["classify", String(id), "--as", "pat"] + h)
        let sign = try DepotBinary.run(["test", String(id), "--passed", "--notes", "x", "--as", "pat"] + h)
        #expect(!sign.succeeded && sign.stderr.contains("depot reviews decide \(id) --approve"), "\(sign.stderr) \(early.stderr)")
        let wrong = try DepotBinary.run(["reviews", "decide", "1", "--approve", "--scope", "both", "--reason", "x", "--as", "rita"] + h)
        #expect(!wrong.succeeded && wrong.stderr.contains("submission 1 has no licence review"))
        try DepotBinary.run(["reviews", "decide", String(id), "--approve", "--scope", "both", "--reason", "MIT", "--as", "rita"] + h).expectSuccess()
    }

    @Test func differentBytesForAKnownVersionAreRefusedUnlessAVariantIsDeclared() throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        let h = ["--home", home]
        try DepotBinary.run(["init", "--no-catalog"] + h).expectSuccess()
        try users(h, [("pat", "packager")])
        let first = try Fixtures.debianPackage(in: dir, name: "twin-tool", version: "1.0", licence: "MIT", payloadBytes: 1000)
        try DepotBinary.run(["submit", first.path, "--as", "pat"] + h).expectSuccess()
        let other = try TemporaryDirectory()
        let second = try Fixtures.debianPackage(in: other, name: "twin-tool", version: "1.0", licence: "MIT", payloadBytes: 2000)
        let refused = try DepotBinary.run(["submit", second.path, "--as", "pat"] + h)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("twin-tool 1.0 is already submission 1") && refused.stderr.contains("--variant"), "\(refused.stderr)")
        // The API answers 409 with the same reason.
        let token = try #require(try json(try DepotBinary.run(["users", "token", "pat", "--json", "--as", "admin"] + h)) as? [String: Any])["token"] as? String
        let server = try RunningServer(arguments: ["serve"] + h)
        defer { server.stop() }
        let upload = try HTTPExchange.request("POST", server.baseURL + "/api/v1/submissions?filename=twin.deb", token: token, bodyFile: second.path)
        #expect(upload.status == 409 && upload.body.contains("already submission 1"), "\(upload.status) \(upload.body)")
        let variant = try DepotBinary.run(["submit", second.path, "--variant", "arm64", "--as", "pat"] + h)
        #expect(variant.succeeded, "\(variant.stderr)")
        let badVariant = try DepotBinary.run(["submit", first.path, "--variant", "no spaces", "--as", "pat"] + h)
        #expect(!badVariant.succeeded && badVariant.stderr.contains("--variant"))
        let rows = try catalog(h, ["--program", "twin-tool"])
        let keys = rows.map { "\($0["version"] ?? "")|\($0["variant"] ?? "")" }
        #expect(rows.count == 2 && Set(keys).count == 2, "\(keys)")
    }

    @Test func packagersCorrectFactsAndReviewersConcludeTheLicenceFromTheText() throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        let h = ["--home", home]
        try DepotBinary.run(["init", "--no-catalog"] + h).expectSuccess()
        try users(h, [("pat", "packager"), ("rita", "licence-reviewer")])
        // A zip whose licence file is the Apache-2.0 text and whose metadata says nothing.
        let folder = dir.url.appendingPathComponent("zip-src")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "/usr/share/common-licenses/Apache-2.0", toPath: folder.appendingPathComponent("LICENSE").path)
        try Data("tool\n".utf8).write(to: folder.appendingPathComponent("tool.txt"))
        let zip = dir.url.appendingPathComponent("plain-tool.zip")
        try Tools.require("zip", ["-q", "-j", zip.path, folder.appendingPathComponent("LICENSE").path, folder.appendingPathComponent("tool.txt").path])
        let badCategory = try DepotBinary.run(["submit", zip.path, "--program", "plain-tool", "--version", "1.0", "--publisher", "Plain",
                                               "--category", "nonsense", "--as", "pat"] + h)
        #expect(!badCategory.succeeded && badCategory.stderr.contains("--category 'nonsense'"))
        try DepotBinary.run(["submit", zip.path, "--program", "plain-tool", "--version", "1.0", "--publisher", "Plain Ltd",
                             "--name", "Plain Tool", "--category", "education", "--description", "Draws plain shapes.",
                             "--homepage", "https://plain.example/", "--as", "pat"] + h).expectSuccess()
        let entry = try #require(try catalog(h, ["--program", "plain-tool"]).first)
        #expect(entry["name"] as? String == "Plain Tool" && entry["category"] as? String == "education")

        // The reviewer reads the text with the detected match marked.
        let text = try DepotBinary.run(["reviews", "text", "1", "--as", "rita"] + h)
        #expect(text.succeeded, "\(text.stderr)")
        #expect(text.stdout.contains("== LICENSE") && text.stdout.contains("[Apache-2.0]") && text.stdout.contains("Apache License"))
        let texts = try #require(try json(try DepotBinary.run(["reviews", "text", "1", "--json", "--as", "rita"] + h)) as? [[String: Any]])
        #expect((texts.first?["matches"] as? [Any])?.isEmpty == false)
        // A concluded licence is kept beside the detected one; a malformed one is refused with the reason.
        let malformed = try DepotBinary.run(["reviews", "decide", "1", "--approve", "--scope", "both", "--reason", "x",
                                             "--licence", "Apache-2.0 AND (", "--as", "rita"] + h)
        #expect(!malformed.succeeded && malformed.stderr.contains("not an SPDX expression"))
        let decided = try #require(try json(try DepotBinary.run(
            ["reviews", "decide", "1", "--approve", "--scope", "both", "--reason", "the notice file adds MIT parts",
             "--licence", "Apache-2.0 AND MIT", "--json", "--as", "rita"] + h)) as? [String: Any])
        #expect(decided["concluded"] as? String == "Apache-2.0 AND MIT")
        #expect(decided["expression"] as? String == "Apache-2.0")
        #expect(try catalog(h, ["--program", "plain-tool"]).first?["licence"] as? String == "Apache-2.0 AND MIT")
    }

    @Test func signedAppearsOnlyWhereTheStoredSignatureVerifies() throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        let h = ["--home", home]
        try DepotBinary.run(["init", "--no-catalog"] + h).expectSuccess()
        try users(h, [("pat", "packager"), ("rita", "licence-reviewer"), ("sam", "signer"), ("rel", "release-manager")])
        let deb = try Fixtures.debianPackage(in: dir, name: "earned-tool", licence: "MIT", payloadBytes: 1024)
        try DepotBinary.run(["submit", deb.path, "--as", "pat"] + h).expectSuccess()
        try DepotBinary.run(["reviews", "decide", "1", "--approve", "--scope", "both", "--reason", "MIT", "--as", "rita"] + h).expectSuccess()
        try DepotBinary.run(["classify", "1", "--as", "pat"] + h).expectSuccess()
        #expect(try catalog(h).first?["tested"] as? Bool == false)
        try DepotBinary.run(["test", "1", "--passed", "--notes", "installs and uninstalls", "--as", "pat"] + h).expectSuccess()
        #expect(try catalog(h).first?["tested"] as? Bool == true)
        #expect(try catalog(h).first?["signed"] as? Bool == false)
        let signed = try #require(try json(try DepotBinary.run(["sign", "1", "--json", "--as", "sam"] + h)) as? [String: Any])
        try DepotBinary.run(["publish", "--as", "rel"] + h).expectSuccess()
        var entry = try #require(try catalog(h).first)
        #expect(entry["state"] as? String == "published" && entry["signed"] as? Bool == true && entry["orderable"] as? Bool == true)
        // A damaged stored signature: the state name stays, but the catalog no longer says signed or orderable.
        let signatureFile = try #require(signed["signatureFile"] as? String)
        _ = chmod(signatureFile, 0o644)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: signatureFile))
        bytes[bytes.count - 10] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: signatureFile))
        entry = try #require(try catalog(h).first)
        #expect(entry["state"] as? String == "published" && entry["signed"] as? Bool == false && entry["orderable"] as? Bool == false)
    }

    @Test func anExistingStoreMigratesHonestly() throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        let h = ["--home", home]
        try DepotBinary.run(["init", "--no-demo"] + h).expectSuccess()
        // The store as the previous version left it: every imported version "published" with a scope, no upstream
        // releases, and none of this migration's tables, columns or record.
        try Tools.require("sqlite3", [home + "/depot.sqlite", """
            UPDATE packageVersion SET state = 'published', licenceScope = 'both'; DELETE FROM upstreamRelease;
            ALTER TABLE licenceReview DROP COLUMN concluded; ALTER TABLE licenceReview DROP COLUMN texts;
            DROP TABLE packagingRequest; DELETE FROM grdb_migrations WHERE identifier = 'v12-truth-catalogued';
            """])
        let entries = try catalog(h)
        #expect(entries.count >= 120)
        #expect(entries.allSatisfy { $0["state"] as? String == "catalogued" && $0["licenceScope"] == nil && $0["orderable"] as? Bool == false })
        let releases = try #require(try json(try DepotBinary.run(["upstream", "list", "--json", "--as", "admin"] + h)) as? [[String: Any]])
        #expect(releases.count == entries.count)
        let audit = try DepotBinary.run(["audit", "list", "--json", "--as", "admin"] + h).stdout
        #expect(audit.contains("store.migrate") && audit.contains(#"\"catalogued\":\#(entries.count)"#))
        #expect(try DepotBinary.run(["audit", "verify"] + h).succeeded)
    }
}
