import DepotCrypto
import DepotModel
import Foundation

/// The keys directory of a depot home (`keys/`).
///
/// Layout: `root.key`, `root.pem` (the certificate clients pin); for each role, `<role>-<n>.key` and
/// `<role>-<n>.pem` for every generation n = 1, 2, …, and `<role>.current` holding the current n.
/// Retired generations stay, so what they signed verifies until their certificate ends.
/// Private keys are created 0600 and never leave their files: `show()` returns certificates and public keys only.
public struct KeyStore: Sendable {
    /// The `keys/` directory.
    public let directory: URL

    /// A key store over `directory`; nothing is read or created until a method is called.
    public init(directory: URL) {
        self.directory = directory
    }

    /// The root certificate clients pin.
    public var rootCertificateURL: URL { directory.appendingPathComponent("root.pem") }

    var rootKeyURL: URL { directory.appendingPathComponent("root.key") }

    func keyURL(_ role: KeyRole, _ generation: Int) -> URL { directory.appendingPathComponent("\(role.rawValue)-\(generation).key") }
    func certificateURL(_ role: KeyRole, _ generation: Int) -> URL {
        directory.appendingPathComponent("\(role.rawValue)-\(generation).pem")
    }
    func pointerURL(_ role: KeyRole) -> URL { directory.appendingPathComponent("\(role.rawValue).current") }

    /// True when `root.pem` exists.
    public var isInitialised: Bool { FileManager.default.fileExists(atPath: rootCertificateURL.path) }

