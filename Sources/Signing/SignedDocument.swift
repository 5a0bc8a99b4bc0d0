import DepotCrypto
import DepotModel
import Foundation

/// Signed JSON documents in the shape of TUF metadata:
///
/// ```json
/// {"signatures":[{"certificate":"<base64 DER>","keyid":"<sha256 of that DER>","sig":"<base64 DER ECDSA>"}],
///  "signed":{"expires":"2026-11-30T12:00:00Z","issued":"2026-11-23T12:00:00Z","type":"depot.catalog","version":3,…}}
/// ```
///
/// `sig` is ECDSA P-256 over SHA-256 of the canonical bytes of `signed` (see `JSONValue.canonicalBytes`);
/// `keyid` is the SHA-256 fingerprint of the signing certificate, which travels in `certificate` so a client
/// can chain it to its pinned root. The whole document is written in canonical form plus a final newline, so
/// a detached CMS signature over the file's bytes (`catalog.json.p7s`) is stable too.
public enum SignedDocument {
    /// Members of `signed` that Depot sets; a payload may not use these names.
    public static let reservedFields: Set<String> = ["type", "version", "issued", "expires"]

    /// Upper bound on the signatures examined, so a hostile document cannot make verification slow.
    static let maximumSignatures = 16

    /// Builds and signs a document; returns its bytes, ready to write.
    public static func sign(payload: [String: JSONValue], type: String, version: Int, issued: Date, expires: Date,
                            with signer: Signer) throws -> [UInt8] {
        if let clash = payload.keys.first(where: reservedFields.contains) {
            throw SigningError(.invalidInput, code: "signing.payload-field",
                               "the payload uses '\(clash)', which the signed document sets itself; rename that field")
        }
        guard version >= 0 else {
            throw SigningError(.invalidInput, code: "signing.version", "a document version cannot be negative (\(version))")
        }
        guard expires > issued else {
            throw SigningError(.invalidInput, code: "signing.expiry",
                               "a document must expire after it is issued (issued \(Timestamp.string(issued)), "
                                   + "expires \(Timestamp.string(expires)))")
        }
        var signed = payload
        signed["type"] = .string(type)
        signed["version"] = .integer(Int64(version))
        signed["issued"] = .string(Timestamp.string(issued))
        signed["expires"] = .string(Timestamp.string(expires))
        let body = JSONValue.object(signed)
        let signature = try signer.signRaw(body.canonicalBytes)
        let der = signer.certificate.der
        let document = JSONValue.object([
            "signed": body,
            "signatures": .array([.object([
                "keyid": .string(signer.certificate.fingerprint),
                "sig": .string(Data(signature).base64EncodedString()),
                "certificate": .string(Data(der).base64EncodedString()),
            ])]),
        ])
        return document.canonicalBytes + [UInt8(ascii: "\n")]
    }

