/// How one version stands to another.
public enum VersionOrder: Int, Sendable, Codable {
    /// The first version comes before the second.
    case older = -1
    /// The two versions are the same version, however spelled (1.0 and 1.0.0 under most schemes).
    case same = 0
    /// The first version comes after the second.
    case newer = 1

    /// `<`, `=` or `>`, as `depot version compare` prints it.
    public var symbol: String {
        switch self {
        case .older: "<"
        case .same: "="
        case .newer: ">"
        }
    }
}

/// A version parsed once into whatever its scheme compares, so sorting parses each string only once.
protocol VersionKey: Sendable {
    static func order(_ a: Self, _ b: Self) -> Int
}

/// Orders version strings by one scheme.
public struct VersionComparator: Sendable {
    /// The scheme as given; `auto` is resolved against the strings of each call.
    public let scheme: VersionScheme

    /// A comparator for `scheme`.
    public init(_ scheme: VersionScheme) {
        self.scheme = scheme
    }

    /// How `a` stands to `b`: `.older` when `a` comes first. Under `auto` the scheme is guessed from
    /// these two strings alone; to order many versions of one program, use `sort`, which guesses once.
    public func compare(_ a: String, _ b: String) throws(VersionError) -> VersionOrder {
        let result: Int
        switch scheme.resolved(for: [a, b]) {
        case .debian: result = DebianVersion.order(try DebianVersion(parsing: a), try DebianVersion(parsing: b))
        case .rpm: result = RPMVersion.order(try RPMVersion(parsing: a), try RPMVersion(parsing: b))
        case .pep440: result = PEP440Version.order(try PEP440Version(parsing: a), try PEP440Version(parsing: b))
        case .semver: result = SemanticVersion.order(try SemanticVersion(parsing: a), try SemanticVersion(parsing: b))
        case .windows: result = WindowsVersion.order(try WindowsVersion(parsing: a), try WindowsVersion(parsing: b))
        case .dotted, .auto: result = DottedVersion.order(DottedVersion(parsing: a), DottedVersion(parsing: b))
        }
        return VersionOrder(rawValue: result) ?? .same
    }

    /// `versions` oldest first; versions that compare equal keep their input order.
    public func sort(_ versions: [String]) throws(VersionError) -> [String] {
        switch scheme.resolved(for: versions) {
        case .debian: return try Self.sort(versions) { s throws(VersionError) in try DebianVersion(parsing: s) }
        case .rpm: return try Self.sort(versions) { s throws(VersionError) in try RPMVersion(parsing: s) }
        case .pep440: return try Self.sort(versions) { s throws(VersionError) in try PEP440Version(parsing: s) }
        case .semver: return try Self.sort(versions) { s throws(VersionError) in try SemanticVersion(parsing: s) }
        case .windows: return try Self.sort(versions) { s throws(VersionError) in try WindowsVersion(parsing: s) }
        case .dotted, .auto: return try Self.sort(versions) { DottedVersion(parsing: $0) }
        }
    }

    /// Throws the scheme's error when `version` is not valid in it; `dotted` accepts everything.
    public func validate(_ version: String) throws(VersionError) {
        switch scheme.resolved(for: [version]) {
        case .debian: _ = try DebianVersion(parsing: version)
        case .pep440: _ = try PEP440Version(parsing: version)
        case .semver: _ = try SemanticVersion(parsing: version)
        case .windows: _ = try WindowsVersion(parsing: version)
        case .rpm: _ = try RPMVersion(parsing: version)
        case .dotted, .auto: break
        }
    }

    /// How `a` stands to `b` under `scheme`.
    public static func compare(_ a: String, _ b: String, scheme: VersionScheme) throws(VersionError) -> VersionOrder {
        try VersionComparator(scheme).compare(a, b)
    }

    /// `versions` oldest first under `scheme`.
    public static func sort(_ versions: [String], scheme: VersionScheme) throws(VersionError) -> [String] {
        try VersionComparator(scheme).sort(versions)
    }

    private static func sort<Key: VersionKey>(
        _ versions: [String], parse: (String) throws(VersionError) -> Key
    ) throws(VersionError) -> [String] {
        var keyed: [(key: Key, index: Int)] = []
        keyed.reserveCapacity(versions.count)
        for (index, version) in versions.enumerated() {
            keyed.append((try parse(version), index))
        }
        keyed.sort { x, y in
            let c = Key.order(x.key, y.key)
            return c != 0 ? c < 0 : x.index < y.index
        }
        return keyed.map { versions[$0.index] }
    }
}
