import DepotTestSupport
import Foundation
import Testing

/// Certification through the real binary: keys, test record, signature, publication, and the client's checks,
/// with the `openssl` binary as the independent verifier.
@Suite(.serialized) struct SigningCLITests {
    func json(_ result: ToolResult) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    func openssl(_ content: String, _ signature: String, root: String) throws -> ToolResult {
        try Tools.run("openssl", ["cms", "-verify", "-binary", "-inform", "DER", "-in", signature, "-content", content,
                                  "-CAfile", root, "-purpose", "any", "-out", "/dev/null"])
    }

    /// Flips one byte of a file in place.
    func flipByte(_ path: String, at offset: Int) throws {
        _ = chmod(path, 0o644)
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        data[offset] ^= 0x01
        try data.write(to: URL(fileURLWithPath: path))
    }

    @Test func aPackageIsTestedSignedPublishedAndEveryTamperingIsNamed() throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        let h = ["--home", home]
        let initResult = try DepotBinary.run(["init", "--no-catalog"] + h)
        #expect(initResult.succeeded && initResult.stdout.contains("clients pin"))
        let root = home + "/keys/root.pem"
        // Keys: public facts only; a second init is refused rather than overwriting.
        let shown = try DepotBinary.run(["keys", "show", "--json"] + h)
        #expect(!shown.stdout.contains("PRIVATE KEY"))
        let roles = try #require(try json(shown) as? [[String: Any]]).compactMap { $0["role"] as? String }
        #expect(roles == ["root", "catalog", "edu"])
        let again = try DepotBinary.run(["keys", "init", "--as", "admin"] + h)
        #expect(!again.succeeded && again.stderr.contains("never overwrites keys"))

        for (name, role) in [("pat", "packager"), ("rita", "licence-reviewer"), ("sam", "signer"), ("rel", "release-manager")] {
            try DepotBinary.run(["users", "add", name, "--role", role, "--as", "admin"] + h).expectSuccess()
        }
        let deb = try Fixtures.debianPackage(in: dir, name: "signed-tool", licence: "MIT", payloadBytes: 4096)
        try DepotBinary.run(["submit", deb.path, "--as", "pat"] + h).expectSuccess()
        let early = try DepotBinary.run(["sign", "1", "--as", "sam"] + h)
        #expect(early.status == 1 && early.stderr.contains("licence must be approved first"))
        let reviews = try #require(try json(try DepotBinary.run(["reviews", "list", "--pending", "--json", "--as", "rita"] + h)) as? [[String: Any]])
        let review = try #require(reviews.first?["id"] as? Int)
        try DepotBinary.run(["reviews", "decide", String(review), "--approve", "--scope", "both", "--reason", "MIT", "--as", "rita"] + h)
            .expectSuccess()
        try DepotBinary.run(["classify", "1", "--as", "pat"] + h).expectSuccess()
        let notTested = try DepotBinary.run(["sign", "1", "--as", "sam"] + h)
        #expect(notTested.stderr.contains("depot test 1 --passed"))
        let both = try DepotBinary.run(["test", "1", "--passed", "--failed", "--notes", "x", "--as", "pat"] + h)
        #expect(both.status == 64 || both.stderr.contains("exactly one"))
        try DepotBinary.run(["test", "1", "--passed", "--notes", "installs, starts, uninstalls", "--as", "pat"] + h).expectSuccess()
        let bySubmitter = try DepotBinary.run(["sign", "1", "--as", "rita"] + h)
        #expect(!bySubmitter.succeeded && bySubmitter.stderr.contains("to sign packages you need the role signer"))
        let signed = try #require(try json(try DepotBinary.run(["sign", "1", "--json", "--as", "sam"] + h)) as? [String: Any])
        let signature = try #require(signed["signatureFile"] as? String)

