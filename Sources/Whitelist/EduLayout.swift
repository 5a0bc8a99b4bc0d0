/// The published edu directory (`depot edu publish --out DIR`), the only input of the edu server and the agent.
///
/// ```
/// root.pem                          the root certificate (the agent pins its own copy; this one must match)
/// index.json                        signed, type depot.edu.index: {"schools": [{id, name, tier}], "tiers": [ids]}
/// schools/<id>/whitelist.json       signed, type depot.edu.whitelist: WhitelistPayload's fields + collectedThrough
/// tiers/<tier>/whitelist.json       the same for a tier's default list
/// packages/<sha256>                 every listed installer, by hash (entry.downloadPath)
/// ```
///
/// Every document is a Signing `SignedDocument` signed with the **edu** key (role `edu`), version increasing on every
/// publish, expiry from `eduExpiryDays` of `signing.yaml`. A whitelist's `signed` object holds the payload's members
/// (format, kind, tier, school, schoolName, selfInstall, fastChannel, updateCadence, apps) plus
/// `collectedThrough`: `{"<edu server id>": N}` — installs with id ≤ N recorded by that server are already counted in
/// the apps' `seatsAvailable`; the server subtracts only its installs after N. `uninstallsCollectedThrough` does the same
/// for uninstalls (seats given back): the server adds back only its uninstalls after that id.
public enum EduLayout {
    public static let whitelistType = "depot.edu.whitelist"
    public static let indexType = "depot.edu.index"
    public static let rootFile = "root.pem"
    public static let indexFile = "index.json"

    /// `schools/<id>/whitelist.json`.
    public static func schoolWhitelist(_ id: String) -> String { "schools/\(id)/whitelist.json" }
    /// `tiers/<id>/whitelist.json`.
    public static func tierWhitelist(_ id: String) -> String { "tiers/\(id)/whitelist.json" }
    /// `packages/<sha256>`.
    public static func package(_ sha256: String) -> String { "packages/\(sha256.lowercased())" }

    /// True for a school or tier id: lowercase letters, digits and `-` (as `School` requires).
    public static func isValidID(_ id: String) -> Bool { School.isIdentifier(id) }
}

/// One school as listed in `index.json`.
public struct EduIndexSchool: Sendable, Codable, Equatable {
    public var id: String
    public var name: String
    public var tier: String

    public init(id: String, name: String, tier: String) {
        self.id = id
        self.name = name
        self.tier = tier
    }
}

/// The payload of `index.json`.
public struct EduIndex: Sendable, Codable, Equatable {
    public var schools: [EduIndexSchool]
    public var tiers: [String]

    public init(schools: [EduIndexSchool], tiers: [String]) {
        self.schools = schools
        self.tiers = tiers
    }
}