    /// Verifies a document; each refusal has its own error code.
    ///
    /// Checks in order: well-formed (`signing.malformed`), a signature that matches `signed`
    /// (`signing.signature-invalid`), a signer certified by `root` at `now` (`signing.untrusted-signer`,
    /// `signing.certificate-expired`), the signer's role (`signing.wrong-role`), the type (`signing.wrong-type`),
    /// not expired (`signing.expired`), and a version not lower than `lastSeenVersion` (`signing.rollback`).
    public static func verify(data: [UInt8], root: Certificate, now: Date, expectedType: String? = nil,
                              role: KeyRole? = nil, lastSeenVersion: Int? = nil,
                              source: String = "document") throws -> VerifiedDocument {
        let document: JSONValue
        do {
            document = try JSONValue.parse(data)
        } catch {
            throw SigningError.malformed(source, "not JSON a signed document can hold (\(error))")
        }
        guard let top = document.objectValue, let signedValue = top["signed"], let signed = signedValue.objectValue else {
            throw SigningError.malformed(source, "expected an object with \"signed\" and \"signatures\"")
        }
        guard let entries = top["signatures"]?.arrayValue, !entries.isEmpty else {
            throw SigningError.malformed(source, "\"signatures\" is missing or empty")
        }
        guard let type = signed["type"]?.stringValue, let version = signed["version"]?.integerValue,
              let issuedText = signed["issued"]?.stringValue, let issued = Timestamp.parse(issuedText),
              let expiresText = signed["expires"]?.stringValue, let expires = Timestamp.parse(expiresText),
              let versionInt = Int(exactly: version)
        else {
            throw SigningError.malformed(source, "\"signed\" needs type (string), version (integer), issued and expires "
                + "(YYYY-MM-DDTHH:MM:SSZ)")
        }

        let body = signedValue.canonicalBytes
        var firstFailure: SigningError?
        var identity: SignerIdentity?
        for entry in entries.prefix(maximumSignatures) {
            do {
                identity = try check(entry, body: body, root: root, now: now, role: role, source: source)
                break
            } catch let error as SigningError {
                if firstFailure == nil { firstFailure = error }
            }
        }
        guard let identity else { throw firstFailure ?? SigningError.documentChanged(source) }

        if let expectedType, type != expectedType {
            throw SigningError.wrongType(source, expected: expectedType, found: type)
        }
        if now >= expires {
            throw SigningError.documentExpired(source, expires: expiresText, now: Timestamp.string(now))
        }
        if let lastSeenVersion, versionInt < lastSeenVersion {
            throw SigningError.rollback(source, version: versionInt, lastSeen: lastSeenVersion)
        }
        return VerifiedDocument(type: type, version: versionInt, issued: issued, expires: expires, signed: signed,
                                signer: identity)
    }

    private static func check(_ entry: JSONValue, body: [UInt8], root: Certificate, now: Date, role: KeyRole?,
                              source: String) throws -> SignerIdentity {
        guard let fields = entry.objectValue, let keyid = fields["keyid"]?.stringValue,
              let sigText = fields["sig"]?.stringValue, let signature = Data(base64Encoded: sigText),
              let certText = fields["certificate"]?.stringValue, let der = Data(base64Encoded: certText)
        else {
            throw SigningError.malformed(source, "each signature needs keyid, sig (base64) and certificate (base64 DER)")
        }
        let certificate: Certificate
        do {
            certificate = try Certificate(der: Array(der), source: "the certificate in \(source)")
        } catch let error as CryptoError {
            throw SigningError.malformed(source, error.message)
        }
        guard keyid.lowercased() == certificate.fingerprint else {
            throw SigningError.malformed(source, "keyid \(keyid) is not the fingerprint of the certificate beside it")
        }
        guard certificate.verifySignature(Array(signature), over: body) else {
            throw SigningError.documentChanged(source)
        }
        switch certificate.trust(root: root, at: now) {
        case .trusted: break
        case .expired(let reason), .notYetValid(let reason): throw SigningError.certificateExpired(source, reason)
        case .untrusted(let reason): throw SigningError.untrusted(source, reason)
        }
        let identity = SignerIdentity(certificate)
        if let role, identity.role != role {
            throw SigningError.wrongRole(source, expected: role, found: certificate.subjectAttribute("OU") ?? certificate.subject)
        }
        return identity
    }
}

/// A document whose signature, signer, type, expiry and version have all been checked.
public struct VerifiedDocument: Sendable {
    public let type: String
    public let version: Int
    public let issued: Date
    public let expires: Date
    /// Every member of `signed`, including the four Depot sets.
    public let signed: [String: JSONValue]
    /// The certificate that signed it.
    public let signer: SignerIdentity

    /// True when `daysLeft` or fewer days remain before expiry (`refreshWhenDaysLeft` of `signing.yaml`).
    public func needsRefresh(now: Date, daysLeft: Int) -> Bool {
        expires.timeIntervalSince(now) <= Double(daysLeft) * 86_400
    }

    /// Decodes `signed` into a Decodable payload type (unknown members are ignored).
    public func payload<T: Decodable>(as type: T.Type) throws -> T {
        try JSONValue.object(signed).decode(type)
    }
}