        // The installer verifies with Depot and with openssl; a changed byte is caught by both.
        #expect(try DepotBinary.run(["verify", deb.path, "--signature", signature] + h).stdout.contains("Valid"))
        #expect(try openssl(deb.path, signature, root: root).succeeded)
        let changed = try dir.write("changed.deb", try Data(contentsOf: deb))
        try flipByte(changed.path, at: 200)
        let badFile = try DepotBinary.run(["verify", changed.path, "--signature", signature, "--root", root])
        #expect(badFile.status == 1 && badFile.stderr.contains("content changed after it was signed"))
        #expect(!(try openssl(changed.path, signature, root: root).succeeded))
        let badSignature = try dir.write("bad.p7s", try Data(contentsOf: URL(fileURLWithPath: signature)))
        try flipByte(badSignature.path, at: try Data(contentsOf: badSignature).count - 10)
        let badSig = try DepotBinary.run(["verify", deb.path, "--signature", badSignature.path, "--root", root])
        #expect(badSig.status != 0 && badSig.stderr.contains("bad.p7s"))

        // Publish: the package becomes orderable; the tree verifies with the client check and with openssl.
        let tree = dir.url.appendingPathComponent("www").path
        let state = dir.url.appendingPathComponent("client.json").path
        let published = try #require(try json(try DepotBinary.run(["publish", "--out", tree, "--json", "--as", "rel"] + h)) as? [String: Any])
        #expect(published["version"] as? Int == 1 && published["packages"] as? Int == 1)
        let catalogText = try String(contentsOfFile: tree + "/catalog.json", encoding: .utf8)
        #expect(catalogText.contains("\"program\":\"signed-tool\"") && catalogText.contains("\"scope\":\"both\""))
        #expect(try openssl(tree + "/catalog.json", tree + "/catalog.json.p7s", root: root).succeeded)
        let ok = try DepotBinary.run(["verify-publication", tree, "--root", root, "--state", state])
        #expect(ok.succeeded && ok.stdout.contains("Valid."), "\(ok.stderr)")

        // A rotated key signs the next catalog; what the old key signed still verifies.
        try DepotBinary.run(["keys", "rotate", "--role", "catalog", "--as", "admin"] + h).expectSuccess()
        #expect(try DepotBinary.run(["verify", deb.path, "--signature", signature] + h).succeeded)
        let older = try Data(contentsOf: URL(fileURLWithPath: tree + "/catalog.json"))
        let olderSignature = try Data(contentsOf: URL(fileURLWithPath: tree + "/catalog.json.p7s"))
        try DepotBinary.run(["publish", "--out", tree, "--as", "rel"] + h).expectSuccess()
        let second = try DepotBinary.run(["verify-publication", tree, "--root", root, "--state", state, "--json"])
        let secondReport = try #require(try json(second) as? [String: Any])
        #expect(secondReport["catalogVersion"] as? Int == 2)
        #expect(((secondReport["signer"] as? [String: Any])?["subject"] as? String)?.hasSuffix("signing key 2") == true)

        // Rollback: the version 1 document after version 2 is refused.
        try older.write(to: URL(fileURLWithPath: tree + "/catalog.json"))
        try olderSignature.write(to: URL(fileURLWithPath: tree + "/catalog.json.p7s"))
        let rollback = try DepotBinary.run(["verify-publication", tree, "--root", root, "--state", state])
        #expect(rollback.status == 1 && rollback.stderr.contains("rollback"), "\(rollback.stderr)")
        try DepotBinary.run(["publish", "--out", tree, "--as", "rel"] + h).expectSuccess()

        // Expired: the same tree checked after its expiry.
        let expired = try DepotBinary.run(["verify-publication", tree, "--root", root, "--at", "2099-01-01T00:00:00Z"])
        #expect(expired.status == 1 && expired.stderr.contains("expired"), "\(expired.stderr)")

