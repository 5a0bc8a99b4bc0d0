import COpenSSL
import DepotModel

/// What an Authenticode PKCS#7 SignedData blob says: the digest the signer signed, who signed,
/// and whether the PKCS#7 signature itself holds. Comparing the digest with the file is the caller's job,
/// because only the caller knows the file format (PE image, MSI streams).
public struct AuthenticodeSignedData: Sendable, Equatable {
    /// Algorithm of the signed file digest; nil when the OID names one this reader cannot compute.
    public var digestAlgorithm: DigestAlgorithm?
    /// The digest algorithm's OID in dotted form, for messages about unknown algorithms.
    public var digestAlgorithmOID: String
    /// The file digest inside SpcIndirectDataContent.
    public var signedDigest: [UInt8]
    /// Signer certificate subject, e.g. `CN=Example Signer, O=Example`.
    public var subject: String?
    public var issuer: String?
    /// Signer certificate serial number in uppercase hex, as `openssl x509 -serial` prints it.
    public var serial: String?
    /// ISO 8601 UTC time from the signingTime signed attribute.
    public var signingTime: String?
    /// Nil when the PKCS#7 signature over the signed content verifies; otherwise why it does not.
    public var signatureProblem: String?
    /// Whether the signer chains to one of the configured roots; nil when no roots were given.
    public var trusted: Bool?
    /// Why the chain to the configured roots failed, when it did.
    public var trustProblem: String?
}

/// Reads Authenticode signatures (PE certificate tables, MSI DigitalSignature streams) with OpenSSL.
public enum Authenticode {
    /// SPC_INDIRECT_DATA_OBJID, the content type every Authenticode signature signs.
    static let indirectDataOID = "1.3.6.1.4.1.311.2.1.4"

    /// Parses a DER PKCS#7 SignedData and checks its signature (not the chain) with `PKCS7_verify(…, PKCS7_NOVERIFY)`.
    /// `trustedRoots` are PEM files of root certificates; with nil, `trusted` stays nil.
    /// Throws `CryptoError` with code `authenticode.malformed` when the blob is not an Authenticode signature,
    /// and `authenticode.roots` when a root file cannot be read.
    public static func read(der: [UInt8], trustedRoots: [String]? = nil) throws -> AuthenticodeSignedData {
        let p7 = try PKCS7Object(der: der)
        let pkcs7 = p7.pointer
        guard OBJ_obj2nid(pkcs7.pointee.type) == NID_pkcs7_signed, let signed = pkcs7.pointee.d.sign else {
            throw malformed("the PKCS#7 blob is not SignedData")
        }
        guard let contents = signed.pointee.contents,
              objectText(contents.pointee.type) == indirectDataOID,
              let other = contents.pointee.d.other,
              ASN1_TYPE_get(other) == V_ASN1_SEQUENCE,
              let sequence = other.pointee.value.sequence,
              let sequenceData = ASN1_STRING_get0_data(sequence)
        else {
            throw malformed("the signed content is not an Authenticode SpcIndirectDataContent")
        }
        let content = Array(UnsafeBufferPointer(start: sequenceData, count: Int(ASN1_STRING_length(sequence))))
        let digestInfo = try parseIndirectData(content)

        var result = AuthenticodeSignedData(
            digestAlgorithm: DigestAlgorithm(oidValue: digestInfo.algorithmOID),
            digestAlgorithmOID: dotted(digestInfo.algorithmOID),
            signedDigest: digestInfo.digest)

        readSigner(pkcs7, signed: signed, into: &result)
        result.signatureProblem = verifySignature(pkcs7, content: content, valueStart: digestInfo.contentValueStart)
        if let trustedRoots {
            try checkTrust(pkcs7, signed: signed, roots: trustedRoots, into: &result)
        }
        return result
    }

    // MARK: - SpcIndirectDataContent

    private struct IndirectDigest {
        var algorithmOID: [UInt8]
        var digest: [UInt8]
        /// Authenticode signs the SEQUENCE's value bytes, not its tag and length.
        var contentValueStart: Int
    }

