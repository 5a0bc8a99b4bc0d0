/// What intake learned by reading an installer. Every field is `nil` (JSON `null`) when unknown,
/// so a packager sees what to confirm rather than a guess.
public struct InstallerFacts: Sendable, Codable, Equatable {
    /// Lowercase hex SHA-256 of the installer's bytes.
    public var sha256: String
    /// Size of the installer in bytes.
    public var size: Int64
    /// The container format: `zip`, `msix`, `appxbundle`, `nupkg`, `wheel`, `jar`, `crx`, `deb`, `rpm`,
    /// `xar`, `dmg`, `tar`, `7z`, `cab`, `iso9660`, `msi`, `pe`, or `unknown`.
    public var format: String
    /// How the installer installs: `msix`, `nupkg`, `wheel`, `jar`, `crx`, `deb`, `rpm`, `pkg`, `portable`,
    /// `msi`, `nsis`, `inno`, `burn`, `installshield`, `exe`, or nil.
    public var installerType: String?
    public var name: String?
    public var version: String?
    public var publisher: String?
    public var platforms: [String]
    public var architectures: [String]
    /// The licence exactly as the package declares it (not yet normalised to SPDX).
    public var declaredLicense: String?
    /// Paths inside the installer whose names say they hold licence terms.
    public var licenseFiles: [String]
    public var entryCount: Int?
    public var uncompressedSize: Int64?
    public var warnings: [String]
    /// Facts only Windows installers have (MSI tables, PE version resource, Authenticode).
    public var windows: WindowsFacts?

    public init(
        sha256: String, size: Int64, format: String, installerType: String? = nil,
        name: String? = nil, version: String? = nil, publisher: String? = nil,
        platforms: [String] = [], architectures: [String] = [], declaredLicense: String? = nil,
        licenseFiles: [String] = [], entryCount: Int? = nil, uncompressedSize: Int64? = nil,
        warnings: [String] = [], windows: WindowsFacts? = nil
    ) {
        self.sha256 = sha256
        self.size = size
        self.format = format
        self.installerType = installerType
        self.name = name
        self.version = version
        self.publisher = publisher
        self.platforms = platforms
        self.architectures = architectures
        self.declaredLicense = declaredLicense
        self.licenseFiles = licenseFiles
        self.entryCount = entryCount
        self.uncompressedSize = uncompressedSize
        self.warnings = warnings
        self.windows = windows
    }

    // Depot's own keys spell `licence`; facts stored before that used `declaredLicense`/`licenseFiles` and still read.
    private enum CodingKeys: String, CodingKey {
        case sha256, size, format, installerType, name, version, publisher, platforms, architectures
        case declaredLicense = "declaredLicence", licenseFiles = "licenceFiles", entryCount, uncompressedSize, warnings, windows
        case legacyDeclaredLicense = "declaredLicense", legacyLicenseFiles = "licenseFiles"
    }

    // Written by hand so that unknown facts are explicit `null`s rather than missing keys.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sha256, forKey: .sha256)
        try c.encode(size, forKey: .size)
        try c.encode(format, forKey: .format)
        try c.encode(installerType, forKey: .installerType)
        try c.encode(name, forKey: .name)
        try c.encode(version, forKey: .version)
        try c.encode(publisher, forKey: .publisher)
        try c.encode(platforms, forKey: .platforms)
        try c.encode(architectures, forKey: .architectures)
        try c.encode(declaredLicense, forKey: .declaredLicense)
        try c.encode(licenseFiles, forKey: .licenseFiles)
        try c.encode(entryCount, forKey: .entryCount)
        try c.encode(uncompressedSize, forKey: .uncompressedSize)
        try c.encode(warnings, forKey: .warnings)
        try c.encodeIfPresent(windows, forKey: .windows)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sha256 = try c.decode(String.self, forKey: .sha256)
        size = try c.decode(Int64.self, forKey: .size)
        format = try c.decode(String.self, forKey: .format)
        installerType = try c.decodeIfPresent(String.self, forKey: .installerType)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        version = try c.decodeIfPresent(String.self, forKey: .version)
        publisher = try c.decodeIfPresent(String.self, forKey: .publisher)
        platforms = try c.decodeIfPresent([String].self, forKey: .platforms) ?? []
        architectures = try c.decodeIfPresent([String].self, forKey: .architectures) ?? []
        declaredLicense = try c.decodeIfPresent(String.self, forKey: .declaredLicense)
            ?? c.decodeIfPresent(String.self, forKey: .legacyDeclaredLicense)
        licenseFiles = try c.decodeIfPresent([String].self, forKey: .licenseFiles)
            ?? c.decodeIfPresent([String].self, forKey: .legacyLicenseFiles) ?? []
        entryCount = try c.decodeIfPresent(Int.self, forKey: .entryCount)
        uncompressedSize = try c.decodeIfPresent(Int64.self, forKey: .uncompressedSize)
        warnings = try c.decodeIfPresent([String].self, forKey: .warnings) ?? []
        windows = try c.decodeIfPresent(WindowsFacts.self, forKey: .windows)
    }
}

