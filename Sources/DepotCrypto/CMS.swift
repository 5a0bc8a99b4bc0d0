import COpenSSL
import DepotModel
import Foundation

/// What a detached CMS signature is made over: bytes in memory, or a file that OpenSSL streams.
public enum SignedContent: Sendable {
    case bytes([UInt8])
    case file(URL)
}

/// The outcome of checking a detached CMS signature; each failure carries a short human reason.
public enum CMSVerdict: Sendable {
    /// The content is unchanged, the signature is good and the signer chains to the root at the given time.
    case valid(signer: Certificate)
    /// Not a DER CMS SignedData with detached content.
    case malformed(String)
    /// The signature itself is intact but the content's digest differs: the content was changed.
    case contentChanged
    /// The signature does not verify under the certificate it names: the signature bytes were changed.
    case signatureCorrupt(String)
    /// The signer's certificate does not chain to the root.
    case untrusted(String)
    /// The signer's (or root's) certificate had expired at the given time.
    case expired(String)
    /// The signer's certificate was not yet valid at the given time.
    case notYetValid(String)
}

/// Detached CMS (PKCS#7) signatures, DER, interoperable with `openssl cms -sign/-verify -binary`.
public enum CMSSignature {
    /// Signs `content` with `key`, embedding `certificate`; flags DETACHED|BINARY, so bytes are signed exactly as stored.
    public static func sign(_ content: SignedContent, certificate: Certificate, key: PrivateKey) throws -> [UInt8] {
        guard key.matches(certificate) else {
            throw CryptoError(.invalidInput, code: "cms.key-mismatch",
                              "the private key does not belong to certificate \(certificate.subject)")
        }
        let cms: OpaquePointer? = try withContentBIO(content) { bio in
            CMS_sign(certificate.pointer, key.pointer, nil, bio, UInt32(CMS_DETACHED | CMS_BINARY))
        }
        guard let cms else { throw CryptoError.openSSL("cannot make the CMS signature") }
        defer { CMS_ContentInfo_free(cms) }
        let length = i2d_CMS_ContentInfo(cms, nil)
        guard length > 0 else { throw CryptoError.openSSL("cannot encode the CMS signature") }
        var out = [UInt8](repeating: 0, count: Int(length))
        out.withUnsafeMutableBufferPointer { buffer in
            var cursor: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            _ = i2d_CMS_ContentInfo(cms, &cursor)
        }
        return out
    }

    /// Checks `signature` (DER) over `content`, then the signer's chain to `root` at `date`.
    public static func verify(signature: [UInt8], content: SignedContent, root: Certificate, at date: Date) throws -> CMSVerdict {
        defer { _ = CryptoError.drainOpenSSLErrors() }
        let parsed = signature.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_CMS_ContentInfo(nil, &cursor, buffer.count)
        }
        guard let cms = parsed else {
            return .malformed("not a DER CMS structure (\(CryptoError.drainOpenSSLErrors()))")
        }
        defer { CMS_ContentInfo_free(cms) }
        guard let type = CMS_get0_type(cms), OBJ_obj2nid(type) == NID_pkcs7_signed else {
            return .malformed("a CMS structure, but not SignedData")
        }
        guard CMS_is_detached(cms) == 1 else { return .malformed("the signature embeds its content; a detached signature is expected") }
        guard let infos = CMS_get0_SignerInfos(cms), OPENSSL_sk_num(infos) > 0 else {
            return .malformed("the signature has no signer")
        }

        guard let store = X509_STORE_new() else { throw CryptoError.openSSL("cannot allocate a certificate store") }
        defer { X509_STORE_free(store) }
        // Chain checks are done below with X509_verify_cert, so the failure can be named precisely.
        let verified = try withContentBIO(content) { bio in
            CMS_verify(cms, nil, store, bio, nil, UInt32(CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY))
        }
        if verified != 1 {
            let detail = CryptoError.drainOpenSSLErrors()
            guard CMS_set1_signers_certs(cms, nil, 0) > 0 || signerCertificateSet(infos) else {
                return .signatureCorrupt("the signature does not carry its signer's certificate (\(detail))")
            }
            let info = OpaquePointer(OPENSSL_sk_value(infos, 0))
            if let info, CMS_signed_get_attr_count(info) >= 0, CMS_SignerInfo_verify(info) == 1 {
                return .contentChanged
            }
            return .signatureCorrupt(detail.isEmpty ? "the signature value does not verify" : detail)
        }

        guard let signers = CMS_get0_signers(cms) else { return .malformed("the signer's certificate is missing") }
        defer { OPENSSL_sk_free(signers) }
        guard let first = OPENSSL_sk_value(signers, 0) else {
            return .malformed("the signer's certificate is missing")
        }
        let x509 = OpaquePointer(first)
        guard X509_up_ref(x509) == 1 else { throw CryptoError.openSSL("cannot keep the signer's certificate") }
        let signer = Certificate(taking: x509)
        switch signer.trust(root: root, at: date) {
        case .trusted: return .valid(signer: signer)
        case .expired(let reason): return .expired(reason)
        case .notYetValid(let reason): return .notYetValid(reason)
        case .untrusted(let reason): return .untrusted(reason)
        }
    }

    private static func signerCertificateSet(_ infos: OpaquePointer) -> Bool {
        guard let info = OPENSSL_sk_value(infos, 0) else { return false }
        var cert: OpaquePointer?
        CMS_SignerInfo_get0_algs(OpaquePointer(info), nil, &cert, nil, nil)
        return cert != nil
    }

    private static func withContentBIO<T>(_ content: SignedContent, _ body: (OpaquePointer) throws -> T) throws -> T {
        switch content {
        case .bytes(let bytes):
            let bio = try MemoryBIO(bytes: bytes)
            return try body(bio.pointer)
        case .file(let url):
            let bio = try FileBIO(reading: url)
            return try body(bio.pointer)
        }
    }
}