    /// SpcIndirectDataContent ::= SEQUENCE { data SpcAttributeTypeAndOptionalValue, messageDigest DigestInfo }
    private static func parseIndirectData(_ content: [UInt8]) throws -> IndirectDigest {
        guard let outer = DERElement.read(content, at: 0, limit: content.count), outer.tag == DERTag.sequence,
              let parts = outer.children(content), parts.count >= 2,
              parts[1].tag == DERTag.sequence,
              let digestInfo = parts[1].children(content), digestInfo.count >= 2,
              digestInfo[0].tag == DERTag.sequence,
              let algorithm = digestInfo[0].children(content), let oid = algorithm.first,
              oid.tag == DERTag.objectIdentifier,
              digestInfo[1].tag == DERTag.octetString
        else {
            throw malformed("SpcIndirectDataContent has no DigestInfo")
        }
        return IndirectDigest(algorithmOID: oid.value(content), digest: digestInfo[1].value(content),
                              contentValueStart: outer.valueStart)
    }

    // MARK: - Signer facts

    private static func readSigner(_ p7: UnsafeMutablePointer<PKCS7>, signed: UnsafeMutablePointer<PKCS7_SIGNED>,
                                   into result: inout AuthenticodeSignedData) {
        if let signers = PKCS7_get0_signers(p7, nil, 0) {
            defer { OPENSSL_sk_free(signers) }
            if OPENSSL_sk_num(signers) > 0, let raw = OPENSSL_sk_value(signers, 0) {
                let certificate = OpaquePointer(raw)
                result.subject = nameText(X509_get_subject_name(certificate))
                result.issuer = nameText(X509_get_issuer_name(certificate))
                result.serial = integerHex(X509_get0_serialNumber(certificate))
            }
        } else {
            // The signer's certificate is missing from the blob; the SignerInfo still names it.
            _ = CryptoError.drainOpenSSLErrors()
        }
        guard let infos = PKCS7_get_signer_info(p7), OPENSSL_sk_num(infos) > 0,
              let raw = OPENSSL_sk_value(infos, 0) else { return }
        let info = raw.assumingMemoryBound(to: PKCS7_SIGNER_INFO.self)
        if result.issuer == nil, let issuerAndSerial = info.pointee.issuer_and_serial {
            result.issuer = nameText(issuerAndSerial.pointee.issuer)
            result.serial = integerHex(issuerAndSerial.pointee.serial)
        }
        if let attribute = PKCS7_get_signed_attribute(info, NID_pkcs9_signingTime) {
            result.signingTime = timeText(attribute)
        }
    }

    private static func nameText(_ name: OpaquePointer?) -> String? {
        guard let name, let bio = BIO_new(BIO_s_mem()) else { return nil }
        defer { BIO_free(bio) }
        // RFC 2253 escaping, but in certificate order with ", " and without escaping UTF-8, as people read names.
        let flags = UInt(ASN1_STRFLGS_ESC_2253 | ASN1_STRFLGS_ESC_CTRL | ASN1_STRFLGS_UTF8_CONVERT
            | ASN1_STRFLGS_DUMP_UNKNOWN | ASN1_STRFLGS_DUMP_DER) | UInt(XN_FLAG_SEP_CPLUS_SPC) | UInt(XN_FLAG_FN_SN)
        guard X509_NAME_print_ex(bio, name, 0, flags) >= 0 else { return nil }
        return bioText(bio)
    }

    private static func integerHex(_ integer: UnsafePointer<ASN1_INTEGER>?) -> String? {
        guard let integer, let data = ASN1_STRING_get0_data(integer) else { return nil }
        let bytes = UnsafeBufferPointer(start: data, count: Int(ASN1_STRING_length(integer)))
        let hex = Hex.encode(bytes).uppercased()
        return hex.isEmpty ? "00" : hex
    }

