import DepotModel

/// Why an installer could not be inspected. Callers quarantine a submission whose inspection throws.
///
/// Codes: `inspect.unreadable` (the file cannot be opened or read), `inspect.empty`, `inspect.too-large`
/// (over `maxInstallerBytes`), `inspect.corrupt` (truncated or damaged; the message carries libarchive's
/// own words), `inspect.bomb` (expands beyond the uncompressed or ratio limit), `inspect.too-many-entries`,
/// `inspect.path-too-long`, `inspect.budget` (a reader budget from `intake.yaml` was exceeded), `inspect.copy-failed` (the copy target could not be written).
public struct InspectionError: DepotError {
    /// `tooLarge` for size limits, `refused` for bombs and hostile structure, `invalidInput` for damage.
    public let kind: ErrorKind
    /// One of the `inspect.*` codes above.
    public let code: String
    /// Names the installer, says what is wrong (quoting libarchive where it spoke) and what to do.
    public let message: String
    /// Hex SHA-256 of the whole installer when the failure was found after reading it all; when set and a
    /// copy was requested, the copy holds the complete installer too (evidence for quarantine).
    public let sha256: String?

    /// Builds an error; `sha256` is set only when the whole file was read.
    public init(_ kind: ErrorKind, code: String, _ message: String, sha256: String? = nil) {
        self.kind = kind
        self.code = code
        self.message = message
        self.sha256 = sha256
    }

    func withHash(_ hash: String) -> InspectionError {
        InspectionError(kind, code: code, message, sha256: hash)
    }

    /// Failures found before or while reading that leave the byte stream intact, so the pass can finish.
    var allowsFinishingThePass: Bool {
        switch code {
        case "inspect.unreadable", "inspect.too-large", "inspect.copy-failed": false
        default: true
        }
    }

    static func unreadable(_ file: String, _ detail: String) -> InspectionError {
        InspectionError(.invalidInput, code: "inspect.unreadable",
                        "cannot read installer '\(file)': \(detail); check the path and its permissions")
    }

    static func corrupt(_ file: String, _ what: String, libarchive: String) -> InspectionError {
        InspectionError(.invalidInput, code: "inspect.corrupt",
                        "installer '\(file)' is damaged: \(what) (libarchive: \(libarchive)); "
                        + "the file is probably truncated or corrupted: download it again and resubmit")
    }

    /// A budget from `intake.yaml` was exceeded (`inspect.budget`): the detail names the budget, the value and the key.
    static func budget(_ file: String, _ detail: String) -> InspectionError {
        InspectionError(.refused, code: "inspect.budget", "installer '\(file)' is refused as hostile: \(detail)")
    }

    static func corrupt(_ file: String, _ detail: String) -> InspectionError {
        InspectionError(.invalidInput, code: "inspect.corrupt",
                        "installer '\(file)' is damaged: \(detail); download it again and resubmit")
    }
}

/// A libarchive failure inside the walk, before it becomes an `InspectionError` or a warning.
/// `depth` is the nesting level of the archive that failed, so a parent can tell its own failure
/// (fatal) from a nested archive's (a warning).
struct ArchiveFailure: Error {
    var depth: Int
    var message: String
    var unrecognised: Bool = false
}
