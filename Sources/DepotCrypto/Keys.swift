import COpenSSL
import DepotModel
import Foundation

/// An EC P-256 private key (OpenSSL `EVP_PKEY`), able to sign; never printed, never serialised except to its own file.
public final class PrivateKey: @unchecked Sendable {
    // Safe to share: the key is never mutated after creation, and OpenSSL's EVP_PKEY signing is read-only on the key.
    let pointer: OpaquePointer

    init(taking pointer: OpaquePointer) { self.pointer = pointer }

    deinit { EVP_PKEY_free(pointer) }

    /// Generates a fresh P-256 key from OpenSSL's DRBG.
    public static func generateP256() throws -> PrivateKey {
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else {
            throw CryptoError.openSSL("cannot create an EC key context")
        }
        defer { EVP_PKEY_CTX_free(context) }
        try check(EVP_PKEY_keygen_init(context), "cannot start EC key generation")
        try check(EVP_PKEY_CTX_set_group_name(context, "P-256"), "OpenSSL does not offer the P-256 curve")
        var key: OpaquePointer?
        try check(EVP_PKEY_generate(context, &key), "cannot generate a P-256 key")
        guard let key else { throw CryptoError.openSSL("key generation returned no key") }
        return PrivateKey(taking: key)
    }

    /// Reads a PEM private key (PKCS#8 or traditional EC); `source` names the file in error messages.
    public init(pem: [UInt8], source: String) throws {
        let bio = try MemoryBIO(bytes: pem)
        guard let key = PEM_read_bio_PrivateKey(bio.pointer, nil, nil, nil) else {
            let detail = CryptoError.drainOpenSSLErrors()
            throw CryptoError(.invalidInput, code: "key.unreadable",
                              "\(source) is not a PEM private key\(detail.isEmpty ? "" : " (\(detail))"); "
                                  + "restore it from backup or create keys again")
        }
        pointer = key
    }

    /// The unencrypted PKCS#8 PEM; only for writing the key's own 0600 file.
    func pem() throws -> [UInt8] {
        let bio = try MemoryBIO()
        try check(PEM_write_bio_PrivateKey(bio.pointer, pointer, nil, nil, 0, nil, nil), "cannot encode the private key")
        return bio.contents()
    }

    /// The public half as a PEM `PUBLIC KEY` block, safe to show.
    public func publicKeyPEM() throws -> String {
        let bio = try MemoryBIO()
        try check(PEM_write_bio_PUBKEY(bio.pointer, pointer), "cannot encode the public key")
        return String(decoding: bio.contents(), as: UTF8.self)
    }

    /// Writes the key as PEM to a new file created with mode 0600; refuses to replace an existing file.
    public func write(to url: URL) throws {
        let bytes = try pem()
        try SecureFile.createOwnerOnly(url, bytes)
    }

    /// ECDSA (or the key's own scheme) over SHA-256 of `bytes`; DER-encoded signature.
    public func sign(_ bytes: [UInt8]) throws -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else { throw CryptoError.openSSL("cannot allocate a signing context") }
        defer { EVP_MD_CTX_free(context) }
        try check(EVP_DigestSignInit(context, nil, EVP_sha256(), nil, pointer), "cannot start signing")
        var length = 0
        try bytes.withUnsafeBufferPointer { buffer in
            try check(EVP_DigestSign(context, nil, &length, buffer.baseAddress, buffer.count), "cannot size the signature")
        }
        var signature = [UInt8](repeating: 0, count: length)
        try bytes.withUnsafeBufferPointer { buffer in
            try check(EVP_DigestSign(context, &signature, &length, buffer.baseAddress, buffer.count), "cannot sign")
        }
        return Array(signature.prefix(length))
    }

    /// True when `certificate` carries this key's public half.
    public func matches(_ certificate: Certificate) -> Bool {
        guard let publicKey = X509_get0_pubkey(certificate.pointer) else { return false }
        return EVP_PKEY_eq(pointer, publicKey) == 1
    }
}

/// Files that must be readable by their owner only.
public enum SecureFile {
    /// Creates `url` exclusively with mode 0600 and writes `bytes`; an existing file is an error, never overwritten.
    public static func createOwnerOnly(_ url: URL, _ bytes: [UInt8]) throws {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw CryptoError(.conflict, code: "key.write", "cannot create \(url.path): \(reason); "
                                  + "a key file is never overwritten, move the old one away first")
        }
        defer { close(fd) }
        // The umask can only remove bits, but an inherited ACL or odd umask must not widen them.
        _ = fchmod(fd, 0o600)
        var written = 0
        try bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            while written < raw.count {
                let n = Foundation.write(fd, base + written, raw.count - written)
                if n <= 0 {
                    throw CryptoError(.internal, code: "key.write",
                                      "cannot write \(url.path): \(String(cString: strerror(errno)))")
                }
                written += n
            }
        }
        guard fsync(fd) == 0 else {
            throw CryptoError(.internal, code: "key.write", "cannot flush \(url.path): \(String(cString: strerror(errno)))")
        }
    }
}

/// An owned memory BIO, freed in deinit.
final class MemoryBIO {
    let pointer: OpaquePointer

    init() throws {
        guard let bio = BIO_new(BIO_s_mem()) else { throw CryptoError.openSSL("cannot allocate a memory buffer") }
        pointer = bio
    }

    /// A read-only BIO over a copy of `bytes`.
    convenience init(bytes: [UInt8]) throws {
        try self.init()
        if !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { BIO_write(pointer, $0.baseAddress, Int32(clamping: $0.count)) }
            guard n == Int32(clamping: bytes.count) else { throw CryptoError.openSSL("cannot fill a memory buffer") }
        }
    }

    deinit { BIO_free(pointer) }

    func contents() -> [UInt8] {
        var data: UnsafeMutablePointer<CChar>?
        let length = depot_BIO_get_mem_data(pointer, &data)
        guard let data, length > 0 else { return [] }
        return data.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
    }
}

/// An owned file BIO, freed in deinit; lets OpenSSL stream a file instead of loading it.
final class FileBIO {
    let pointer: OpaquePointer

    init(reading url: URL) throws {
        guard let bio = BIO_new_file(url.path, "rb") else {
            _ = CryptoError.drainOpenSSLErrors()
            throw CryptoError(.notFound, code: "file.unreadable", "cannot read \(url.path): check that it exists and is readable")
        }
        pointer = bio
    }

    deinit { BIO_free(pointer) }
}