/// Facts from MSI tables, PE headers and resources, and Authenticode signatures.
public struct WindowsFacts: Sendable, Codable, Equatable {
    public var productCode: String?
    public var upgradeCode: String?
    public var productLanguage: String?
    /// MSI Summary Information: template (platform;languages), author, revision number.
    public var template: String?
    public var author: String?
    public var revisionNumber: String?
    /// CustomAction rows counted by their base type (e.g. "dll", "exe", "script", "property", "directory").
    public var customActions: [String: Int]?
    public var serviceInstalls: Int?
    /// Rows in driver tables such as MsiDriverPackages.
    public var drivers: Int?
    public var schedulesReboot: Bool?
    /// Cabinets embedded in the MSI, with their file counts.
    public var cabinets: [CabinetFacts]?
    /// PE: `x86`, `x64`, `arm64`, …
    public var machine: String?
    public var is64Bit: Bool?
    /// PE version resource strings: ProductName, ProductVersion, FileVersion, CompanyName, LegalCopyright, OriginalFilename.
    public var versionInfo: [String: String]?
    /// `nsis`, `inno`, `burn`, `installshield`, or `exe`.
    public var framework: String?
    /// The command-line switch that makes this framework install silently.
    public var silentSwitch: String?
    public var signature: AuthenticodeFacts?

    public init() {}
}

/// An embedded cabinet in an MSI.
public struct CabinetFacts: Sendable, Codable, Equatable {
    public var name: String
    public var fileCount: Int
    public var size: Int64
    public init(name: String, fileCount: Int, size: Int64) {
        self.name = name
        self.fileCount = fileCount
        self.size = size
    }
}

/// Who signed a Windows installer, and whether the signature covers the bytes as they are.
public struct AuthenticodeFacts: Sendable, Codable, Equatable {
    /// `valid` (digest matches and the CMS signature verifies), `invalid`, or `unsigned`.
    public var status: String
    public var subject: String?
    public var issuer: String?
    public var serial: String?
    /// ISO 8601 signing time from the signed attributes, when present.
    public var signingTime: String?
    /// Chain to configured trusted roots: true, false, or nil when no roots are configured.
    public var trusted: Bool?
    public var reason: String?

    public init(status: String, subject: String? = nil, issuer: String? = nil, serial: String? = nil,
                signingTime: String? = nil, trusted: Bool? = nil, reason: String? = nil) {
        self.status = status
        self.subject = subject
        self.issuer = issuer
        self.serial = serial
        self.signingTime = signingTime
        self.trusted = trusted
        self.reason = reason
    }
}

extension InstallerFacts {
    /// How much of what an installer says about itself is kept: facts are for a person to read, and a hostile
    /// installer must not turn one submission (and its audit record) into megabytes.
    public enum Bounds {
        public static let maxFieldCharacters = 256
        public static let maxLongFieldCharacters = 1024
        public static let maxWarnings = 100
        public static let maxLicenceFiles = 200
        public static let maxCabinets = 100
    }

    /// The facts with every input-controlled text escaped (`SafeText`) and cut, and every list capped; what was
    /// left out is said in a warning.
    public func bounded() -> InstallerFacts {
        var out = self
        let short = { (text: String?) in text.map { SafeText.line($0, limit: Bounds.maxFieldCharacters) } }
        out.name = short(name)
        out.version = short(version)
        out.publisher = short(publisher)
        out.declaredLicense = declaredLicense.map { SafeText.line($0, limit: Bounds.maxLongFieldCharacters) }
        out.platforms = Array(platforms.prefix(16)).map { SafeText.line($0, limit: 64) }
        out.architectures = Array(architectures.prefix(16)).map { SafeText.line($0, limit: 64) }
        var notes: [String] = []
        if licenseFiles.count > Bounds.maxLicenceFiles {
            notes.append("\(licenseFiles.count) licence files were found; the first \(Bounds.maxLicenceFiles) are listed")
        }
        out.licenseFiles = licenseFiles.prefix(Bounds.maxLicenceFiles).map { SafeText.line($0, limit: Bounds.maxLongFieldCharacters) }
        if var windows {
            windows.productCode = short(windows.productCode)
            windows.upgradeCode = short(windows.upgradeCode)
            windows.productLanguage = short(windows.productLanguage)
            windows.template = short(windows.template)
            windows.author = short(windows.author)
            windows.revisionNumber = short(windows.revisionNumber)
            if let cabinets = windows.cabinets, cabinets.count > Bounds.maxCabinets {
                notes.append("\(cabinets.count) embedded cabinets were found; the first \(Bounds.maxCabinets) are listed")
                windows.cabinets = Array(cabinets.prefix(Bounds.maxCabinets))
            }
            windows.cabinets = windows.cabinets?.map {
                CabinetFacts(name: SafeText.line($0.name, limit: Bounds.maxFieldCharacters), fileCount: $0.fileCount, size: $0.size)
            }
            windows.versionInfo = windows.versionInfo.map { info in
                Dictionary(uniqueKeysWithValues: info.prefix(32).map {
                    (SafeText.line($0.key, limit: 64), SafeText.line($0.value, limit: Bounds.maxLongFieldCharacters))
                })
            }
            if var signature = windows.signature {
                signature.subject = signature.subject.map { SafeText.line($0, limit: Bounds.maxLongFieldCharacters) }
                signature.issuer = signature.issuer.map { SafeText.line($0, limit: Bounds.maxLongFieldCharacters) }
                signature.serial = short(signature.serial)
                signature.reason = signature.reason.map { SafeText.line($0, limit: Bounds.maxLongFieldCharacters) }
                windows.signature = signature
            }
            out.windows = windows
        }
        var kept = warnings + notes
        if kept.count > Bounds.maxWarnings {
            let dropped = kept.count - (Bounds.maxWarnings - 1)
            kept = Array(kept.prefix(Bounds.maxWarnings - 1)) + ["and \(dropped) more warnings"]
        }
        out.warnings = kept.map { SafeText.line($0, limit: Bounds.maxLongFieldCharacters) }
        return out
    }
}
