import DepotModel
extension LicenceScope {
    /// Only these scopes may reach any school's whitelist.
    public var includesEdu: Bool { covers("edu") }
}

/// What kind of identity vouches for an installer; the kind decides which enforcement rule can use it.
public enum SignerKind: String, Sendable, Codable, CaseIterable, Comparable {
    /// Windows: the Authenticode signer's subject distinguished name (`O=Mozilla Corporation, L=…, C=US`).
    case authenticode
    /// macOS: the Apple Developer Team ID (ten characters, `43AQ936H96`).
    case appleTeamID = "apple-team-id"
    /// macOS: lowercase hex SHA-256 of the leaf signing certificate.
    case appleCertificate = "apple-certificate"
    /// Chrome: the 32-letter extension id, derived from the key that signs the CRX.
    case chromeExtension = "chrome-extension"

    public static func < (a: SignerKind, b: SignerKind) -> Bool { a.rawValue < b.rawValue }
}

/// Who signed an installer, when known.
public struct SignerIdentity: Sendable, Codable, Hashable, Comparable {
    /// Which identity this is, and so which enforcement rule can use it.
    public var kind: SignerKind
    /// The subject, team id, certificate hash or extension id, exactly as the tool compares it.
    public var value: String

    /// Builds an identity.
    public init(_ kind: SignerKind, _ value: String) {
        self.kind = kind
        self.value = value
    }

    public static func < (a: SignerIdentity, b: SignerIdentity) -> Bool {
        (a.kind, a.value) < (b.kind, b.value)
    }

    /// Nil when the value cannot be what its kind says, else the problem in words.
    func problem() -> String? {
        switch kind {
        case .authenticode:
            return value.trimmingCharacters(in: .whitespaces).isEmpty ? "the Authenticode subject is empty" : nil
        case .appleTeamID:
            let ok = value.utf8.count == 10 && value.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) }
            return ok ? nil : "Apple Team ID '\(value)' must be 10 characters A-Z and 0-9"
        case .appleCertificate:
            return isLowerHex(value, length: 64) ? nil : "certificate hash '\(value)' must be 64 lowercase hex digits (SHA-256)"
        case .chromeExtension:
            let ok = value.utf8.count == 32 && value.utf8.allSatisfy { $0 >= 0x61 && $0 <= 0x70 }
            return ok ? nil : "Chrome extension id '\(value)' must be 32 letters a-p"
        }
    }
}

func isLowerHex(_ text: String, length: Int) -> Bool {
    text.utf8.count == length && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
}

/// One program version the catalog offers to edu, as plain values: the lead fills it from the store.
///
/// A version with `approvedScope == nil` has no central licence approval of its own; it can only reach an
/// `open` tier's whitelist through the fast channel, following an approved version of the same program.
public struct WhitelistCandidate: Sendable, Codable, Equatable {
    /// The catalog program id (`mozilla-firefox`).
    public var program: String
    /// The display name (`Mozilla Firefox`).
    public var name: String
    /// The upstream version, as the catalog writes it.
    public var version: String
    /// Lowercase hex SHA-256 of the installer.
    public var sha256: String
    /// Installer size in bytes.
    public var size: Int64
    /// Where a device downloads the installer, relative to the published directory (`packages/<sha256>`).
    public var downloadPath: String
    /// Platforms this installer runs on (`windows`, `macos`, `linux`, `chromeos`, …).
    public var platforms: [String]
    /// `msi`, `exe`, `nsis`, `inno`, `burn`, `pkg`, `crx`, `deb`, `zip`, …
    public var installerType: String
    /// The switch for an unattended install (`/qn`), when the installer has one.
    public var silentSwitch: String?
    /// The legal publisher, as it signs its installers.
    public var publisher: String
    /// The product name in the installer's version resource; AppLocker publisher rules need it.
    public var productName: String?
    /// Who signed this installer, when known; the fast channel needs it.
    public var signer: SignerIdentity?
    /// The SPDX licence expression of this version.
    public var licence: String
    /// The scope a reviewer approved for this version's licence, or nil when not centrally approved.
    public var approvedScope: LicenceScope?
    /// The licence counts installs against owned seats.
    public var needsSeat: Bool
    /// Seats still free when the whitelist is built; nil when the licence counts no seats.
    public var seatsAvailable: Int?
    /// The catalog category (`browser`, `education`, `developer`, …) that tiers allow or not.
    public var category: String
    /// Part of the centrally installed standard set for teaching (the only apps a `locked` school gets by default).
    public var standardSet: Bool
    /// Chrome extensions only: the update URL when not the Chrome Web Store.
    public var updateURL: String?
    /// SHA-256 of each licence text in the installer after SPDX-style normalisation (sorted); nil when not read.
    /// The fast channel lists a newer version only when these equal the approved version's.
    public var licenceTexts: [String]?

    /// Builds a candidate; optional facts default to unknown.
    public init(program: String, name: String, version: String, sha256: String, size: Int64, downloadPath: String,
                platforms: [String], installerType: String, silentSwitch: String? = nil, publisher: String,
                productName: String? = nil, signer: SignerIdentity? = nil, licence: String,
                approvedScope: LicenceScope?, needsSeat: Bool = false, seatsAvailable: Int? = nil,
                category: String, standardSet: Bool = false, updateURL: String? = nil, licenceTexts: [String]? = nil) {
        self.licenceTexts = licenceTexts.map { Array(Set($0)).sorted() }
        self.program = program
        self.name = name
        self.version = version
        self.sha256 = sha256
        self.size = size
        self.downloadPath = downloadPath
        self.platforms = platforms
        self.installerType = installerType
        self.silentSwitch = silentSwitch
        self.publisher = publisher
        self.productName = productName
        self.signer = signer
        self.licence = licence
        self.approvedScope = approvedScope
        self.needsSeat = needsSeat
        self.seatsAvailable = seatsAvailable
        self.category = category
        self.standardSet = standardSet
        self.updateURL = updateURL
    }

    /// Checks the facts an export or a device relies on; throws naming the program, version and field.
    public func validate() throws(WhitelistError) {
        if program.isEmpty || version.isEmpty { throw .invalidCandidate(self, "program and version must not be empty") }
        if !isLowerHex(sha256, length: 64) {
            throw .invalidCandidate(self, "sha256 '\(sha256)' must be 64 lowercase hex digits")
        }
        if size < 0 { throw .invalidCandidate(self, "size \(size) must not be negative") }
        if downloadPath.isEmpty || downloadPath.hasPrefix("/") || downloadPath.split(separator: "/").contains("..") {
            throw .invalidCandidate(self, "download path '\(downloadPath)' must be relative and stay inside the published directory")
        }
        if let seats = seatsAvailable, seats < 0 {
            throw .invalidCandidate(self, "seats available \(seats) must not be negative")
        }
        if let problem = signer?.problem() { throw .invalidCandidate(self, problem) }
    }
}
