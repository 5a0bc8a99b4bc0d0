import DepotCrypto
import DepotTestSupport
import Foundation
import Testing
@testable import WindowsFormats

@Suite("Authenticode signatures made by osslsigncode")
struct AuthenticodeTests {
    @Test("a signed executable is valid, names its signer, and trusts only the root that issued it")
    func signedExecutable() throws {
        let fixtures = try WindowsFixtures()
        let signer = try fixtures.signer()
        let signed = try fixtures.sign(try fixtures.helloExecutable(), as: "hello-signed.exe", with: signer)

        let facts = try WindowsInstallerReader.inspect(path: signed)
        let signature = try #require(facts.windows.signature)
        #expect(signature.status == "valid")
        #expect(signature.subject == "CN=Depot Test Signer, O=City of Test")
        #expect(signature.issuer == "CN=Depot Test Root, O=City of Test")
        #expect(signature.serial == "1234ABCD")
        #expect(signature.signingTime?.hasSuffix("Z") == true)
        #expect(signature.trusted == nil)
        #expect(facts.name == "Depot Hello", "signing must not hide the version resource")

        let trusted = try WindowsInstallerReader.inspect(path: signed, trustedRoots: [signer.rootPEM]).windows.signature
        #expect(trusted?.trusted == true)
        let untrusted = try WindowsInstallerReader.inspect(path: signed, trustedRoots: [signer.otherRootPEM]).windows.signature
        #expect(untrusted?.trusted == false)
        #expect(untrusted?.status == "valid")
        #expect(untrusted?.reason?.hasPrefix("not trusted") == true)
        #expect(try fixtures.osslsigncodeVerifies(signed, root: signer.rootPEM))
    }

    @Test("one byte changed in the code after signing is a digest mismatch")
    func tamperedCode() throws {
        let fixtures = try WindowsFixtures()
        let signer = try fixtures.signer()
        let signed = try fixtures.sign(try fixtures.helloExecutable(), as: "hello-signed.exe", with: signer)
        let tampered = try fixtures.variant(of: signed, as: "tampered.exe") { bytes in
            let text = try #require(PELayout(bytes).section(".text", in: bytes))
            bytes[text.rawPointer + 16] ^= 0xFF
        }
        let signature = try #require(try WindowsInstallerReader.inspect(path: tampered).windows.signature)
        #expect(signature.status == "invalid")
        #expect(signature.reason?.contains("digest mismatch") == true)
        #expect(signature.subject == "CN=Depot Test Signer, O=City of Test")
        #expect(try fixtures.osslsigncodeVerifies(tampered, root: signer.rootPEM) == false)
    }

    @Test("a byte changed inside the RSA signature is a bad signature, though the digest still matches")
    func tamperedSignature() throws {
        let fixtures = try WindowsFixtures()
        let signer = try fixtures.signer()
        let signed = try fixtures.sign(try fixtures.helloExecutable(), as: "hello-signed.exe", with: signer)
        let tampered = try fixtures.variant(of: signed, as: "badsig.exe") { bytes in
            let layout = PELayout(bytes)
            let table = bytes.le32(layout.directoryOffset(4))
            // The PKCS#7 DER starts after the 8-byte WIN_CERTIFICATE header; its last bytes are the RSA signature.
            let der = table + 8
            let lengthBytes = Int(bytes[der + 1] & 0x7F)
            let length = (0..<lengthBytes).reduce(0) { $0 << 8 | Int(bytes[der + 2 + $1]) }
            bytes[der + 2 + lengthBytes + length - 5] ^= 0x01
        }
        let signature = try #require(try WindowsInstallerReader.inspect(path: tampered).windows.signature)
        #expect(signature.status == "invalid")
        #expect(signature.reason?.hasPrefix("bad signature") == true)
        #expect(try fixtures.osslsigncodeVerifies(tampered, root: signer.rootPEM) == false)
    }

    @Test("a signed NSIS installer is valid with its payload appended")
    func signedNSIS() throws {
        let fixtures = try WindowsFixtures()
        let signer = try fixtures.signer()
        let signed = try fixtures.sign(try fixtures.nsisInstaller(), as: "nsis-signed.exe", with: signer, options: ["-h", "sha1"])
        let facts = try WindowsInstallerReader.inspect(path: signed, trustedRoots: [signer.rootPEM])
        #expect(facts.installerType == "nsis")
        #expect(facts.windows.signature?.status == "valid")
        #expect(facts.windows.signature?.trusted == true)
    }

