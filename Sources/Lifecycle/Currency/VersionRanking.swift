/// The versions of one program parsed once and ranked oldest first, so rules can compare versions as integers.
/// Strings that the scheme orders as the same version (1.0 and 1.0.0) share a rank.
struct VersionRanking: Sendable {
    /// The scheme actually used: the program's, its guess under `auto`, or `dotted` after a refusal.
    let scheme: VersionScheme
    /// Why the program's scheme could not be used, when ranking fell back to `dotted`.
    let fallback: VersionError?
    private let ranks: [String: Int]

    /// Ranks every distinct string in `versions` under `scheme`. A string the scheme refuses makes the whole
    /// program fall back to `dotted`, which accepts everything, so one bad upstream entry cannot hide the rest.
    init<S: Sequence>(_ versions: S, scheme: VersionScheme) where S.Element == String {
        var unique: [String] = []
        var seen: Set<String> = []
        for version in versions where seen.insert(version).inserted { unique.append(version) }
        let resolved = scheme.resolved(for: unique)
        do {
            ranks = try Self.rank(unique, resolved)
            self.scheme = resolved
            fallback = nil
        } catch {
            ranks = (try? Self.rank(unique, .dotted)) ?? [:]
            self.scheme = .dotted
            fallback = error
        }
    }

    /// The rank of a string that was ranked (higher is newer), or nil for a string never seen.
    func rank(_ version: String) -> Int? { ranks[version] }

    private static func rank(_ versions: [String], _ scheme: VersionScheme) throws(VersionError) -> [String: Int] {
        switch scheme {
        case .debian: try rank(versions) { s throws(VersionError) in try DebianVersion(parsing: s) }
        case .rpm: try rank(versions) { s throws(VersionError) in try RPMVersion(parsing: s) }
        case .pep440: try rank(versions) { s throws(VersionError) in try PEP440Version(parsing: s) }
        case .semver: try rank(versions) { s throws(VersionError) in try SemanticVersion(parsing: s) }
        case .windows: try rank(versions) { s throws(VersionError) in try WindowsVersion(parsing: s) }
        case .dotted, .auto: try rank(versions) { DottedVersion(parsing: $0) }
        }
    }

    private static func rank<Key: VersionKey>(
        _ versions: [String], parse: (String) throws(VersionError) -> Key
    ) throws(VersionError) -> [String: Int] {
        var keyed: [(key: Key, version: String)] = []
        keyed.reserveCapacity(versions.count)
        for version in versions { keyed.append((try parse(version), version)) }
        keyed.sort { Key.order($0.key, $1.key) < 0 }
        var ranks: [String: Int] = [:]
        ranks.reserveCapacity(keyed.count)
        var current = 0
        for index in keyed.indices {
            if index > 0, Key.order(keyed[index - 1].key, keyed[index].key) != 0 { current &+= 1 }
            ranks[keyed[index].version] = current
        }
        return ranks
    }
}