    /// Creates the root and one signing key per role, certified by the root; refuses if any key is already there.
    @discardableResult
    public func initialise(validity: KeyValidity, now: Date, organization: String = "Depot") throws -> [KeyInfo] {
        try check(validity)
        let existing = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        if existing.contains(where: { $0.hasSuffix(".key") || $0.hasSuffix(".current") || $0 == "root.pem" }) {
            throw SigningError.keysExist(directory.path)
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let rootKey = try PrivateKey.generateP256()
        let root = try Certificate.selfSignedRoot(
            key: rootKey, subject: [("O", organization), ("CN", "\(organization) root")], notBefore: now, days: validity.rootDays)
        try rootKey.write(to: rootKeyURL)
        try writeNew(rootCertificateURL, Array(try root.pem().utf8))
        for role in KeyRole.allCases {
            try makeSigningKey(role: role, generation: 1, root: root, rootKey: rootKey, validity: validity, now: now)
        }
        return try show()
    }

    /// A new key and certificate for `role`, certified by the root; the previous ones stay as retired.
    @discardableResult
    public func rotate(role: KeyRole, validity: KeyValidity, now: Date) throws -> KeyInfo {
        try check(validity)
        guard isInitialised else { throw SigningError.keysMissing(directory.path) }
        let root = try rootCertificate()
        let rootKey = try loadPrivateKey(rootKeyURL)
        let next = (try generations(role).max() ?? 0) + 1
        try makeSigningKey(role: role, generation: next, root: root, rootKey: rootKey, validity: validity, now: now)
        guard let info = try show().first(where: { $0.role == role.rawValue && $0.generation == next }) else {
            throw SigningError.keysMissing(directory.path)
        }
        return info
    }

    /// Public facts of every certificate, root first, then each role's generations, newest first.
    public func show() throws -> [KeyInfo] {
        guard isInitialised else { throw SigningError.keysMissing(directory.path) }
        let root = try rootCertificate()
        var out = [try KeyInfo(role: "root", generation: 0, status: .root, file: "root.pem", certificate: root)]
        for role in KeyRole.allCases {
            let current = try currentGeneration(role)
            for generation in try generations(role).sorted(by: >) {
                let certificate = try loadCertificate(certificateURL(role, generation))
                out.append(try KeyInfo(role: role.rawValue, generation: generation,
                                       status: generation == current ? .current : .retired,
                                       file: certificateURL(role, generation).lastPathComponent, certificate: certificate))
            }
        }
        return out
    }

    /// The pinned root certificate (`root.pem`).
    public func rootCertificate() throws -> Certificate {
        guard isInitialised else { throw SigningError.keysMissing(directory.path) }
        return try loadCertificate(rootCertificateURL)
    }

    /// The current key of `role`, ready to sign; refuses a key file others can read.
    public func signer(for role: KeyRole) throws -> Signer {
        guard isInitialised else { throw SigningError.keysMissing(directory.path) }
        let generation = try currentGeneration(role)
        let key = try loadPrivateKey(keyURL(role, generation))
        let certificate = try loadCertificate(certificateURL(role, generation))
        return try Signer(role: role, key: key, certificate: certificate)
    }

    /// Every certificate of `role`, current and retired, newest first.
    public func certificates(for role: KeyRole) throws -> [Certificate] {
        try generations(role).sorted(by: >).map { try loadCertificate(certificateURL(role, $0)) }
    }

    // MARK: Files

    /// Reads a PEM private key, refusing a file whose mode lets the group or others in.
    public static func loadPrivateKey(at url: URL) throws -> PrivateKey {
        var info = stat()
        guard stat(url.path, &info) == 0 else {
            throw SigningError.fileUnreadable(url.path, "\(String(cString: strerror(errno))); run 'depot keys init' first")
        }
        let mode = UInt32(info.st_mode)
        if mode & 0o077 != 0 { throw SigningError.keyExposed(url.path, mode: mode) }
        let bytes = try readFile(url, limit: 1 << 20)
        do {
            return try PrivateKey(pem: bytes, source: url.path)
        } catch let error as CryptoError {
            throw SigningError(.invalidInput, code: "signing.key-unreadable", error.message)
        }
    }

    func loadPrivateKey(_ url: URL) throws -> PrivateKey { try Self.loadPrivateKey(at: url) }

    func loadCertificate(_ url: URL) throws -> Certificate { try Self.loadCertificate(at: url) }

    /// Reads a PEM certificate file, e.g. a `--root` a client pins.
    public static func loadCertificate(at url: URL) throws -> Certificate {
        let bytes = try readFile(url, limit: 1 << 20)
        do {
            return try Certificate(pem: bytes, source: url.path)
        } catch let error as CryptoError {
            throw SigningError(.invalidInput, code: "signing.certificate-unreadable", error.message + "; restore it from backup")
        }
    }

    private func check(_ validity: KeyValidity) throws {
        guard (1...36_500).contains(validity.rootDays), (1...36_500).contains(validity.signingDays) else {
            throw SigningError.invalidValidity("certificate validity must be 1 to 36500 days (root \(validity.rootDays), "
                + "signing \(validity.signingDays)); fix signing.yaml")
        }
        guard validity.signingDays <= validity.rootDays else {
            throw SigningError.invalidValidity("signingCertificateDays (\(validity.signingDays)) exceeds rootCertificateDays "
                + "(\(validity.rootDays)); a certificate cannot outlive its issuer. Fix signing.yaml")
        }
    }

    private func makeSigningKey(role: KeyRole, generation: Int, root: Certificate, rootKey: PrivateKey,
                                validity: KeyValidity, now: Date) throws {
        let organization = root.subjectAttribute("O") ?? "Depot"
        // The root's own end bounds a signing certificate: an issued certificate outliving its issuer cannot verify.
        let remaining = Int(root.notAfter.timeIntervalSince(now) / 86_400)
        let days = min(validity.signingDays, remaining)
        guard days >= 1 else {
            throw SigningError.invalidValidity("the root certificate ends on \(Timestamp.string(root.notAfter)); "
                + "it cannot certify a new key. Create a new root with 'depot keys init' in a new home")
        }
        let key = try PrivateKey.generateP256()
        let certificate = try Certificate.issueSigning(
            subjectKey: key,
            subject: [("O", organization), ("OU", role.rawValue), ("CN", "\(organization) \(role.rawValue) signing key \(generation)")],
            issuer: root, issuerKey: rootKey, notBefore: now, days: days)
        try key.write(to: keyURL(role, generation))
        try writeNew(certificateURL(role, generation), Array(try certificate.pem().utf8))
        try Data("\(generation)\n".utf8).write(to: pointerURL(role), options: .atomic)
    }

    private func writeNew(_ url: URL, _ bytes: [UInt8]) throws {
        do {
            try Data(bytes).write(to: url, options: .withoutOverwriting)
        } catch {
            throw SigningError.keysExist(url.path)
        }
    }

    private func currentGeneration(_ role: KeyRole) throws -> Int {
        let url = pointerURL(role)
        let text = String(decoding: try readFile(url, limit: 64), as: UTF8.self)
        guard let generation = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), generation >= 1 else {
            throw SigningError.malformed(url.path, "expected the number of the current \(role.rawValue) key; "
                + "write it back (e.g. '1') or rotate the key")
        }
        return generation
    }

