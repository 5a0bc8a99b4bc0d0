import DepotModel

/// Every failure of keys, signatures, signed documents and publications: a stable code and a message that names
/// the file or input and what to do about it.
public struct SigningError: DepotError, Equatable {
    public let kind: ErrorKind
    public let code: String
    public let message: String

    /// A failure with its kind, stable code and message.
    public init(_ kind: ErrorKind, code: String, _ message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }

    // MARK: Keys

    static func keysExist(_ path: String) -> SigningError {
        SigningError(.conflict, code: "signing.keys-exist",
                     "keys already exist in \(path); Depot never overwrites keys. Use 'depot keys rotate --role catalog|edu' "
                         + "for a new signing key, or move the directory away to start over")
    }

    static func keysMissing(_ path: String) -> SigningError {
        SigningError(.notFound, code: "signing.keys-missing", "no keys in \(path); run 'depot keys init' first")
    }

    static func keyExposed(_ path: String, mode: UInt32) -> SigningError {
        SigningError(.refused, code: "signing.key-permissions",
                     "key file \(path) can be read by others (mode \(String(mode & 0o777, radix: 8))); "
                         + "Depot refuses to use it. Run: chmod 600 \(path)")
    }

    static func fileUnreadable(_ path: String, _ reason: String) -> SigningError {
        SigningError(.notFound, code: "signing.file-unreadable", "cannot read \(path): \(reason)")
    }

    static func invalidValidity(_ detail: String) -> SigningError {
        SigningError(.invalidInput, code: "signing.validity", detail)
    }

    // MARK: Signatures and documents

    static func contentChanged(content: String, signature: String) -> SigningError {
        SigningError(.refused, code: "signing.content-changed",
                     "\(content) does not match its signature \(signature): the content changed after it was signed; "
                         + "fetch the file again, or sign the new content")
    }

    static func signatureInvalid(_ signature: String, _ reason: String) -> SigningError {
        SigningError(.refused, code: "signing.signature-invalid",
                     "signature \(signature) is damaged or forged (\(reason)); fetch it again or sign again")
    }

    static func documentChanged(_ document: String) -> SigningError {
        SigningError(.refused, code: "signing.signature-invalid",
                     "\(document): the signature does not match the signed content; the document was changed after signing "
                         + "(or the signature was damaged). Fetch it again from the publisher")
    }

    static func untrusted(_ what: String, _ reason: String) -> SigningError {
        SigningError(.refused, code: "signing.untrusted-signer",
                     "\(what) was not signed by a key certified by the pinned root: \(reason). "
                         + "Check that --root is the city's root.pem")
    }

    static func certificateExpired(_ what: String, _ reason: String) -> SigningError {
        SigningError(.refused, code: "signing.certificate-expired",
                     "\(what): \(reason); it can no longer be verified. Sign it again with the current key")
    }

    static func wrongRole(_ what: String, expected: KeyRole, found: String) -> SigningError {
        SigningError(.refused, code: "signing.wrong-role",
                     "\(what) was signed by the '\(found)' key, but only the '\(expected.rawValue)' key may sign it")
    }

    static func malformed(_ what: String, _ reason: String) -> SigningError {
        SigningError(.invalidInput, code: "signing.malformed", "\(what) is malformed: \(reason)")
    }

    static func wrongType(_ what: String, expected: String, found: String) -> SigningError {
        SigningError(.refused, code: "signing.wrong-type",
                     "\(what) is a '\(found)' document, but a '\(expected)' document was expected")
    }

    static func documentExpired(_ what: String, expires: String, now: String) -> SigningError {
        SigningError(.refused, code: "signing.expired",
                     "\(what) expired at \(expires) (now \(now)); a stale copy is refused. Fetch a fresh one; "
                         + "if the publisher is stuck, it must publish again")
    }

    static func rollback(_ what: String, version: Int, lastSeen: Int) -> SigningError {
        SigningError(.refused, code: "signing.rollback",
                     "\(what) has version \(version), lower than version \(lastSeen) already seen; an older copy is refused "
                         + "as a rollback. Fetch the current one")
    }

    /// The same version number with different bytes: the publisher (or someone holding its key) forked history.
    static func fork(_ what: String, version: Int, seen: String, found: String) -> SigningError {
        SigningError(.refused, code: "signing.fork",
                     "\(what) has version \(version), which was already seen with different content (sha256 \(seen), now "
                         + "\(found)); two documents under one version number are refused as a fork. Tell the publisher")
    }

    // MARK: Publications

    static func publicationFailed(_ directory: String, _ problems: [PublicationProblem]) -> SigningError {
        let shown = problems.prefix(5).map { "\($0.file): \($0.message)" }.joined(separator: "; ")
        let more = problems.count > 5 ? " (and \(problems.count - 5) more)" : ""
        return SigningError(.refused, code: "signing.publication-invalid",
                            "publication \(directory) failed verification: \(shown)\(more)")
    }

    static func rootMismatch(_ file: String, found: String, pinned: String) -> SigningError {
        SigningError(.refused, code: "signing.root-mismatch",
                     "\(file) has fingerprint \(found), not the pinned root \(pinned); the tree was published under "
                         + "another root. Pin the right root.pem")
    }

    static func stateUnreadable(_ path: String, _ reason: String) -> SigningError {
        SigningError(.invalidInput, code: "signing.state-unreadable",
                     "state file \(path) is unreadable (\(reason)); restore it or delete it to trust the next version seen")
    }
}
