import DepotCrypto
import DepotTestSupport
import Foundation
import Signing
import Testing

@Suite("Key store")
struct KeyStoreTests {
    @Test("init creates a CA root and one signing key per role, key files readable by the owner only")
    func initialiseCreatesKeys() throws {
        let fixture = try SigningFixture()
        let keys = fixture.store.directory
        for name in ["root.key", "catalog-1.key", "edu-1.key"] {
            #expect(try SigningFixture.mode(keys.appendingPathComponent(name)) == 0o600, "\(name)")
        }
        let root = try fixture.root()
        #expect(root.isCertificateAuthority)
        let catalog = try fixture.signer(.catalog).certificate
        #expect(!catalog.isCertificateAuthority)
        #expect(catalog.subjectAttribute("OU") == "catalog")
        #expect(catalog.trust(root: root, at: fixture.now) == .trusted)
        #expect(Int(catalog.notAfter.timeIntervalSince(fixture.now) / 86_400) == 730)
        #expect(Int(root.notAfter.timeIntervalSince(fixture.now) / 86_400) == 3650)

        let shown = try fixture.store.show()
        #expect(shown.map(\.role) == ["root", "catalog", "edu"])
        #expect(shown.map(\.status) == [.root, .current, .current])
        #expect(shown[1].fingerprint == catalog.fingerprint)
        let json = String(decoding: try JSONEncoder().encode(shown), as: UTF8.self)
        #expect(!json.contains("PRIVATE KEY"))

        // The real tool agrees that the signing certificates chain to the root.
        try Tools.require("openssl", ["verify", "-CAfile", keys.appendingPathComponent("root.pem").path,
                                      keys.appendingPathComponent("catalog-1.pem").path,
                                      keys.appendingPathComponent("edu-1.pem").path])
    }

    @Test("init refuses to overwrite existing keys")
    func initialiseTwiceRefused() throws {
        let fixture = try SigningFixture()
        let before = try fixture.root().fingerprint
        let error = signingErrorCode {
            try fixture.store.initialise(validity: KeyValidity(), now: fixture.now)
        }
        #expect(error?.code == "signing.keys-exist")
        #expect(error?.message.contains("depot keys rotate") == true)
        #expect(try fixture.root().fingerprint == before)
    }

    @Test("a key file others can read is refused, naming the file and chmod 600")
    func worldReadableKeyRefused() throws {
        let fixture = try SigningFixture()
        let keyFile = fixture.store.directory.appendingPathComponent("catalog-1.key")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: keyFile.path)
        let error = signingErrorCode { _ = try fixture.signer(.catalog) }
        #expect(error?.code == "signing.key-permissions")
        #expect(error?.message.contains("chmod 600 \(keyFile.path)") == true)
        // Group-readable is just as bad.
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: keyFile.path)
        #expect(signingErrorCode { _ = try fixture.signer(.catalog) }?.code == "signing.key-permissions")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyFile.path)
        #expect(signingErrorCode { _ = try fixture.signer(.catalog) } == nil)
    }

    @Test("rotate makes a new current key; what the old key signed still verifies")
    func rotateKeepsOldCertificates() throws {
        let fixture = try SigningFixture()
        let content = SigningFixture.bytes(4096, seed: 1)
        let old = try fixture.signer(.catalog)
        let oldSignature = try PackageSignature.sign(bytes: content, with: old)

        let info = try fixture.store.rotate(role: .catalog, validity: KeyValidity(), now: fixture.now)
        #expect(info.generation == 2)
        #expect(info.status == .current)
        let new = try fixture.signer(.catalog)
        #expect(new.certificate.fingerprint != old.certificate.fingerprint)
        #expect(new.certificate.fingerprint == info.fingerprint)
        #expect(try SigningFixture.mode(fixture.store.directory.appendingPathComponent("catalog-2.key")) == 0o600)

        let root = try fixture.root()
        let oldSigner = try PackageSignature.verify(content: .bytes(content), signature: oldSignature, root: root,
                                                    now: fixture.now, contentName: "content", signatureName: "old.p7s")
        #expect(oldSigner.fingerprint == old.certificate.fingerprint)
        let newSignature = try PackageSignature.sign(bytes: content, with: new)
        let newSigner = try PackageSignature.verify(content: .bytes(content), signature: newSignature, root: root,
                                                    now: fixture.now, contentName: "content", signatureName: "new.p7s")
        #expect(newSigner.fingerprint == new.certificate.fingerprint)

        let catalog = try fixture.store.show().filter { $0.role == "catalog" }
        #expect(catalog.map(\.generation) == [2, 1])
        #expect(catalog.map(\.status) == [.current, .retired])
        // The edu key is untouched by a catalog rotation.
        #expect(try fixture.store.show().filter { $0.role == "edu" }.map(\.generation) == [1])
    }
}
