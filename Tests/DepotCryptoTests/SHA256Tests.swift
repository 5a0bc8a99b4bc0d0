import DepotCrypto
import DepotTestSupport
import Foundation
import Testing

@Suite struct SHA256Tests {
    @Test func knownVectors() {
        #expect(SHA256Hasher.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256Hasher.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func streamingMatchesOpenSSLBinary() throws {
        let dir = try TemporaryDirectory()
        var bytes = [UInt8]()
        for i in 0..<200_003 { bytes.append(UInt8(truncatingIfNeeded: i &* 31 &+ 7)) }
        let file = try dir.write("blob", Data(bytes))
        let hasher = SHA256Hasher()
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + 4093, bytes.count)
            bytes[offset..<end].withUnsafeBytes { hasher.update($0) }
            offset = end
        }
        let reference = try Tools.require("openssl", ["dgst", "-sha256", "-r", file.path]).stdout
        #expect(reference.hasPrefix(hasher.finalizeHex()))
    }
}
