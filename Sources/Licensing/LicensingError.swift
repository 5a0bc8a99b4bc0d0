import DepotModel

/// Why a licence expression, declaration, text or reference library could not be used.
public struct LicensingError: DepotError, Equatable {
    public let kind: ErrorKind
    public let code: String
    public let message: String
    /// The 1-based column of the offending token, for expression errors.
    public let column: Int?

    public init(_ kind: ErrorKind, code: String, _ message: String, column: Int? = nil) {
        self.kind = kind
        self.code = code
        self.message = message
        self.column = column
    }

    static func expression(_ input: String, column: Int, _ problem: String) -> LicensingError {
        LicensingError(
            .invalidInput, code: "licence.expression",
            "licence expression '\(input)' is invalid at column \(column): \(problem)",
            column: column)
    }

    static func libraryMissing(_ directories: [String]) -> LicensingError {
        let listed = directories.isEmpty ? "(none given)" : directories.joined(separator: ", ")
        return LicensingError(
            .internal, code: "licence.library-missing",
            "no reference licence texts found in \(listed); run 'make deps' to install base-files and ruby-licensee")
    }

    static func listMissing(_ path: String) -> LicensingError {
        LicensingError(
            .internal, code: "licence.list-missing",
            "the SPDX licence list \(path) could not be read; run 'make deps' to install php-composer-spdx-licenses")
    }
}
