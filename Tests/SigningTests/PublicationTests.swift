import DepotCrypto
import DepotTestSupport
import Foundation
import Signing
import Testing

@Suite("Publication tree")
struct PublicationTests {
    /// Publishes three packages into `<home>/public` at `version`; returns the tree.
    @discardableResult
    private func publish(_ fixture: SigningFixture, version: Int, issued: Date? = nil) throws -> URL {
        let tree = fixture.home.file("public")
        let signer = try fixture.signer(.catalog)
        let writer = PublicationWriter(directory: tree, signer: signer, root: try fixture.root())
        var entries: [PublishedPackage] = []
        for (index, program) in ["firefox", "libreoffice", "7zip"].enumerated() {
            let bytes = SigningFixture.bytes(50_000 + index * 1000, seed: UInt64(index + 10))
            let blob = try fixture.home.write("blobs/\(program)", Data(bytes))
            let entry = PublishedPackage(program: program, version: "1.\(index)", sha256: SHA256Hasher.hex(bytes),
                                         size: Int64(bytes.count), licence: "MPL-2.0", scope: "both",
                                         platforms: ["windows-x64"], tier: "baseline")
            try writer.addPackage(blob: blob, signature: try PackageSignature.sign(file: blob, with: signer), entry: entry)
            entries.append(entry)
        }
        let issuedAt = issued ?? fixture.now
        try writer.writeCatalog(packages: entries, version: version, issued: issuedAt,
                                expires: issuedAt.addingTimeInterval(7 * 86_400))
        return tree
    }

    @Test("a published tree verifies, the state file remembers the version, and openssl accepts catalog.json.p7s")
    func verifies() throws {
        let fixture = try SigningFixture()
        let tree = try publish(fixture, version: 1)
        let state = fixture.home.file("state.json")
        let report = try PublicationVerifier(root: try fixture.root()).verify(directory: tree, stateFile: state, now: fixture.now)
        #expect(report.isValid)
        #expect(report.catalogVersion == 1)
        #expect(report.packagesChecked == 3)
        #expect(report.bytesChecked == 50_000 + 51_000 + 52_000)
        #expect(try PublicationState.read(state)?.lastSeenVersion == 1)

        let tool = try Tools.run("openssl", [
            "cms", "-verify", "-binary", "-inform", "DER", "-in", tree.appendingPathComponent("catalog.json.p7s").path,
            "-content", tree.appendingPathComponent("catalog.json").path,
            "-CAfile", tree.appendingPathComponent("root.pem").path, "-purpose", "any", "-out", "/dev/null"])
        #expect(tool.succeeded, "\(tool.stderr)")
    }

    @Test("a changed package file is named, with the failed check, and the state is not advanced")
    func changedPackage() throws {
        let fixture = try SigningFixture()
        let tree = try publish(fixture, version: 2)
        let listing = try SignedDocument.verify(data: Array(try Data(contentsOf: tree.appendingPathComponent("catalog.json"))),
                                                root: try fixture.root(), now: fixture.now).payload(as: CatalogListing.self)
        let victim = try #require(listing.packages.first { $0.program == "libreoffice" })
        try SigningFixture.flipByte(at: 123, in: tree.appendingPathComponent(victim.path))
        let gone = try #require(listing.packages.first { $0.program == "7zip" })
        try FileManager.default.removeItem(at: tree.appendingPathComponent(gone.path))

        let state = fixture.home.file("state.json")
        let report = try PublicationVerifier(root: try fixture.root()).verify(directory: tree, stateFile: state, now: fixture.now)
        #expect(!report.isValid)
        #expect(report.problems.map(\.file) == [victim.path, gone.path])
        #expect(report.problems.map(\.check) == ["sha256", "missing"])
        #expect(report.problems[0].message.contains("libreoffice"))
        #expect(!FileManager.default.fileExists(atPath: state.path))
        var thrown: SigningError?
        do { try report.requireValid() } catch let error as SigningError { thrown = error }
        #expect(thrown?.message.contains(victim.path) == true)
    }

    @Test("a damaged package signature is named")
    func changedPackageSignature() throws {
        let fixture = try SigningFixture()
        let tree = try publish(fixture, version: 1)
        let listing = try SignedDocument.verify(data: Array(try Data(contentsOf: tree.appendingPathComponent("catalog.json"))),
                                                root: try fixture.root(), now: fixture.now).payload(as: CatalogListing.self)
        let victim = listing.packages[0]
        let signatureURL = tree.appendingPathComponent(victim.signature)
        try SigningFixture.flipByte(at: try Data(contentsOf: signatureURL).count - 2, in: signatureURL)
        let report = try PublicationVerifier(root: try fixture.root()).verify(directory: tree, now: fixture.now)
        #expect(report.problems.map(\.file) == [victim.signature])
        #expect(report.problems.map(\.check) == ["signature"])
    }

    @Test("one byte changed in catalog.json: refused, naming catalog.json")
    func changedCatalog() throws {
        let fixture = try SigningFixture()
        let tree = try publish(fixture, version: 1)
        let catalog = tree.appendingPathComponent("catalog.json")
        var text = try String(contentsOf: catalog, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"size\":50000", with: "\"size\":50001")
        try text.write(to: catalog, atomically: true, encoding: .utf8)
        let error = signingErrorCode {
            _ = try PublicationVerifier(root: try fixture.root()).verify(directory: tree, now: fixture.now)
        }
        #expect(error?.code == "signing.signature-invalid")
        #expect(error?.message.contains(catalog.path) == true)
    }

    @Test("an older catalog after a newer one is refused as a rollback; an expired one as expired")
    func rollbackAndExpiry() throws {
        let fixture = try SigningFixture()
        let state = fixture.home.file("state.json")
        let root = try fixture.root()
        try publish(fixture, version: 5)
        let tree = try publish(fixture, version: 5)
        #expect(try PublicationVerifier(root: root).verify(directory: tree, stateFile: state, now: fixture.now).isValid)

        try publish(fixture, version: 4)
        let rollback = signingErrorCode { _ = try PublicationVerifier(root: root).verify(directory: tree, stateFile: state, now: fixture.now) }
        #expect(rollback?.code == "signing.rollback")
        #expect(try PublicationState.read(state)?.lastSeenVersion == 5)

        try publish(fixture, version: 6)
        let expired = signingErrorCode {
            _ = try PublicationVerifier(root: root).verify(directory: tree, stateFile: state, now: fixture.days(8))
        }
        #expect(expired?.code == "signing.expired")
        #expect(try PublicationVerifier(root: root).verify(directory: tree, stateFile: state, now: fixture.now).catalogVersion == 6)
        #expect(try PublicationState.read(state)?.lastSeenVersion == 6)
    }

    @Test("a tree published under another root is refused")
    func otherRoot() throws {
        let fixture = try SigningFixture()
        let other = try SigningFixture("other")
        let tree = try publish(other, version: 1)
        let error = signingErrorCode { _ = try PublicationVerifier(root: try fixture.root()).verify(directory: tree, now: fixture.now) }
        #expect(error?.code == "signing.untrusted-signer")
    }
}
