import DepotCrypto
import DepotModel

/// Authenticode for PE files: the certificate table (data directory 4) holds WIN_CERTIFICATE entries whose
/// PKCS#7 signs a digest of the whole file except the checksum, the certificate directory entry and the table itself.
enum PEAuthenticode {
    /// Real certificate tables are a few KiB to a few hundred; anything this large is not a signature.
    static let maxTableBytes: UInt32 = 32 << 20
    static let pkcsSignedData: UInt16 = 0x0002
    static let chunkSize = 1 << 20

    static func inspect(_ file: InstallerFile, image: PEImage, trustedRoots: [String]?,
                        warnings: inout [String]) throws -> AuthenticodeFacts {
        guard let directory = image.directory(PEImage.certificateDirectory), directory.address != 0 else {
            return AuthenticodeFacts(status: "unsigned")
        }
        func broken(_ reason: String) -> AuthenticodeFacts {
            warnings.append("signature unreadable: \(reason)")
            return AuthenticodeFacts(status: "invalid", reason: reason)
        }
        let offset = Int64(directory.address)
        let size = directory.size
        guard offset >= Int64(image.sizeOfHeaders) else {
            return broken("the certificate table at offset \(offset) overlaps the PE headers")
        }
        guard offset <= file.size, Int64(size) <= file.size - offset else {
            return broken("the certificate table claims \(size) bytes at offset \(offset), but the file is \(file.size) bytes")
        }
        guard size <= maxTableBytes else {
            return broken("the certificate table claims \(size) bytes, more than any signature needs")
        }
        guard size >= 8 else { return broken("the certificate table is \(size) bytes, too small for a WIN_CERTIFICATE") }
        let table = try file.read(at: offset, count: Int(size), "the certificate table")
        let length = Int(table.u32(0) ?? 0)
        let revision = table.u16(4) ?? 0
        let type = table.u16(6) ?? 0
        guard length > 8, length <= table.count else {
            return broken("the first WIN_CERTIFICATE claims \(length) bytes, but the certificate table holds \(table.count)")
        }
        guard revision == 0x0200 || revision == 0x0100 else {
            return broken("the WIN_CERTIFICATE revision is \(TextDecoding.hex(UInt32(revision), width: 4)), not 0x0200")
        }
        guard type == pkcsSignedData else {
            return broken("the WIN_CERTIFICATE type is \(TextDecoding.hex(UInt32(type), width: 4)), not PKCS#7 SignedData")
        }
        let signed: AuthenticodeSignedData
        do {
            signed = try Authenticode.read(der: Array(table[8..<length]), trustedRoots: trustedRoots)
        } catch let error as CryptoError where error.code == "authenticode.malformed" {
            return broken("the certificate table holds no readable Authenticode signature: \(error.message)")
        }
        var facts = AuthenticodeFacts(status: "valid", subject: signed.subject, issuer: signed.issuer, serial: signed.serial,
                                      signingTime: signed.signingTime, trusted: signed.trusted,
                                      reason: signed.trustProblem.map { "not trusted: \($0)" })
        guard let algorithm = signed.digestAlgorithm else {
            facts.status = "invalid"
            facts.reason = "the signature uses digest algorithm \(signed.digestAlgorithmOID), which this reader cannot check"
            return facts
        }
        var excluded: [Range<Int64>] = [image.checksumOffset..<(image.checksumOffset + 4), offset..<(offset + Int64(size))]
        if let entry = image.certificateEntryOffset { excluded.append(entry..<(entry + 8)) }
        let digest = try imageDigest(file, algorithm: algorithm, excluding: excluded)
        if digest != signed.signedDigest {
            facts.status = "invalid"
            facts.reason = "digest mismatch: the file's \(algorithm.rawValue) Authenticode digest \(Hex.encode(digest)) differs from the signed \(Hex.encode(signed.signedDigest)); the file was changed after signing"
        } else if let problem = signed.signatureProblem {
            facts.status = "invalid"
            facts.reason = "bad signature: \(problem)"
        }
        return facts
    }

    /// Hashes the file in 1 MiB reads, skipping the excluded ranges.
    static func imageDigest(_ file: InstallerFile, algorithm: DigestAlgorithm, excluding: [Range<Int64>]) throws -> [UInt8] {
        let hasher = try DigestHasher(algorithm)
        let holes = excluding.map { $0.clamped(to: 0..<file.size) }.filter { !$0.isEmpty }.sorted { $0.lowerBound < $1.lowerBound }
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        var cursor: Int64 = 0
        var pieces: [Range<Int64>] = []
        for hole in holes {
            if hole.lowerBound > cursor { pieces.append(cursor..<hole.lowerBound) }
            cursor = max(cursor, hole.upperBound)
        }
        if cursor < file.size { pieces.append(cursor..<file.size) }
        for piece in pieces {
            var at = piece.lowerBound
            while at < piece.upperBound {
                let count = Int(min(Int64(chunkSize), piece.upperBound - at))
                let got = try buffer.withUnsafeMutableBytes {
                    try file.fill(UnsafeMutableRawBufferPointer(rebasing: $0[0..<count]), at: at)
                }
                guard got == count else { throw FormatDefect("the file shrank while it was being read") }
                buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
                at += Int64(count)
            }
        }
        return hasher.finalize()
    }
}
