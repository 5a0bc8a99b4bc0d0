import DepotCrypto
import DepotModel
import Foundation

/// Who signed something, as established by a successful verification.
public struct SignerIdentity: Sendable, Codable, Equatable {
    /// The signing certificate's subject.
    public var subject: String
    /// SHA-256 of the signing certificate (DER), lowercase hex.
    public var fingerprint: String
    /// The role named by the certificate's `OU`, if it names one.
    public var role: KeyRole?
    /// End of the signing certificate's validity: the signature verifies until then.
    public var notAfter: String

    init(_ certificate: Certificate) {
        subject = certificate.subject
        fingerprint = certificate.fingerprint
        role = certificate.subjectAttribute("OU").flatMap(KeyRole.init(rawValue:))
        notAfter = Timestamp.string(certificate.notAfter)
    }
}

/// Detached CMS signatures over installers (`<blob>.p7s`), verifiable with
/// `openssl cms -verify -binary -inform DER -in SIG -content FILE -CAfile ROOT -purpose any`.
public enum PackageSignature {
    /// Signs a file, streaming it; returns the DER signature to store beside it.
    public static func sign(file: URL, with signer: Signer) throws -> [UInt8] {
        try signer.signCMS(.file(file))
    }

    /// Signs bytes held in memory; returns the DER signature.
    public static func sign(bytes: [UInt8], with signer: Signer) throws -> [UInt8] {
        try signer.signCMS(.bytes(bytes))
    }

    /// Verifies `signature` over `content` against `root` at `now`; with `role`, the signer must hold that role.
    ///
    /// `contentName` and `signatureName` (usually paths) appear in the error, which says which of them is at fault.
    public static func verify(content: SignedContent, signature: [UInt8], root: Certificate, now: Date,
                              role: KeyRole? = .catalog, contentName: String, signatureName: String) throws -> SignerIdentity {
        let verdict: CMSVerdict
        do {
            verdict = try CMSSignature.verify(signature: signature, content: content, root: root, at: now)
        } catch let error as CryptoError {
            throw SigningError(error.kind, code: "signing.verify-failed", "\(contentName): \(error.message)")
        }
        switch verdict {
        case .valid(let signer):
            let identity = SignerIdentity(signer)
            if let role, identity.role != role {
                throw SigningError.wrongRole("signature \(signatureName)", expected: role,
                                             found: signer.subjectAttribute("OU") ?? signer.subject)
            }
            return identity
        case .malformed(let reason):
            throw SigningError.malformed("signature \(signatureName)", reason + "; expected a DER detached CMS signature")
        case .contentChanged:
            throw SigningError.contentChanged(content: contentName, signature: signatureName)
        case .signatureCorrupt(let reason):
            throw SigningError.signatureInvalid(signatureName, reason)
        case .untrusted(let reason):
            throw SigningError.untrusted("signature \(signatureName)", reason)
        case .expired(let reason), .notYetValid(let reason):
            throw SigningError.certificateExpired("signature \(signatureName)", reason)
        }
    }

    /// Verifies a file against its signature file, both named in any error.
    public static func verify(file: URL, signatureFile: URL, root: Certificate, now: Date,
                              role: KeyRole? = .catalog) throws -> SignerIdentity {
        let signature = try readFile(signatureFile, limit: 1 << 20)
        guard FileManager.default.isReadableFile(atPath: file.path) else {
            throw SigningError.fileUnreadable(file.path, "it does not exist or is not readable")
        }
        return try verify(content: .file(file), signature: signature, root: root, now: now, role: role,
                          contentName: file.path, signatureName: signatureFile.path)
    }
}
