import DepotModel
import DepotPolicy

/// One catalog version as the pruning rules see it: plain facts the catalog already holds.
public struct PrunableVersion: Sendable, Hashable, Codable {
    /// The catalog's id for the version, echoed in the plan.
    public var id: String
    /// The program id.
    public var program: String
    /// Platform and architecture, e.g. `windows-x64`; the newest versions are kept per variant.
    public var variant: String
    /// The version string.
    public var version: String
    /// How the program's versions order; the first version of a program seen decides for all of them.
    public var scheme: VersionScheme
    /// Pipeline state; only `published` versions are retired.
    public var state: PackageState
    /// Platform ids (`windows-11`) or families (`windows`) the installer runs on; empty when not known.
    public var platforms: [String]
    /// The day the version was published, counted as its last use when it was never ordered or installed.
    public var publishedOn: CalendarDate?
    /// The last day it was ordered.
    public var lastOrdered: CalendarDate?
    /// The last day it was installed on a computer.
    public var lastInstalled: CalendarDate?
    /// The last day of its licence or entitlement; nil when it does not end.
    public var licenceEnds: CalendarDate?
    /// Whether the city refused this version.
    public var refused: Bool
    /// What still needs it ("upgrade schedule firefox 128.0 → edu", "edu whitelist tier 2"); never retired while non-empty.
    public var neededBy: [String]

    /// A version in code.
    public init(id: String, program: String, variant: String, version: String, scheme: VersionScheme = .auto,
                state: PackageState = .published, platforms: [String] = [], publishedOn: CalendarDate? = nil,
                lastOrdered: CalendarDate? = nil, lastInstalled: CalendarDate? = nil, licenceEnds: CalendarDate? = nil,
                refused: Bool = false, neededBy: [String] = []) {
        self.id = id
        self.program = program
        self.variant = variant
        self.version = version
        self.scheme = scheme
        self.state = state
        self.platforms = platforms
        self.publishedOn = publishedOn
        self.lastOrdered = lastOrdered
        self.lastInstalled = lastInstalled
        self.licenceEnds = licenceEnds
        self.refused = refused
        self.neededBy = neededBy
    }
}

/// Retire or keep.
public enum PruneAction: String, Sendable, Codable {
    case retire, keep
}

/// The rule that decided a version's action.
public enum PruneRule: String, Sendable, Codable, CaseIterable {
    /// Retire: the city refused the version.
    case refused
    /// Retire: its licence or entitlement has ended.
    case licenceEnded = "licence-ended"
    /// Retire: it runs on no platform still supported.
    case unsupportedPlatform = "unsupported-platform"
    /// Retire: newer versions fill the kept places of its program and variant.
    case superseded
    /// Retire: nobody ordered or installed it for the policy's months.
    case unused
    /// Keep: one of the newest versions of its program and variant, and no retire rule applies.
    case keepLatest = "keep-latest"
    /// Keep: retiring it would leave the program with no orderable version.
    case onlyVersion = "only-version"
    /// Keep: an upgrade schedule or the edu whitelist still needs it.
    case needed
    /// Keep: installed within the policy's recent days.
    case recentlyInstalled = "recently-installed"
    /// Keep: not published, so there is nothing to retire.
    case notPublished = "not-published"
}

/// One line of the prune plan.
public struct PruneDecision: Sendable, Hashable, Codable {
    /// The version's catalog id.
    public var id: String
    /// The program id.
    public var program: String
    /// Platform and architecture.
    public var variant: String
    /// The version string.
    public var version: String
    /// What `depot prune --apply` would do.
    public var action: PruneAction
    /// The rule that decided it.
    public var rule: PruneRule
    /// The decision in words, including retire rules a protection overrode.
    public var reason: String
}

/// `depot prune --dry-run`: every version with its action, rule and reason, in input order.
public struct PrunePlan: Sendable, Hashable, Codable {
    /// The day the plan was evaluated for.
    public var at: CalendarDate
    /// One decision per input version.
    public var decisions: [PruneDecision]

    /// The versions the plan retires.
    public var retired: [PruneDecision] { decisions.filter { $0.action == .retire } }
}
