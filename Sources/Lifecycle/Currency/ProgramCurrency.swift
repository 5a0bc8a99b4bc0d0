import DepotPolicy

/// Where a baseline program stands against the currency rule on one day.
public enum CurrencyStatus: String, Sendable, Codable, CaseIterable {
    /// The catalog publishes an acceptable version (the latest, or the second-latest where the rule allows it).
    case current
    /// Behind, but the program's deadline (`maxDaysBehind` after the release that put it behind) has not passed.
    case grace
    /// Behind beyond the deadline.
    case violation
    /// No upstream release is recorded, so "latest" means nothing yet.
    case unknown
}

/// One line of `depot currency report`: a baseline program, what the catalog runs, what upstream has, and the verdict.
public struct ProgramCurrency: Sendable, Hashable, Codable {
    /// The catalog program id.
    public var program: String
    /// The program's name from `currency.yaml`.
    public var name: String
    /// Who is told before an upgrade.
    public var systemOwner: String
    /// The rule applied: `latest` or `second-latest`.
    public var rule: CurrencyRule
    /// The scheme the versions were ordered by (the guess, under `auto`).
    public var scheme: VersionScheme
    /// Versions published in the catalog, newest first.
    public var published: [String]
    /// The newest upstream release not refused, released on or before the report's day.
    public var upstreamLatest: String?
    /// The one before it, likewise among versions not refused.
    public var upstreamSecondLatest: String?
    /// The verdict.
    public var status: CurrencyStatus
    /// The last day the program may stay behind (set for `grace` and `violation`).
    public var deadline: CalendarDate?
    /// Days left until the deadline, for `grace` (0 on the deadline itself).
    public var daysLeft: Int?
    /// Days past the deadline, for `violation`.
    public var daysOverdue: Int?
    /// The verdict in words, for the report and the release manager.
    public var reason: String
}

/// `depot currency report`: every baseline program's status on one day.
public struct CurrencyReport: Sendable, Hashable, Codable {
    /// The day the report was evaluated for (Stockholm calendar day of `now`, or `--at`).
    public var at: CalendarDate
    /// One entry per baseline program, in `currency.yaml` order.
    public var programs: [ProgramCurrency]

    /// The report in code.
    public init(at: CalendarDate, programs: [ProgramCurrency]) {
        self.at = at
        self.programs = programs
    }

    /// Each behind program's deadline, for the upgrade scheduler's violation check.
    public var deadlines: [String: CalendarDate] {
        var result: [String: CalendarDate] = [:]
        for entry in programs { if let deadline = entry.deadline { result[entry.program] = deadline } }
        return result
    }
}