    private func generations(_ role: KeyRole) throws -> [Int] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        let prefix = "\(role.rawValue)-"
        return names.compactMap { name -> Int? in
            guard name.hasPrefix(prefix), name.hasSuffix(".pem") else { return nil }
            return Int(name.dropFirst(prefix.count).dropLast(4))
        }
    }
}

/// Reads at most `limit` bytes of a small file, naming it when it fails.
func readFile(_ url: URL, limit: Int) throws -> [UInt8] {
    guard let handle = FileHandle(forReadingAtPath: url.path) else {
        throw SigningError.fileUnreadable(url.path, "it does not exist or is not readable")
    }
    defer { try? handle.close() }
    let data = (try? handle.read(upToCount: limit + 1)) ?? Data()
    guard data.count <= limit else { throw SigningError.malformed(url.path, "larger than \(limit) bytes") }
    return Array(data)
}

/// Public facts about one certificate of the key store; never any private key material.
public struct KeyInfo: Sendable, Codable, Equatable {
    /// Where a certificate stands in the store.
    public enum Status: String, Sendable, Codable {
        case root, current, retired
    }

    /// `root`, `catalog` or `edu`.
    public var role: String
    /// 0 for the root, 1, 2, … for each rotation of a role.
    public var generation: Int
    public var status: Status
    /// The certificate's file name inside `keys/`.
    public var file: String
    public var subject: String
    public var issuer: String
    /// SHA-256 of the DER certificate (lowercase hex); the `keyid` in signed documents.
    public var fingerprint: String
    public var serial: String
    public var notBefore: String
    public var notAfter: String
    /// The public key, PEM.
    public var publicKey: String
    /// The certificate, PEM.
    public var certificate: String

    init(role: String, generation: Int, status: Status, file: String, certificate: Certificate) throws {
        self.role = role
        self.generation = generation
        self.status = status
        self.file = file
        subject = certificate.subject
        issuer = certificate.issuer
        fingerprint = certificate.fingerprint
        serial = certificate.serial
        notBefore = Timestamp.string(certificate.notBefore)
        notAfter = Timestamp.string(certificate.notAfter)
        publicKey = try certificate.publicKeyPEM()
        self.certificate = try certificate.pem()
    }
}

/// A role's private key with its certificate, ready to sign.
public final class Signer: Sendable {
    /// The role the certificate names.
    public let role: KeyRole
    /// The signing certificate (travels with every signature).
    public let certificate: Certificate
    let key: PrivateKey

    /// Pairs a key with its certificate; refuses a key that does not belong to the certificate.
    public init(role: KeyRole, key: PrivateKey, certificate: Certificate) throws {
        guard key.matches(certificate) else {
            throw SigningError(.invalidInput, code: "signing.key-mismatch",
                               "the \(role.rawValue) key does not belong to certificate \(certificate.subject); "
                                   + "restore the matching pair or rotate the key")
        }
        self.role = role
        self.key = key
        self.certificate = certificate
    }

    /// A detached CMS signature (DER) over bytes or a streamed file.
    public func signCMS(_ content: SignedContent) throws -> [UInt8] {
        try CMSSignature.sign(content, certificate: certificate, key: key)
    }

    /// An ECDSA P-256 signature (DER) over SHA-256 of `bytes`.
    public func signRaw(_ bytes: [UInt8]) throws -> [UInt8] {
        try key.sign(bytes)
    }
}
