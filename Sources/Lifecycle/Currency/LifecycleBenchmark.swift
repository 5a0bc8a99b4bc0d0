import DepotModel
import DepotPolicy

/// A generated catalog for `make bench`: the inputs of the currency report and the prune plan at scale.
public struct LifecycleCatalog: Sendable {
    /// Every program's published versions, upstream releases and refusals.
    public var releases: [ProgramReleases]
    /// A currency policy naming every generated program as baseline.
    public var currency: CurrencyPolicy
    /// Every catalog version as the pruning rules see it.
    public var versions: [PrunableVersion]
    /// A pruning policy with the city's numbers.
    public var pruning: PruningPolicy
    /// The day both are evaluated for.
    public var day: CalendarDate
}

/// Generates and runs the lifecycle benchmark; deterministic for a seed, so runs compare.
public enum LifecycleBenchmark {
    /// `programs` programs with `versionsPerProgram` catalog versions each (so 10,000 × 10 gives 100,000),
    /// spread over two variants, four version schemes, release dates over four years, some refusals, some
    /// unused versions, some on ended platforms.
    public static func generateCatalog(programs: Int, versionsPerProgram: Int, seed: UInt64) -> LifecycleCatalog {
        var random = SplitMix64(seed: seed)
        let day = CalendarDate(year: 2026, month: 6, day: 1) ?? CalendarDate(daysSinceEpoch: 20_605)
        let programCount = min(max(programs, 0), 1_000_000)
        let perProgram = min(max(versionsPerProgram, 1), 1000)
        let terms = CurrencyTerms(rule: .secondLatest, noticePeriodDays: 7, maxDaysBehind: 30)
        var releases: [ProgramReleases] = []
        var baseline: [BaselineProgram] = []
        var versions: [PrunableVersion] = []
        releases.reserveCapacity(programCount)
        baseline.reserveCapacity(programCount)
        versions.reserveCapacity(programCount * perProgram)
        let schemes: [VersionScheme] = [.dotted, .windows, .semver, .auto]
        for p in 0..<programCount {
            let program = "program-\(p)"
            let scheme = schemes[p % schemes.count]
            var major = Int(random.next() % 120) + 1
            var dayOffset = -Int(random.next() % 1400) - 30
            var upstream: [UpstreamRelease] = []
            var published: [String] = []
            var strings: [String] = []
            for v in 0..<perProgram {
                major += Int(random.next() % 2)
                let minor = Int(random.next() % 20)
                let version = scheme == .windows ? "\(major).\(minor).\(v).0" : "\(major).\(minor).\(v)"
                strings.append(version)
                dayOffset += Int(random.next() % 40) + 1
                let released = day.adding(days: min(dayOffset, 0))
                upstream.append(UpstreamRelease(version: version, released: released))
                // The catalog lags upstream: the newest one or two releases are often not published yet.
                let lag = Int(random.next() % 3)
                let isPublished = v < perProgram - lag
                if isPublished { published.append(version) }
                let platforms = random.next() % 10 == 0 ? ["windows-10"] : ["windows-11", "macos-15"]
                let used = random.next() % 4 == 0 ? nil : min(released.adding(days: Int(random.next() % 200)), day.adding(days: -4))
                versions.append(PrunableVersion(
                    id: "\(p)-\(v)", program: program, variant: v % 2 == 0 ? "windows-x64" : "macos-arm64",
                    version: version, scheme: scheme, state: isPublished ? .published : .tested, platforms: platforms,
                    publishedOn: released, lastOrdered: used, lastInstalled: used.map { $0.adding(days: 3) },
                    licenceEnds: random.next() % 50 == 0 ? day.adding(days: -10) : nil,
                    refused: random.next() % 40 == 0, neededBy: random.next() % 30 == 0 ? ["edu whitelist"] : []))
            }
            var refused: [RefusedVersion] = []
            if random.next() % 5 == 0, let last = strings.last { refused.append(RefusedVersion(version: last, reason: "breaks a plug-in")) }
            releases.append(ProgramReleases(program: program, scheme: scheme, published: published.shuffledDeterministically(&random),
                                            upstream: upstream.shuffledDeterministically(&random), refused: refused))
            baseline.append(BaselineProgram(program: program, name: "Program \(p)", systemOwner: "Owner \(p % 17)", terms: terms))
        }
        let pruning = PruningPolicy(keepLatestPerVariant: 3, retireUnusedAfterMonths: 18, neverRetireInstalledWithinDays: 90,
                                    blobRetentionDays: 365, platforms: [
                                        SupportedPlatform(id: "windows-10", name: "Windows 10", family: .windows,
                                                          endOfSupport: CalendarDate(year: 2025, month: 10, day: 14)),
                                        SupportedPlatform(id: "windows-11", name: "Windows 11", family: .windows),
                                        SupportedPlatform(id: "macos-15", name: "macOS 15", family: .macos),
                                    ])
        return LifecycleCatalog(releases: releases, currency: CurrencyPolicy(defaults: terms, baseline: baseline),
                                versions: versions, pruning: pruning, day: day)
    }

    /// The work `make bench` times: the currency report and the prune plan over the catalog.
    public static func run(_ catalog: LifecycleCatalog) -> (report: CurrencyReport, plan: PrunePlan) {
        let report = CurrencyEvaluator.report(catalog.releases, policy: catalog.currency, at: catalog.day)
        let plan = Pruner.plan(catalog.versions, policy: catalog.pruning, at: catalog.day)
        return (report, plan)
    }
}

/// A small, fast, seeded generator (Steele, Lea and Flood's SplitMix64), so generated catalogs are reproducible.
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension Array {
    /// Fisher–Yates with the seeded generator, so inputs arrive unsorted as they would from a database.
    fileprivate func shuffledDeterministically(_ random: inout SplitMix64) -> [Element] {
        var copy = self
        guard copy.count > 1 else { return copy }
        for i in stride(from: copy.count - 1, to: 0, by: -1) {
            let j = Int(random.next() % UInt64(i + 1))
            copy.swapAt(i, j)
        }
        return copy
    }
}
