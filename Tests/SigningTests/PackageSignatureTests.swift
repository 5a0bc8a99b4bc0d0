import DepotCrypto
import DepotTestSupport
import Foundation
import Signing
import Testing

@Suite("Detached CMS signatures over packages")
struct PackageSignatureTests {
    /// An installer-sized file and its signature, written beside it.
    private func signedFile(_ fixture: SigningFixture, role: KeyRole = .catalog) throws -> (file: URL, signature: URL) {
        let file = try fixture.home.write("setup.msi", Data(SigningFixture.bytes(300_000, seed: 7)))
        let signature = try PackageSignature.sign(file: file, with: try fixture.signer(role))
        let signatureURL = try fixture.home.write("setup.msi.p7s", Data(signature))
        return (file, signatureURL)
    }

    private func openSSLVerify(_ fixture: SigningFixture, _ file: URL, _ signature: URL) throws -> ToolResult {
        try Tools.run("openssl", ["cms", "-verify", "-binary", "-inform", "DER", "-in", signature.path,
                                  "-content", file.path, "-CAfile", fixture.store.rootCertificateURL.path,
                                  "-purpose", "any", "-out", "/dev/null"])
    }

    @Test("a signature verifies with Depot and with openssl cms -verify")
    func signAndVerify() throws {
        let fixture = try SigningFixture()
        let (file, signature) = try signedFile(fixture)
        let signer = try PackageSignature.verify(file: file, signatureFile: signature, root: try fixture.root(), now: fixture.now)
        #expect(signer.role == .catalog)
        #expect(signer.fingerprint == (try fixture.signer(.catalog).certificate.fingerprint))
        #expect(signer.subject.contains("OU=catalog"))

        let tool = try openSSLVerify(fixture, file, signature)
        #expect(tool.succeeded, "\(tool.stderr)")
        #expect(tool.stderr.contains("Verification successful"))
    }

    @Test("one byte changed in the installer: refused as changed content, naming the installer")
    func changedContent() throws {
        let fixture = try SigningFixture()
        let (file, signature) = try signedFile(fixture)
        try SigningFixture.flipByte(at: 150_000, in: file)
        let error = signingErrorCode {
            _ = try PackageSignature.verify(file: file, signatureFile: signature, root: try fixture.root(), now: fixture.now)
        }
        #expect(error?.code == "signing.content-changed")
        #expect(error?.message.hasPrefix(file.path) == true)
        #expect(try !openSSLVerify(fixture, file, signature).succeeded)
    }

    @Test("one byte changed in the signature: refused as a damaged signature, naming the signature")
    func changedSignature() throws {
        let fixture = try SigningFixture()
        let (file, signature) = try signedFile(fixture)
        let size = try Data(contentsOf: signature).count
        // The last bytes are the ECDSA signature value itself.
        try SigningFixture.flipByte(at: size - 2, in: signature)
        let error = signingErrorCode {
            _ = try PackageSignature.verify(file: file, signatureFile: signature, root: try fixture.root(), now: fixture.now)
        }
        #expect(error?.code == "signing.signature-invalid")
        #expect(error?.message.contains("signature \(signature.path)") == true)
        #expect(try !openSSLVerify(fixture, file, signature).succeeded)
    }

    @Test("garbage instead of a signature is malformed, not a crash")
    func garbageSignature() throws {
        let fixture = try SigningFixture()
        let (file, _) = try signedFile(fixture)
        for bytes in [[], [0x30], [0x30, 0x82, 0xFF, 0xFF, 0x06], SigningFixture.bytes(500, seed: 3)] as [[UInt8]] {
            let error = signingErrorCode {
                _ = try PackageSignature.verify(content: .file(file), signature: bytes, root: try fixture.root(),
                                                now: fixture.now, contentName: "setup.msi", signatureName: "bad.p7s")
            }
            #expect(error?.code == "signing.malformed")
        }
    }

    @Test("a signature from another root is untrusted")
    func foreignRoot() throws {
        let fixture = try SigningFixture()
        let other = try SigningFixture("other")
        let (file, signature) = try signedFile(fixture)
        let error = signingErrorCode {
            _ = try PackageSignature.verify(file: file, signatureFile: signature, root: try other.root(), now: fixture.now)
        }
        #expect(error?.code == "signing.untrusted-signer")
    }

    @Test("after the signing certificate ends, the signature is refused as expired")
    func expiredCertificate() throws {
        let fixture = try SigningFixture()
        let (file, signature) = try signedFile(fixture)
        let root = try fixture.root()
        #expect(signingErrorCode {
            _ = try PackageSignature.verify(file: file, signatureFile: signature, root: root, now: fixture.days(729))
        } == nil)
        let error = signingErrorCode {
            _ = try PackageSignature.verify(file: file, signatureFile: signature, root: root, now: fixture.days(731))
        }
        #expect(error?.code == "signing.certificate-expired")
        #expect(error?.message.contains("expired on") == true)
    }

    @Test("a package signed with the edu key does not pass as a catalog signature")
    func eduKeyIsNotCatalog() throws {
        let fixture = try SigningFixture()
        let (file, signature) = try signedFile(fixture, role: .edu)
        let root = try fixture.root()
        let error = signingErrorCode {
            _ = try PackageSignature.verify(file: file, signatureFile: signature, root: root, now: fixture.now, role: .catalog)
        }
        #expect(error?.code == "signing.wrong-role")
        let edu = try PackageSignature.verify(file: file, signatureFile: signature, root: root, now: fixture.now, role: .edu)
        #expect(edu.role == .edu)
    }
}