    @Test("a signed MSI is valid, and invalid once a byte in a stream changes")
    func signedMSI() throws {
        let fixtures = try WindowsFixtures()
        let signer = try fixtures.signer()
        let msi = try fixtures.msi("app.msi", WindowsFixtures.product(
            name: "Depot Signed", version: "1.0", upgradeCode: "87654321-4321-4321-4321-210987654325",
            body: "<CustomAction Id=\"SetProp\" Property=\"FOO\" Value=\"bar\" />"))
        let signed = try fixtures.sign(msi, as: "app-signed.msi", with: signer)

        let signature = try #require(try WindowsInstallerReader.inspect(path: signed, trustedRoots: [signer.rootPEM]).windows.signature)
        #expect(signature.status == "valid")
        #expect(signature.subject == "CN=Depot Test Signer, O=City of Test")
        #expect(signature.serial == "1234ABCD")
        #expect(signature.trusted == true)

        let tampered = try fixtures.variant(of: signed, as: "app-tampered.msi") { bytes in
            let cabinet = try #require(bytes.find("MSCF"))
            bytes[cabinet + 60] ^= 0x01
        }
        let broken = try #require(try WindowsInstallerReader.inspect(path: tampered).windows.signature)
        #expect(broken.status == "invalid")
        #expect(broken.reason?.contains("digest mismatch") == true)
        #expect(try fixtures.osslsigncodeVerifies(tampered, root: signer.rootPEM) == false)
    }

    @Test("an MSI signed with MsiDigitalSignatureEx and SHA-1 is valid, and the metadata digest is checked")
    func signedMSIWithExtendedSignature() throws {
        let fixtures = try WindowsFixtures()
        let signer = try fixtures.signer()
        let msi = try fixtures.msi("app.msi", WindowsFixtures.product(
            name: "Depot Signed", version: "1.0", upgradeCode: "87654321-4321-4321-4321-210987654326", body: ""))
        let signed = try fixtures.sign(msi, as: "dse.msi", with: signer, options: ["-add-msi-dse", "-h", "sha1"])
        #expect(try WindowsInstallerReader.inspect(path: signed).windows.signature?.status == "valid")
        #expect(try fixtures.osslsigncodeVerifies(signed, root: signer.rootPEM))
    }

    @Test("unsigned files say unsigned")
    func unsigned() throws {
        let fixtures = try WindowsFixtures()
        #expect(try WindowsInstallerReader.inspect(path: try fixtures.helloExecutable()).windows.signature?.status == "unsigned")
        #expect(try WindowsInstallerReader.inspect(path: try fixtures.nsisInstaller()).windows.signature?.status == "unsigned")
    }

    @Test("DER that is not an Authenticode signature is refused as malformed")
    func malformedSignatureBlob() {
        for der: [UInt8] in [[], [0x30, 0x03, 0x02, 0x01, 0x01], [0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF]] {
            let error = #expect(throws: CryptoError.self) { try Authenticode.read(der: der) }
            #expect(error?.code == "authenticode.malformed")
        }
    }

    @Test("the generic digest agrees with SHA256Hasher and knows its algorithms' OIDs")
    func digestHasher() throws {
        let hasher = try DigestHasher(.sha256)
        hasher.update(Array("abc".utf8))
        #expect(Hex.encode(hasher.finalize()) == SHA256Hasher.hex("abc"))
        #expect(DigestAlgorithm(oidValue: [0x2B, 0x0E, 0x03, 0x02, 0x1A]) == .sha1)
        #expect(DigestAlgorithm(oidValue: [0x2B, 0x0E, 0x03, 0x02, 0x1B]) == nil)
    }

    @Test("an unreadable root file is a clear error")
    func badRoots() throws {
        let fixtures = try WindowsFixtures()
        let signer = try fixtures.signer()
        let signed = try fixtures.sign(try fixtures.helloExecutable(), as: "hello-signed.exe", with: signer)
        let error = #expect(throws: WindowsFormatError.self) {
            try WindowsInstallerReader.inspect(path: signed, trustedRoots: [fixtures.path("missing.pem")])
        }
        #expect(error?.code == "windows.trusted-roots")
        #expect(error?.message.contains("missing.pem") == true)
    }
}
