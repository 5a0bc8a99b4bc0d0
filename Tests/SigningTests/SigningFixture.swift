import DepotCrypto
import DepotTestSupport
import Foundation
import Signing

/// A fresh key store in a temporary home; `now` is a minute in the past so the real `openssl` (which checks
/// validity at the wall-clock time) agrees with Depot's checks at `now`.
final class SigningFixture {
    let home: TemporaryDirectory
    let store: KeyStore
    let now: Date

    init(_ label: String = "signing") throws {
        home = try TemporaryDirectory(label)
        store = KeyStore(directory: home.file("keys"))
        now = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 - 60).rounded(.down))
        try store.initialise(validity: KeyValidity(rootDays: 3650, signingDays: 730), now: now)
    }

    func root() throws -> Certificate { try store.rootCertificate() }

    func signer(_ role: KeyRole = .catalog) throws -> Signer { try store.signer(for: role) }

    func days(_ count: Double) -> Date { now.addingTimeInterval(count * 86_400) }

    /// Deterministic pseudo-random bytes, different per seed.
    static func bytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<count).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
    }

    static func flipByte(at index: Int, in url: URL) throws {
        var data = try Data(contentsOf: url)
        data[index] ^= 0x01
        try data.write(to: url)
    }

    static func mode(_ url: URL) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }
}

/// The error's code, or nil when the closure succeeded or threw something else.
func signingErrorCode(_ body: () throws -> Void) -> SigningError? {
    do {
        try body()
        return nil
    } catch let error as SigningError {
        return error
    } catch {
        return nil
    }
}
