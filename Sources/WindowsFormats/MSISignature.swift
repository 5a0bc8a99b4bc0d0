import DepotCrypto
import DepotModel

/// Authenticode for MSI packages: the PKCS#7 in the `\u{5}DigitalSignature` stream signs a digest of every
/// stream's contents (members sorted by their raw UTF-16 names, storages recursively, each storage's CLSID last),
/// optionally preceded by a digest of the entries' metadata that `\u{5}MsiDigitalSignatureEx` holds.
enum MSISignature {
    static let signatureStream = "\u{5}DigitalSignature"
    static let extendedStream = "\u{5}MsiDigitalSignatureEx"
    static let maxSignatureBytes = 16 << 20

    static func inspect(_ compound: CompoundFile, trustedRoots: [String]?, warnings: inout [String]) throws -> AuthenticodeFacts {
        let root = compound.rootMembers
        guard let signature = root.first(where: { $0.isStream && $0.name == signatureStream }) else {
            return AuthenticodeFacts(status: "unsigned")
        }
        let der = try compound.read(signature, limit: maxSignatureBytes)
        let signed: AuthenticodeSignedData
        do {
            signed = try Authenticode.read(der: der, trustedRoots: trustedRoots)
        } catch let error as CryptoError where error.code == "authenticode.malformed" {
            warnings.append("the DigitalSignature stream holds no readable signature: \(error.message)")
            return AuthenticodeFacts(status: "invalid", reason: "the DigitalSignature stream holds no readable signature: \(error.message)")
        }
        var facts = AuthenticodeFacts(status: "valid", subject: signed.subject, issuer: signed.issuer, serial: signed.serial,
                                      signingTime: signed.signingTime, trusted: signed.trusted,
                                      reason: signed.trustProblem.map { "not trusted: \($0)" })
        guard let algorithm = signed.digestAlgorithm else {
            facts.status = "invalid"
            facts.reason = "the signature uses digest algorithm \(signed.digestAlgorithmOID), which this reader cannot check"
            return facts
        }
        var prehash: [UInt8]?
        if let extended = root.first(where: { $0.isStream && $0.name == extendedStream }) {
            let stored = try compound.read(extended, limit: 1024)
            let computed = try metadataDigest(compound, algorithm: algorithm)
            guard stored == computed else {
                facts.status = "invalid"
                facts.reason = "digest mismatch: the streams' names, sizes or times changed after signing (MsiDigitalSignatureEx differs)"
                return facts
            }
            prehash = computed
        }
        let digest = try contentDigest(compound, algorithm: algorithm, prehash: prehash)
        if digest != signed.signedDigest {
            facts.status = "invalid"
            facts.reason = "digest mismatch: the package's \(algorithm.rawValue) digest \(Hex.encode(digest)) differs from the signed \(Hex.encode(signed.signedDigest)); it was changed after signing"
        } else if let problem = signed.signatureProblem {
            facts.status = "invalid"
            facts.reason = "bad signature: \(problem)"
        }
        return facts
    }

    /// Memberwise order of osslsigncode and Windows: bytewise over the stored UTF-16LE names
    /// (terminator included), the longer name first when one is a prefix of the other.
    static func hashOrder(_ a: CompoundFile.Entry, _ b: CompoundFile.Entry) -> Bool {
        let common = min(a.rawName.count, b.rawName.count)
        for index in 0..<common where a.rawName[index] != b.rawName[index] {
            return a.rawName[index] < b.rawName[index]
        }
        return a.rawName.count > b.rawName.count
    }

    private static func isSignatureStream(_ entry: CompoundFile.Entry) -> Bool {
        entry.name == signatureStream || entry.name == extendedStream
    }

    static func contentDigest(_ compound: CompoundFile, algorithm: DigestAlgorithm, prehash: [UInt8]?) throws -> [UInt8] {
        let hasher = try DigestHasher(algorithm)
        if let prehash { hasher.update(prehash) }
        try hashContents(of: compound.entries[0], in: compound, isRoot: true, into: hasher)
        return hasher.finalize()
    }

    private static func hashContents(of storage: CompoundFile.Entry, in compound: CompoundFile, isRoot: Bool,
                                     into hasher: DigestHasher) throws {
        for member in compound.members(of: storage).sorted(by: hashOrder) {
            if isRoot && isSignatureStream(member) { continue }
            if member.isStream {
                try compound.forEachChunk(of: member) { hasher.update($0) }
            } else if member.isStorage {
                // The directory tree was built with a depth bound, so this recursion is bounded too.
                try hashContents(of: member, in: compound, isRoot: false, into: hasher)
            }
        }
        hasher.update(storage.clsid)
    }

    static func metadataDigest(_ compound: CompoundFile, algorithm: DigestAlgorithm) throws -> [UInt8] {
        let hasher = try DigestHasher(algorithm)
        hashMetadata(of: compound.entries[0], in: compound, isRoot: true, into: hasher)
        return hasher.finalize()
    }

    private static func hashMetadata(of storage: CompoundFile.Entry, in compound: CompoundFile, isRoot: Bool,
                                     into hasher: DigestHasher) {
        addMetadata(storage, into: hasher)
        for member in compound.members(of: storage).sorted(by: hashOrder) {
            if isRoot && isSignatureStream(member) { continue }
            if member.isStream {
                addMetadata(member, into: hasher)
            } else if member.isStorage {
                hashMetadata(of: member, in: compound, isRoot: false, into: hasher)
            }
        }
    }

    private static func addMetadata(_ entry: CompoundFile.Entry, into hasher: DigestHasher) {
        let isRoot = entry.type == CompoundFile.EntryType.root.rawValue
        if !isRoot { hasher.update(Array(entry.rawName.dropLast(2))) }
        hasher.update(entry.isStream ? entry.sizeBytes : entry.clsid)
        hasher.update(entry.stateBits)
        if !isRoot {
            hasher.update(entry.created)
            hasher.update(entry.modified)
        }
    }
}
