import DepotPolicy

/// A version the vendor has released, and the day it came out.
public struct UpstreamRelease: Sendable, Hashable, Codable {
    /// The vendor's version string.
    public var version: String
    /// The release day; a release dated after the report's day does not count yet.
    public var released: CalendarDate

    /// A release in code.
    public init(version: String, released: CalendarDate) {
        self.version = version
        self.released = released
    }
}

/// A version the city declines to run (`depot versions refuse`), with the release manager's reason.
public struct RefusedVersion: Sendable, Hashable, Codable {
    /// The refused version string.
    public var version: String
    /// Why the city cannot take it, shown in the currency report.
    public var reason: String

    /// A refusal in code.
    public init(version: String, reason: String) {
        self.version = version
        self.reason = reason
    }
}

/// What the currency rule needs to know about one program: how its versions order, what the catalog
/// publishes, what the vendor has released and what the city refused.
public struct ProgramReleases: Sendable, Hashable, Codable {
    /// The catalog program id, as in `currency.yaml`.
    public var program: String
    /// How the program's versions order (`auto` guesses from the versions).
    public var scheme: VersionScheme
    /// Versions published (orderable) in the catalog, in any order.
    public var published: [String]
    /// The vendor's releases, in any order.
    public var upstream: [UpstreamRelease]
    /// Versions the city refused.
    public var refused: [RefusedVersion]

    /// The facts for one program in code.
    public init(program: String, scheme: VersionScheme = .auto, published: [String] = [],
                upstream: [UpstreamRelease] = [], refused: [RefusedVersion] = []) {
        self.program = program
        self.scheme = scheme
        self.published = published
        self.upstream = upstream
        self.refused = refused
    }
}
