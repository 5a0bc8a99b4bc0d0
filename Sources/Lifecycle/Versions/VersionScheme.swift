/// A rule for ordering version strings, named after the tool or standard whose order it reproduces.
public enum VersionScheme: String, Sendable, CaseIterable, Codable {
    /// Debian packages, ordered as `dpkg --compare-versions` orders them (epoch, upstream, revision, `~`).
    case debian
    /// RPM packages, ordered as rpm's `rpmvercmp`/`labelCompare` order `[epoch:]version[-release]`.
    case rpm
    /// Python packages, ordered as `packaging.version.Version` (PEP 440).
    case pep440
    /// Semantic Versioning 2.0.0 precedence.
    case semver
    /// Windows file and product versions: up to four numbers, each 0–65535.
    case windows
    /// The loose dotted form most vendors use; accepts any string.
    case dotted
    /// The scheme a program declares, else one guessed from its versions.
    case auto

    /// Whether the scheme refuses strings outside a grammar (rpm and dpkg refuse only a few malformed
    /// shapes, such as a missing version; `dotted` refuses nothing).
    public var isStrict: Bool {
        switch self {
        case .semver, .pep440, .windows: true
        case .debian, .rpm, .dotted, .auto: false
        }
    }

    /// The concrete scheme to use for `versions`: this one, or a guess when it is `auto`.
    public func resolved(for versions: [String]) -> VersionScheme {
        self == .auto ? VersionComparator.guess(versions) : self
    }
}
