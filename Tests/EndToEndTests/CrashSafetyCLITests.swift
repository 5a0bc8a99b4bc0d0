import DepotTestSupport
import Foundation
import Testing

/// Real `depot submit` and `depot publish` processes killed with SIGKILL at chosen points (`DEPOT_CRASH_AT`), and
/// parallel submitters: the database and audit chain stay intact, nothing lasts in `incoming/`, the publication a
/// client reads always verifies, and no version number carries two different documents.
@Suite(.serialized) struct CrashSafetyCLITests {
    func json(_ result: ToolResult) throws -> Any { try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) }

    func incoming(_ home: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: home + "/incoming")) ?? []
    }

    @Test func submitKilledAtEachPointLeavesNothingBehindAndTheNextSubmitSucceeds() throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        let h = ["--home", home]
        try DepotBinary.run(["init", "--no-catalog"] + h).expectSuccess()
        try DepotBinary.run(["users", "add", "pat", "--role", "packager", "--as", "admin"] + h).expectSuccess()
        // Larger than one 1 MiB block, so a kill can land while the copy is being written.
        let deb = try Fixtures.debianPackage(in: dir, name: "crash-tool", payloadBytes: 3 << 20)

        for point in ["intake.copying", "intake.inspected", "blob.renamed", "intake.recorded"] {
            let killed = try DepotBinary.run(["submit", deb.path, "--as", "pat"] + h, environment: ["DEPOT_CRASH_AT": point])
            #expect(!killed.succeeded, "\(point): the process should have been killed")
            // The next start sweeps what the killed run left; the audit chain is whole.
            let verify = try DepotBinary.run(["audit", "verify"] + h)
            #expect(verify.succeeded, "\(point): \(verify.stderr)")
            #expect(incoming(home).isEmpty, "\(point): \(incoming(home))")
        }
        // intake.recorded died after the commit: the submission is there, and resubmitting answers with it.
        let again = try DepotBinary.run(["submit", deb.path, "--as", "pat", "--json"] + h)
        #expect(again.succeeded, "\(again.stderr)")
        let listed = try #require(try json(try DepotBinary.run(["submissions", "list", "--json", "--as", "pat"] + h)) as? [Any])
        #expect(listed.count == 1)
        // The installer is stored once (licence texts are stored as blobs of their own), and every blob is read-only.
        let sha = try #require((listed.first as? [String: Any])?["sha256"] as? String)
        let blobs = try FileManager.default.subpathsOfDirectory(atPath: home + "/blobs/sha256").filter { $0.count == 65 }
        #expect(blobs.filter { $0 == "\(sha.prefix(2))/\(sha.dropFirst(2))" }.count == 1)
        for blob in blobs {
            let mode = try FileManager.default.attributesOfItem(atPath: home + "/blobs/sha256/" + blob)[.posixPermissions] as? Int
            #expect(mode == 0o444, "blob \(blob) has mode \(String(mode ?? 0, radix: 8))")
        }
        #expect(incoming(home).isEmpty)

        // depot doctor: a killed upload's leftover is removed, a writable blob made read-only again, both reported.
        let blob = home + "/blobs/sha256/\(sha.prefix(2))/\(sha.dropFirst(2))"
        _ = chmod(blob, 0o644)
        try Data(count: 1 << 20).write(to: URL(fileURLWithPath: home + "/incoming/upload-killed"))
        let doctor = try DepotBinary.run(["doctor", "--json"] + h)
        #expect(doctor.succeeded, "\(doctor.stderr)")
        let report = try #require(try json(doctor) as? [String: Any])
        #expect((report["incomingRemoved"] as? [String: Any])?["files"] as? Int == 1)
        #expect((report["blobModesRepaired"] as? [String])?.count == 1)
        #expect(report["auditIntact"] as? Bool == true)
        #expect(try FileManager.default.attributesOfItem(atPath: blob)[.posixPermissions] as? Int == 0o444)
    }

    @Test func eightParallelSubmitProcessesGiveOneSubmissionAndEachAClearAnswer() throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        let h = ["--home", home]
        try DepotBinary.run(["init", "--no-catalog"] + h).expectSuccess()
        try DepotBinary.run(["users", "add", "pat", "--role", "packager", "--as", "admin"] + h).expectSuccess()
        let deb = try Fixtures.debianPackage(in: dir, name: "parallel-tool", payloadBytes: 1 << 20)
        let results = ResultBox()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            let result = try? DepotBinary.run(["submit", deb.path, "--as", "pat", "--json"] + h)
            results.append(result)
        }
        let all = results.values
        #expect(all.count == 8)
        for result in all {
            #expect(result?.succeeded == true, "\(result?.stderr ?? "no result")")
            #expect(result?.stderr.contains("SQLite") != true)
        }
        let listed = try #require(try json(try DepotBinary.run(["submissions", "list", "--json", "--as", "pat"] + h)) as? [Any])
        #expect(listed.count == 1)
        #expect(incoming(home).isEmpty)
    }

    @Test func publishKilledAtEachPointLeavesAVerifiablePublicationAndNeverReusesAVersion() throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        let h = ["--home", home]
        try DepotBinary.run(["init", "--no-catalog"] + h).expectSuccess()
        for (name, role) in [("pat", "packager"), ("rita", "licence-reviewer"), ("sam", "signer"), ("rel", "release-manager")] {
            try DepotBinary.run(["users", "add", name, "--role", role, "--as", "admin"] + h).expectSuccess()
        }
        let root = home + "/keys/root.pem"
        let tree = dir.url.appendingPathComponent("www").path
        let state = dir.url.appendingPathComponent("client.json").path
        try DepotBinary.run(["publish", "--out", tree, "--as", "rel"] + h).expectSuccess()
        #expect(try DepotBinary.run(["verify-publication", tree, "--root", root, "--state", state]).succeeded)

        var seen: [Int: String] = [:]
        func record() throws {
            let report = try DepotBinary.run(["verify-publication", tree, "--root", root, "--state", state, "--json"])
            #expect(report.succeeded, "\(report.stderr)")
            let version = try #require(try json(report) as? [String: Any])["catalogVersion"] as? Int ?? -1
            let bytes = try Data(contentsOf: URL(fileURLWithPath: tree + "/catalog.json"))
            let digest = bytes.base64EncodedString()
            if let earlier = seen[version] { #expect(earlier == digest, "version \(version) was published with two different contents") }
            seen[version] = digest
        }
        try record()
        // Each run adds a package, so every publication differs from the one before.
        for (index, point) in ["publish.reserved", "publish.written", "publish.switched"].enumerated() {
            let deb = try Fixtures.debianPackage(in: dir, name: "pub-tool-\(index)", licence: "MIT", payloadBytes: 2048)
            try DepotBinary.run(["submit", deb.path, "--as", "pat"] + h).expectSuccess()
            let id = String(index + 1)
            let reviews = try #require(try json(try DepotBinary.run(["reviews", "list", "--pending", "--json", "--as", "rita"] + h)) as? [[String: Any]])
            let review = try #require(reviews.first?["id"] as? Int)
            try DepotBinary.run(["reviews", "decide", String(review), "--approve", "--scope", "both", "--reason", "MIT", "--as", "rita"] + h).expectSuccess()
            try DepotBinary.run(["classify", id, "--as", "pat"] + h).expectSuccess()
            try DepotBinary.run(["test", id, "--passed", "--notes", "ok", "--as", "pat"] + h).expectSuccess()
            try DepotBinary.run(["sign", id, "--as", "sam"] + h).expectSuccess()

            let killed = try DepotBinary.run(["publish", "--out", tree, "--as", "rel"] + h, environment: ["DEPOT_CRASH_AT": point])
            #expect(!killed.succeeded, "\(point): the process should have been killed")
            // Whatever the kill left, a client reads a complete, verifiable publication.
            try record()
            try DepotBinary.run(["publish", "--out", tree, "--as", "rel"] + h).expectSuccess()
            try record()
            #expect(try DepotBinary.run(["audit", "verify"] + h).succeeded)
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: tree).filter { $0.hasSuffix(".link") || $0.contains(".atomic") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }
}

/// Results gathered from concurrent threads.
final class ResultBox: @unchecked Sendable {
    // Guarded by `lock`.
    private let lock = NSLock()
    private var stored: [ToolResult?] = []

    func append(_ result: ToolResult?) {
        lock.lock()
        stored.append(result)
        lock.unlock()
    }

    var values: [ToolResult?] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}
