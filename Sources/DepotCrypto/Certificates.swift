import COpenSSL
import DepotModel
import Foundation

/// An X.509 certificate (OpenSSL `X509`), immutable once made.
public final class Certificate: @unchecked Sendable {
    // Safe to share: no method mutates the X509 after it is built or parsed.
    let pointer: OpaquePointer

    init(taking pointer: OpaquePointer) { self.pointer = pointer }

    deinit { X509_free(pointer) }

    /// Parses the first certificate of a PEM text; `source` names the input in error messages.
    public convenience init(pem: [UInt8], source: String) throws {
        let bio = try MemoryBIO(bytes: pem)
        guard let x509 = PEM_read_bio_X509(bio.pointer, nil, nil, nil) else {
            let detail = CryptoError.drainOpenSSLErrors()
            throw CryptoError(.invalidInput, code: "certificate.malformed",
                              "\(source) is not a PEM certificate\(detail.isEmpty ? "" : " (\(detail))")")
        }
        self.init(taking: x509)
    }

    /// Parses a DER certificate; `source` names the input in error messages.
    public convenience init(der: [UInt8], source: String) throws {
        let parsed = der.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_X509(nil, &cursor, buffer.count)
        }
        guard let parsed else {
            let detail = CryptoError.drainOpenSSLErrors()
            throw CryptoError(.invalidInput, code: "certificate.malformed",
                              "\(source) is not a DER certificate\(detail.isEmpty ? "" : " (\(detail))")")
        }
        self.init(taking: parsed)
    }

    /// The DER encoding.
    public var der: [UInt8] {
        let length = i2d_X509(pointer, nil)
        guard length > 0 else { return [] }
        var out = [UInt8](repeating: 0, count: Int(length))
        out.withUnsafeMutableBufferPointer { buffer in
            var cursor: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            _ = i2d_X509(pointer, &cursor)
        }
        return out
    }

    /// The PEM text (`-----BEGIN CERTIFICATE-----`).
    public func pem() throws -> String {
        let bio = try MemoryBIO()
        try check(PEM_write_bio_X509(bio.pointer, pointer), "cannot encode the certificate")
        return String(decoding: bio.contents(), as: UTF8.self)
    }

    /// SHA-256 of the DER certificate, lowercase hex: what `openssl x509 -fingerprint -sha256` prints, without colons.
    public var fingerprint: String { SHA256Hasher.hex(der) }

    /// The subject as `O=…, OU=…, CN=…` in certificate order.
    public var subject: String { Self.describe(X509_get_subject_name(pointer)) }

    /// The issuer in the same form as `subject`.
    public var issuer: String { Self.describe(X509_get_issuer_name(pointer)) }

    /// The first subject attribute with this short name (`CN`, `OU`, `O`), if any.
    public func subjectAttribute(_ shortName: String) -> String? {
        Self.entries(X509_get_subject_name(pointer)).first { $0.0 == shortName }?.1
    }

    /// The serial number in hex.
    public var serial: String {
        guard let serial = X509_get0_serialNumber(pointer), let bn = ASN1_INTEGER_to_BN(serial, nil) else { return "" }
        defer { BN_free(bn) }
        guard let hex = BN_bn2hex(bn) else { return "" }
        defer { CRYPTO_free(hex, #fileID, #line) }
        return String(cString: hex).lowercased()
    }

    /// Start of validity.
    public var notBefore: Date { Self.date(X509_get0_notBefore(pointer)) }

    /// End of validity.
    public var notAfter: Date { Self.date(X509_get0_notAfter(pointer)) }

    /// True when basicConstraints says CA and the key may sign certificates.
    public var isCertificateAuthority: Bool { X509_check_ca(pointer) == 1 }

    /// The public key as a PEM `PUBLIC KEY` block.
    public func publicKeyPEM() throws -> String {
        guard let key = X509_get0_pubkey(pointer) else { throw CryptoError.openSSL("certificate has no usable public key") }
        let bio = try MemoryBIO()
        try check(PEM_write_bio_PUBKEY(bio.pointer, key), "cannot encode the public key")
        return String(decoding: bio.contents(), as: UTF8.self)
    }

    /// Checks a signature made by `PrivateKey.sign` (SHA-256) with this certificate's public key.
    public func verifySignature(_ signature: [UInt8], over bytes: [UInt8]) -> Bool {
        defer { _ = CryptoError.drainOpenSSLErrors() }
        guard let key = X509_get0_pubkey(pointer), let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, EVP_sha256(), nil, key) == 1 else { return false }
        let result = signature.withUnsafeBufferPointer { sig in
            bytes.withUnsafeBufferPointer { data in
                EVP_DigestVerify(context, sig.baseAddress, sig.count, data.baseAddress, data.count)
            }
        }
        return result == 1
    }

    /// Whether this certificate chains to `root` (and both are valid) at `date`.
    public func trust(root: Certificate, at date: Date) -> CertificateTrust {
        defer { _ = CryptoError.drainOpenSSLErrors() }
        guard let store = X509_STORE_new() else { return .untrusted("OpenSSL could not allocate a certificate store") }
        defer { X509_STORE_free(store) }
        guard X509_STORE_add_cert(store, root.pointer) == 1, let context = X509_STORE_CTX_new() else {
            return .untrusted("the root certificate cannot be used as a trust anchor")
        }
        defer { X509_STORE_CTX_free(context) }
        guard X509_STORE_CTX_init(context, store, pointer, nil) == 1 else {
            return .untrusted("OpenSSL could not start verification")
        }
        X509_STORE_CTX_set_time(context, 0, time_t(date.timeIntervalSince1970.rounded(.down)))
        if X509_verify_cert(context) == 1 { return .trusted }
        let error = X509_STORE_CTX_get_error(context)
        let depth = X509_STORE_CTX_get_error_depth(context)
        let which = depth == 0 ? "the signing certificate" : "the root certificate"
        let text = String(cString: X509_verify_cert_error_string(Int(error)))
        switch error {
        case X509_V_ERR_CERT_HAS_EXPIRED:
            let end = depth == 0 ? notAfter : root.notAfter
            return .expired("\(which) expired on \(Timestamp.string(end))")
        case X509_V_ERR_CERT_NOT_YET_VALID:
            let start = depth == 0 ? notBefore : root.notBefore
            return .notYetValid("\(which) is valid only from \(Timestamp.string(start))")
        default:
            return .untrusted("\(text) (certificate \(subject), issuer \(issuer))")
        }
    }

    // MARK: Issuing

    /// A self-signed root: basicConstraints critical CA:TRUE, keyUsage critical keyCertSign+cRLSign.
    public static func selfSignedRoot(key: PrivateKey, subject: [(String, String)], notBefore: Date, days: Int) throws
        -> Certificate {
        try build(subjectKey: key, subject: subject, issuer: nil, issuerKey: key, notBefore: notBefore, days: days,
                  extensions: [(NID_basic_constraints, "critical,CA:TRUE"),
                               (NID_key_usage, "critical,keyCertSign,cRLSign"),
                               (NID_subject_key_identifier, "hash")])
    }

    /// A leaf signing certificate issued by `issuer`: CA:FALSE, keyUsage critical digitalSignature.
    public static func issueSigning(subjectKey: PrivateKey, subject: [(String, String)], issuer: Certificate,
                                    issuerKey: PrivateKey, notBefore: Date, days: Int) throws -> Certificate {
        try build(subjectKey: subjectKey, subject: subject, issuer: issuer, issuerKey: issuerKey, notBefore: notBefore,
                  days: days,
                  extensions: [(NID_basic_constraints, "critical,CA:FALSE"),
                               (NID_key_usage, "critical,digitalSignature"),
                               (NID_subject_key_identifier, "hash"),
                               (NID_authority_key_identifier, "keyid:always")])
    }

    private static func build(subjectKey: PrivateKey, subject: [(String, String)], issuer: Certificate?,
                              issuerKey: PrivateKey, notBefore: Date, days: Int,
                              extensions: [(Int32, String)]) throws -> Certificate {
        guard days > 0, days <= 36_500 else {
            throw CryptoError(.invalidInput, code: "certificate.validity", "a certificate must be valid 1 to 36500 days, not \(days)")
        }
        guard let x509 = X509_new() else { throw CryptoError.openSSL("cannot allocate a certificate") }
        let certificate = Certificate(taking: x509)
        try check(X509_set_version(x509, 2), "cannot set the certificate version")

        let serialBytes = try SecureRandom.bytes(16).enumerated().map { $0.offset == 0 ? $0.element & 0x7F : $0.element }
        guard let bn = BN_bin2bn(serialBytes, Int32(serialBytes.count), nil) else { throw CryptoError.openSSL("cannot make a serial") }
        defer { BN_free(bn) }
        guard BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x509)) != nil else { throw CryptoError.openSSL("cannot set the serial") }

        let start = time_t(notBefore.timeIntervalSince1970.rounded(.down))
        let end = start + time_t(days) * 86_400
        guard ASN1_TIME_set(X509_getm_notBefore(x509), start) != nil,
              ASN1_TIME_set(X509_getm_notAfter(x509), end) != nil
        else { throw CryptoError.openSSL("cannot set the validity period") }

        try check(X509_set_pubkey(x509, subjectKey.pointer), "cannot set the public key")
        guard let name = X509_NAME_new() else { throw CryptoError.openSSL("cannot allocate a name") }
        defer { X509_NAME_free(name) }
        for (field, value) in subject {
            try check(X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, value, -1, -1, 0),
                      "cannot put \(field)=\(value) in the subject")
        }
        try check(X509_set_subject_name(x509, name), "cannot set the subject")
        try check(X509_set_issuer_name(x509, X509_get_subject_name(issuer?.pointer ?? x509)), "cannot set the issuer")

        var context = X509V3_CTX()
        X509V3_set_ctx(&context, issuer?.pointer ?? x509, x509, nil, nil, 0)
        for (nid, value) in extensions {
            guard let ext = X509V3_EXT_conf_nid(nil, &context, nid, value) else {
                throw CryptoError.openSSL("cannot build extension \(value)")
            }
            defer { X509_EXTENSION_free(ext) }
            try check(X509_add_ext(x509, ext, -1), "cannot add extension \(value)")
        }
        guard X509_sign(x509, issuerKey.pointer, EVP_sha256()) > 0 else { throw CryptoError.openSSL("cannot sign the certificate") }
        return certificate
    }

    // MARK: Reading names and times

    private static func entries(_ name: OpaquePointer?) -> [(String, String)] {
        guard let name else { return [] }
        let count = min(X509_NAME_entry_count(name), 64)
        var out: [(String, String)] = []
        var index: Int32 = 0
        while index < count {
            defer { index += 1 }
            guard let entry = X509_NAME_get_entry(name, index),
                  let object = X509_NAME_ENTRY_get_object(entry),
                  let data = X509_NAME_ENTRY_get_data(entry) else { continue }
            let nid = OBJ_obj2nid(object)
            let short = OBJ_nid2sn(nid).map { String(cString: $0) } ?? "?"
            var utf8: UnsafeMutablePointer<UInt8>?
            let length = ASN1_STRING_to_UTF8(&utf8, data)
            guard length >= 0, let utf8 else { continue }
            defer { CRYPTO_free(utf8, #fileID, #line) }
            out.append((short, String(decoding: UnsafeBufferPointer(start: utf8, count: Int(length)), as: UTF8.self)))
        }
        return out
    }

    private static func describe(_ name: OpaquePointer?) -> String {
        entries(name).map { "\($0.0)=\($0.1)" }.joined(separator: ", ")
    }

    private static func date(_ time: UnsafePointer<ASN1_TIME>?) -> Date {
        guard let time else { return Date(timeIntervalSince1970: 0) }
        var parts = tm()
        guard ASN1_TIME_to_tm(time, &parts) == 1 else { return Date(timeIntervalSince1970: 0) }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }
}

/// The answer to "does this certificate chain to the pinned root at this moment?".
public enum CertificateTrust: Sendable, Equatable {
    case trusted
    case expired(String)
    case notYetValid(String)
    case untrusted(String)
}
