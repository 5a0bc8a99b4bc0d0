import COpenSSL
import DepotModel

/// A message digest algorithm that signatures name by OID (Authenticode allows several; SHA-256 is today's default).
public enum DigestAlgorithm: String, Sendable, Codable, CaseIterable {
    case md5
    case sha1
    case sha256
    case sha384
    case sha512

    /// The algorithm for a DER-encoded OBJECT IDENTIFIER value (the bytes after tag and length), or nil.
    public init?(oidValue: [UInt8]) {
        switch oidValue {
        case [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x02, 0x05]: self = .md5
        case [0x2B, 0x0E, 0x03, 0x02, 0x1A]: self = .sha1
        case [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01]: self = .sha256
        case [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02]: self = .sha384
        case [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03]: self = .sha512
        default: return nil
        }
    }

    /// Digest length in bytes.
    public var length: Int {
        switch self {
        case .md5: 16
        case .sha1: 20
        case .sha256: 32
        case .sha384: 48
        case .sha512: 64
        }
    }

    fileprivate var evp: OpaquePointer? {
        switch self {
        case .md5: EVP_md5()
        case .sha1: EVP_sha1()
        case .sha256: EVP_sha256()
        case .sha384: EVP_sha384()
        case .sha512: EVP_sha512()
        }
    }
}

/// Streaming digest over OpenSSL's EVP interface for any `DigestAlgorithm`; `SHA256Hasher` is the SHA-256-only twin.
public final class DigestHasher {
    // Owned EVP context: freed in deinit, never shared across threads.
    private let context: OpaquePointer
    /// The algorithm this hasher computes.
    public let algorithm: DigestAlgorithm

    /// Starts a digest; throws `CryptoError` when OpenSSL cannot provide the algorithm.
    public init(_ algorithm: DigestAlgorithm) throws {
        guard let context = EVP_MD_CTX_new() else { throw CryptoError.openSSL("no digest context available") }
        self.context = context
        self.algorithm = algorithm
        // Digest init failing leaves a context that deinit still frees.
        guard EVP_DigestInit_ex(context, algorithm.evp, nil) == 1 else {
            throw CryptoError.openSSL("OpenSSL cannot compute \(algorithm.rawValue)")
        }
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Adds bytes to the digest.
    public func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        EVP_DigestUpdate(context, base, bytes.count)
    }

    /// Adds bytes to the digest.
    public func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Finishes the digest; the hasher must not be used afterwards.
    public func finalize() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 64)
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &out, &length)
        return Array(out.prefix(Int(length)))
    }
}
