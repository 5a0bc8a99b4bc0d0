import DepotCrypto
import DepotModel

/// What the Windows readers learned from an MSI or a PE executable; Inspection folds it into `InstallerFacts`.
public struct WindowsInspection: Sendable, Equatable {
    /// `msi` or `pe`.
    public var format: String
    /// `msi`, `nsis`, `inno`, `burn`, `installshield`, or `exe`.
    public var installerType: String
    public var name: String?
    public var version: String?
    public var publisher: String?
    public var platforms: [String]
    public var architectures: [String]
    public var declaredLicense: String?
    public var licenseFiles: [String]
    public var entryCount: Int?
    public var uncompressedSize: Int64?
    public var warnings: [String]
    public var windows: WindowsFacts

    public init(format: String, installerType: String, name: String? = nil, version: String? = nil,
                publisher: String? = nil, platforms: [String] = ["windows"], architectures: [String] = [],
                declaredLicense: String? = nil, licenseFiles: [String] = [], entryCount: Int? = nil,
                uncompressedSize: Int64? = nil, warnings: [String] = [], windows: WindowsFacts = WindowsFacts()) {
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
}

/// Entry point for Windows installers: MSI (OLE compound file) and PE executables.
public enum WindowsInstallerReader {
    /// True when the first bytes look like an OLE compound file (MSI) or a PE executable ("MZ").
    public static func recognises(prefix: [UInt8]) -> Bool {
        let ole: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
        if prefix.count >= 8 && Array(prefix.prefix(8)) == ole { return true }
        return prefix.count >= 2 && prefix[0] == 0x4D && prefix[1] == 0x5A
    }

    /// Reads an MSI or PE file at `path`. Throws a `DepotError` naming the file and the defect for corrupt input.
    /// Signatures get `trusted: nil`; use `inspect(path:trustedRoots:)` to check them against root certificates.
    public static func inspect(path: String) throws -> WindowsInspection {
        try inspect(path: path, trustedRoots: nil)
    }

    /// Reads an MSI or PE file at `path`; `trustedRoots` are PEM files of the root certificates a signer must chain to
    /// (nil leaves `trusted` unknown). Damaged parts that do not hide the package's identity become warnings.
    public static func inspect(path: String, trustedRoots: [String]?) throws -> WindowsInspection {
        try inspect(path: path, trustedRoots: trustedRoots, limits: .standard)
    }

    /// Reads an MSI or PE file within `limits`; an exceeded limit throws `windows.budget` (kind `refused`) naming
    /// the budget, the value and its `intake.yaml` key.
    public static func inspect(path: String, trustedRoots: [String]?, limits: WindowsReadLimits) throws -> WindowsInspection {
        let file = try InstallerFile(path: path, limits: limits)
        let prefix = try file.readAvailable(at: 0, maxCount: 8)
        do {
            if prefix == CompoundFile.signature {
                return try MSIPackageReader.read(file, trustedRoots: trustedRoots)
            }
            if prefix.count >= 2 && prefix[0] == 0x4D && prefix[1] == 0x5A {
                return try PEReader.read(file, trustedRoots: trustedRoots)
            }
        } catch let defect as FormatDefect {
            throw defect.error(for: path)
        } catch let budget as BudgetExceeded {
            throw WindowsFormatError(.refused, code: "windows.budget", "\(path): \(budget.message)")
        } catch let error as CryptoError where error.code == "authenticode.roots" {
            throw WindowsFormatError(.invalidInput, code: "windows.trusted-roots", error.message)
        }
        throw WindowsFormatError.unsupported(path, "is neither an MSI package (OLE compound file) nor a Windows executable (MZ)")
    }
}