    private static func timeText(_ attribute: UnsafeMutablePointer<ASN1_TYPE>) -> String? {
        let type = ASN1_TYPE_get(attribute)
        guard type == V_ASN1_UTCTIME || type == V_ASN1_GENERALIZEDTIME,
              let time = attribute.pointee.value.utctime else { return nil }
        var parts = tm()
        guard ASN1_TIME_to_tm(time, &parts) == 1 else { return nil }
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    // MARK: - Signature and trust

    /// PKCS7_verify recomputes the messageDigest attribute over the content and checks the signer's signature
    /// on the signed attributes; NOVERIFY leaves the chain to `checkTrust`.
    private static func verifySignature(_ p7: UnsafeMutablePointer<PKCS7>, content: [UInt8], valueStart: Int) -> String? {
        let signedPart = Array(content[valueStart...])
        return signedPart.withUnsafeBytes { buffer -> String? in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else {
                return "OpenSSL could not allocate a buffer: \(CryptoError.drainOpenSSLErrors())"
            }
            defer { BIO_free(bio) }
            if PKCS7_verify(p7, nil, nil, bio, nil, Int32(PKCS7_NOVERIFY)) == 1 { return nil }
            // OpenSSL repeats a failure at each layer it passes; one mention of each is enough for a person.
            var seen = Set<String>()
            let detail = CryptoError.drainOpenSSLErrors().split(separator: "; ").map(String.init).filter { seen.insert($0).inserted }
            return detail.isEmpty ? "the PKCS#7 signature does not verify"
                : "the PKCS#7 signature does not verify: \(detail.joined(separator: "; "))"
        }
    }

    private static func checkTrust(_ p7: UnsafeMutablePointer<PKCS7>, signed: UnsafeMutablePointer<PKCS7_SIGNED>,
                                   roots: [String], into result: inout AuthenticodeSignedData) throws {
        guard let store = X509_STORE_new() else { throw CryptoError.openSSL("no certificate store available") }
        defer { X509_STORE_free(store) }
        for path in roots where X509_STORE_load_file(store, path) != 1 {
            throw CryptoError.openSSL("cannot read trusted root certificates from '\(path)'; give a PEM file of root certificates",
                                      code: "authenticode.roots", kind: .invalidInput)
        }
        guard let signers = PKCS7_get0_signers(p7, nil, 0) else {
            _ = CryptoError.drainOpenSSLErrors()
            result.trusted = false
            result.trustProblem = "the signature does not carry the signer's certificate"
            return
        }
        defer { OPENSSL_sk_free(signers) }
        guard OPENSSL_sk_num(signers) > 0, let raw = OPENSSL_sk_value(signers, 0) else {
            result.trusted = false
            result.trustProblem = "the signature names no signer"
            return
        }
        guard let context = X509_STORE_CTX_new() else { throw CryptoError.openSSL("no verification context available") }
        defer { X509_STORE_CTX_free(context) }
        guard X509_STORE_CTX_init(context, store, OpaquePointer(raw), signed.pointee.cert) == 1 else {
            throw CryptoError.openSSL("cannot start certificate verification")
        }
        if X509_verify_cert(context) == 1 {
            result.trusted = true
        } else {
            result.trusted = false
            let code = X509_STORE_CTX_get_error(context)
            result.trustProblem = X509_verify_cert_error_string(Int(code)).map { String(cString: $0) } ?? "error \(code)"
            _ = CryptoError.drainOpenSSLErrors()
        }
    }

    // MARK: - Helpers

    private static func malformed(_ what: String) -> CryptoError {
        _ = CryptoError.drainOpenSSLErrors()
        return CryptoError(.invalidInput, code: "authenticode.malformed", what)
    }

    private static func objectText(_ object: OpaquePointer?) -> String? {
        guard let object else { return nil }
        var buffer = [CChar](repeating: 0, count: 128)
        let length = OBJ_obj2txt(&buffer, Int32(buffer.count), object, 1)
        guard length > 0, Int(length) < buffer.count else { return nil }
        return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func bioText(_ bio: OpaquePointer) -> String {
        var data: UnsafeMutablePointer<CChar>?
        let length = depot_BIO_get_mem_data(bio, &data)
        guard let data, length > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
    }

    /// Dotted form of a DER OID value, for messages about algorithms this reader does not know.
    static func dotted(_ oid: [UInt8]) -> String {
        guard let first = oid.first else { return "" }
        var parts = ["\(first / 40)", "\(first % 40)"]
        var value: UInt64 = 0
        for byte in oid.dropFirst() {
            value = (value << 7) | UInt64(byte & 0x7F)
            if byte & 0x80 == 0 {
                parts.append("\(value)")
                value = 0
            }
            if value > (UInt64.max >> 8) { return "?" }
        }
        return parts.joined(separator: ".")
    }
}

/// An owned PKCS7 structure, freed when the last reference goes.
final class PKCS7Object {
    let pointer: UnsafeMutablePointer<PKCS7>

    init(der: [UInt8]) throws {
        let parsed = der.withUnsafeBufferPointer { buffer -> UnsafeMutablePointer<PKCS7>? in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_PKCS7(nil, &cursor, buffer.count)
        }
        guard let parsed else {
            let detail = CryptoError.drainOpenSSLErrors()
            throw CryptoError(.invalidInput, code: "authenticode.malformed",
                              detail.isEmpty ? "not a DER PKCS#7 structure" : "not a DER PKCS#7 structure (\(detail))")
        }
        pointer = parsed
    }

    deinit { PKCS7_free(pointer) }
}
