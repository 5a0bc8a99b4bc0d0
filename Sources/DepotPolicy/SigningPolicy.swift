/// Keys, certificates and how long signed documents stay valid (`signing.yaml`).
public struct SigningPolicy: PolicyDocument, Codable {
    public static let fileName = "signing.yaml"

    /// Algorithm for new keys: the root and both signing keys.
    public var keyAlgorithm: KeyAlgorithm
    /// Digest used in signatures.
    public var digest: SignatureDigest
    /// Validity of the root certificate that clients pin.
    public var rootCertificateDays: Int
    /// Validity of the catalog and edu signing certificates; rotate before they end.
    public var signingCertificateDays: Int
    /// Days a published `catalog.json` is valid; clients refuse it afterwards.
    public var catalogExpiryDays: Int
    /// Days a published edu whitelist is valid; shorter, because devices check it more often.
    public var eduExpiryDays: Int
    /// Re-sign (`publish --refresh`) when a document has this many days or fewer left.
    public var refreshWhenDaysLeft: Int

    /// The values shipped in `Policies/signing.yaml`.
    public init(keyAlgorithm: KeyAlgorithm = .ecP256, digest: SignatureDigest = .sha256, rootCertificateDays: Int = 3650,
                signingCertificateDays: Int = 730, catalogExpiryDays: Int = 7, eduExpiryDays: Int = 3,
                refreshWhenDaysLeft: Int = 2) {
        self.keyAlgorithm = keyAlgorithm
        self.digest = digest
        self.rootCertificateDays = rootCertificateDays
        self.signingCertificateDays = signingCertificateDays
        self.catalogExpiryDays = catalogExpiryDays
        self.eduExpiryDays = eduExpiryDays
        self.refreshWhenDaysLeft = refreshWhenDaysLeft
    }

    public static func read(from root: PolicyValue) -> SigningPolicy? {
        root.mapping { m in
            let algorithm = m.required("keyAlgorithm")?.choice(KeyAlgorithm.self, "a key algorithm")
            let digest = m.required("digest")?.choice(SignatureDigest.self, "a digest")
            let rootDays = m.required("rootCertificateDays")?.int(in: 1...10_950, "a number of days")
            let signingValue = m.required("signingCertificateDays")
            let signingDays = signingValue?.int(in: 1...10_950, "a number of days")
            let catalogDays = m.required("catalogExpiryDays")?.int(in: 1...366, "a number of days")
            let eduDays = m.required("eduExpiryDays")?.int(in: 1...366, "a number of days")
            let refreshValue = m.required("refreshWhenDaysLeft")
            let refresh = refreshValue?.int(in: 0...365, "a number of days")
            if let rootDays, let signingDays, signingDays > rootDays {
                signingValue?.expected("at most rootCertificateDays (\(rootDays)): a certificate cannot outlive its issuer")
            }
            if let refresh, let catalogDays, let eduDays, refresh >= min(catalogDays, eduDays) {
                refreshValue?.expected("fewer days than catalogExpiryDays and eduExpiryDays (\(min(catalogDays, eduDays))), "
                    + "or every document would need refreshing as soon as it is signed")
            }
            guard let algorithm, let digest, let rootDays, let signingDays, let catalogDays, let eduDays, let refresh
            else { return nil }
            return SigningPolicy(keyAlgorithm: algorithm, digest: digest, rootCertificateDays: rootDays,
                                 signingCertificateDays: signingDays, catalogExpiryDays: catalogDays,
                                 eduExpiryDays: eduDays, refreshWhenDaysLeft: refresh)
        }
    }
}

/// Key types Depot creates.
public enum KeyAlgorithm: String, Sendable, Codable, CaseIterable {
    case ecP256 = "ec-p256"
    case ecP384 = "ec-p384"
    case rsa3072 = "rsa-3072"
    case rsa4096 = "rsa-4096"
}

/// Message digests for signatures.
public enum SignatureDigest: String, Sendable, Codable, CaseIterable {
    case sha256, sha384, sha512
}