        // One byte changed in a published package, its signature, or catalog.json: each named.
        let packageName = try #require(try FileManager.default.contentsOfDirectory(atPath: tree + "/packages").first { !$0.hasSuffix(".p7s") })
        let package = tree + "/packages/" + packageName
        let savedPackage = try Data(contentsOf: URL(fileURLWithPath: package))
        try flipByte(package, at: 100)
        let badPackage = try DepotBinary.run(["verify-publication", tree, "--root", root])
        #expect(badPackage.status == 1 && badPackage.stderr.contains("sha256 is"), "\(badPackage.stderr)")
        try savedPackage.write(to: URL(fileURLWithPath: package))
        let savedSignature = try Data(contentsOf: URL(fileURLWithPath: package + ".p7s"))
        try flipByte(package + ".p7s", at: savedSignature.count - 10)
        let badPackageSignature = try DepotBinary.run(["verify-publication", tree, "--root", root])
        #expect(badPackageSignature.status == 1 && badPackageSignature.stderr.contains(".p7s"), "\(badPackageSignature.stderr)")
        try savedSignature.write(to: URL(fileURLWithPath: package + ".p7s"))
        let catalog = tree + "/catalog.json"
        let text = try String(contentsOfFile: catalog, encoding: .utf8)
        try text.replacingOccurrences(of: "\"scope\":\"both\"", with: "\"scope\":\"admn\"").write(toFile: catalog, atomically: true, encoding: .utf8)
        let badCatalog = try DepotBinary.run(["verify-publication", tree, "--root", root])
        #expect(badCatalog.status == 1 && badCatalog.stderr.contains("catalog.json"), "\(badCatalog.stderr)")
        #expect(!(try openssl(catalog, catalog + ".p7s", root: root).succeeded))

        // A world-readable key is refused, with the fix.
        _ = chmod(home + "/keys/catalog-2.key", 0o644)
        let exposed = try DepotBinary.run(["publish", "--out", tree, "--as", "rel"] + h)
        #expect(exposed.status == 1 && exposed.stderr.contains("can be read by others") && exposed.stderr.contains("chmod 600"))
    }

    @Test func testsAndSignaturesOverHTTP() throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        let h = ["--home", home]
        try DepotBinary.run(["init", "--no-catalog"] + h).expectSuccess()
        func token(_ name: String, _ role: String) throws -> String {
            let out = try DepotBinary.run(["users", "add", name, "--role", role, "--as", "admin", "--json"] + h)
            return try #require((try json(out) as? [String: Any])?["token"] as? String)
        }
        let pat = try token("pat", "packager")
        let sam = try token("sam", "signer")
        _ = try token("rita", "licence-reviewer")
        let deb = try Fixtures.debianPackage(in: dir, name: "api-tool", licence: "MIT")
        try DepotBinary.run(["submit", deb.path, "--as", "pat"] + h).expectSuccess()
        try DepotBinary.run(["reviews", "decide", "1", "--approve", "--scope", "admin", "--reason", "MIT", "--as", "rita"] + h).expectSuccess()
        try DepotBinary.run(["classify", "1", "--as", "pat"] + h).expectSuccess()

        let server = try RunningServer(arguments: ["serve"] + h)
        defer { server.stop() }
        let base = server.baseURL + "/api/v1"
        let early = try HTTPExchange.request("POST", base + "/submissions/1/signature", token: sam)
        #expect(early.status == 409 && early.body.contains("must pass a test first"))
        let body = try dir.write("test.json", #"{"passed": true, "notes": "installs and starts"}"#)
        #expect(try HTTPExchange.request("POST", base + "/submissions/1/tests", token: sam, bodyFile: body.path).status == 201)
        let bad = try dir.write("bad.json", #"{"passed": "yes"}"#)
        #expect(try HTTPExchange.request("POST", base + "/submissions/1/tests", token: pat, bodyFile: bad.path).status == 400)
        #expect(try HTTPExchange.request("POST", base + "/submissions/1/signature", token: pat).status == 403)
        let signed = try HTTPExchange.request("POST", base + "/submissions/1/signature", token: sam)
        #expect(signed.status == 201 && (signed.json as? [String: Any])?["state"] as? String == "signed")
        #expect(try HTTPExchange.request("POST", base + "/submissions/1/signature", token: sam).status == 200)
        let keys = try HTTPExchange.get(base + "/keys", token: pat)
        #expect(keys.status == 200 && keys.body.contains("BEGIN CERTIFICATE") && !keys.body.contains("PRIVATE"))
    }
}

extension ToolResult {
    /// Records a test issue with the command's stderr when it failed.
    func expectSuccess(sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(succeeded, "exit \(status): \(stderr)", sourceLocation: sourceLocation)
    }
}
