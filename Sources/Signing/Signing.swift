import Foundation

// Signing: keys, certificates, detached CMS signatures over packages, signed JSON documents, and the
// client's check of a published tree. DepotCrypto does the OpenSSL work; this module names the rules.

/// Which signing key: the administration's catalog, or the schools' edu environment (a separate trust domain).
///
/// A signing certificate carries its role as the subject's `OU`, so a signature made with the edu key never
/// passes as a catalog signature even though both chain to the same root.
public enum KeyRole: String, Sendable, Codable, CaseIterable {
    case catalog
    case edu
}

/// How long new certificates are valid, in days: `rootCertificateDays` and `signingCertificateDays` of `signing.yaml`.
public struct KeyValidity: Sendable, Equatable {
    /// Validity of the self-signed root that clients pin.
    public var rootDays: Int
    /// Validity of each catalog or edu signing certificate.
    public var signingDays: Int

    /// Both values in days; the signing certificate may not outlive the root.
    public init(rootDays: Int = 3650, signingDays: Int = 730) {
        self.rootDays = rootDays
        self.signingDays = signingDays
    }
}
