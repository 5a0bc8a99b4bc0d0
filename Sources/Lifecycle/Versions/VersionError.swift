import DepotModel

/// A version string that its scheme does not accept.
public struct VersionError: DepotError {
    /// The rejected string, as given.
    public let version: String
    /// The scheme that rejected it.
    public let scheme: VersionScheme
    /// What is wrong with it, in the scheme's terms.
    public let reason: String

    /// An error for `version`, refused by `scheme` because of `reason` (a clause, no final full stop).
    public init(version: String, scheme: VersionScheme, reason: String) {
        self.version = version
        self.scheme = scheme
        self.reason = reason
    }

    /// Always `invalidInput`: the caller gave a string the scheme cannot order.
    public var kind: ErrorKind { .invalidInput }
    /// `version.invalid`.
    public var code: String { "version.invalid" }
    /// Names the string and the scheme, says what is wrong and how to proceed.
    public var message: String {
        // A pasted log line can be huge; the start is enough to recognise it.
        let shown = version.count > 80 ? String(version.prefix(80)) + "…" : version
        return "'\(shown)' is not a valid \(scheme.rawValue) version: \(reason). "
            + "Correct the version, or order it with a scheme that accepts it (dotted accepts any version)."
    }
}
