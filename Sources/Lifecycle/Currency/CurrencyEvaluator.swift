import DepotPolicy

/// The currency rule: every baseline program must publish the latest or second-latest upstream version not
/// refused by the city; a program left behind by a new release is in grace until `maxDaysBehind` days after
/// that release, then in violation. Pure: the day is a parameter and nothing is read from outside.
public enum CurrencyEvaluator {
    /// The report for every baseline program in `policy`, in policy order, on `day`. Programs missing from
    /// `programs` are evaluated with no published versions and no releases (status `unknown`).
    public static func report(_ programs: [ProgramReleases], policy: CurrencyPolicy, at day: CalendarDate) -> CurrencyReport {
        var byProgram: [String: ProgramReleases] = [:]
        byProgram.reserveCapacity(programs.count)
        for facts in programs {
            if var existing = byProgram[facts.program] {
                existing.published += facts.published
                existing.upstream += facts.upstream
                existing.refused += facts.refused
                byProgram[facts.program] = existing
            } else {
                byProgram[facts.program] = facts
            }
        }
        let entries = policy.baseline.map { baseline in
            evaluate(byProgram[baseline.program] ?? ProgramReleases(program: baseline.program), baseline: baseline, at: day)
        }
        return CurrencyReport(at: day, programs: entries)
    }

    /// One program's standing on `day` under its baseline terms.
    public static func evaluate(_ facts: ProgramReleases, baseline: BaselineProgram, at day: CalendarDate) -> ProgramCurrency {
        let released = facts.upstream.filter { $0.released <= day }
        let ranking = VersionRanking(facts.published + released.map(\.version) + facts.refused.map(\.version),
                                     scheme: facts.scheme)
        var refusedReason: [Int: RefusedVersion] = [:]
        for refusal in facts.refused {
            if let rank = ranking.rank(refusal.version), refusedReason[rank] == nil { refusedReason[rank] = refusal }
        }

        // One entry per distinct version: the first spelling seen and the earliest release day.
        var releaseByRank: [Int: UpstreamRelease] = [:]
        var refusedReleases: [Int: UpstreamRelease] = [:]
        for release in released {
            guard let rank = ranking.rank(release.version) else { continue }
            if refusedReason[rank] != nil {
                if refusedReleases[rank].map({ release.released < $0.released }) ?? true { refusedReleases[rank] = release }
                continue
            }
            if let known = releaseByRank[rank] {
                if release.released < known.released { releaseByRank[rank] = UpstreamRelease(version: known.version, released: release.released) }
            } else {
                releaseByRank[rank] = release
            }
        }
        let counted = releaseByRank.sorted { $0.key > $1.key }

        var publishedRanks: [(rank: Int, version: String)] = []
        var publishedSeen: Set<String> = []
        for version in facts.published where publishedSeen.insert(version).inserted {
            publishedRanks.append((ranking.rank(version) ?? Int.min, version))
        }
        publishedRanks.sort { $0.rank > $1.rank }
        let running = publishedRanks.first { refusedReason[$0.rank] == nil }

        let terms = baseline.terms
        var entry = ProgramCurrency(
            program: baseline.program, name: baseline.name, systemOwner: baseline.systemOwner, rule: terms.rule,
            scheme: ranking.scheme, published: publishedRanks.map(\.version),
            upstreamLatest: counted.first?.value.version,
            upstreamSecondLatest: counted.count > 1 ? counted[1].value.version : nil,
            status: .unknown, deadline: nil, daysLeft: nil, daysOverdue: nil, reason: "")

        var notes: [String] = []
        // Refusals newer than the latest counted release explain why "latest" is not the vendor's newest.
        let latestRank = counted.first?.key ?? Int.min
        for (rank, release) in refusedReleases.sorted(by: { $0.key > $1.key }) where rank > latestRank {
            notes.append("\(release.version) is refused (\(refusedReason[rank]?.reason ?? "no reason given")) and does not count")
        }
        for item in publishedRanks where refusedReason[item.rank] != nil {
            notes.append("the published \(item.version) is refused and does not count")
        }
        if let fallback = ranking.fallback {
            notes.append("versions were ordered as dotted because \(fallback.message)")
        }

        guard let latest = counted.first else {
            entry.status = .unknown
            entry.reason = released.isEmpty
                ? "no upstream release of \(baseline.name) is recorded on or before \(day.text); record them with `depot upstream add`"
                : "every recorded upstream release of \(baseline.name) is refused; record a release the city can take"
            entry.reason += suffix(notes)
            return entry
        }

        let accepted = terms.rule.acceptedNewest
        let runningRank = running?.rank ?? Int.min
        let newer = counted.filter { $0.key > runningRank }.map(\.value)
        if let running, newer.count < accepted {
            let rankOfRunning = running.rank
            if rankOfRunning > latest.key {
                entry.reason = "publishes \(running.version), newer than the latest recorded release \(latest.value.version)"
            } else if rankOfRunning == latest.key {
                entry.reason = "publishes \(running.version), the latest release (released \(latest.value.released.text))"
            } else if counted.count > 1, rankOfRunning == counted[1].key {
                entry.reason = "publishes \(running.version), the second-latest release; the latest is "
                    + "\(latest.value.version) (released \(latest.value.released.text))"
            } else {
                entry.reason = "publishes \(running.version); only \(latest.value.version) "
                    + "(released \(latest.value.released.text)) is newer, which the second-latest rule allows"
            }
            entry.status = .current
            entry.reason += suffix(notes)
            return entry
        }

        // Behind: since the day the `accepted`-th newer release came out (or, with nothing published, the first release).
        let byDay = newer.sorted { $0.released < $1.released }
        let trigger = running == nil ? byDay[0] : byDay[min(accepted, byDay.count) - 1]
        let deadline = trigger.released.adding(days: terms.maxDaysBehind)
        let remaining = day.days(until: deadline)
        entry.deadline = deadline
        let newest = newer.prefix(3).map(\.version).joined(separator: ", ") + (newer.count > 3 ? ", …" : "")
        let situation = running.map {
            "publishes \($0.version), but \(newer.count) newer release\(newer.count == 1 ? "" : "s") (\(newest)) "
                + "exceed\(newer.count == 1 ? "s" : "") the \(terms.rule.rawValue) rule"
        } ?? "publishes no version of \(baseline.name); upstream has \(newest)"
        let clock = "behind since \(trigger.released.text) (release of \(trigger.version)), and \(terms.maxDaysBehind) days are allowed"
        if remaining >= 0 {
            entry.status = .grace
            entry.daysLeft = remaining
            let notify = deadline.adding(days: -terms.noticePeriodDays)
            entry.reason = "\(situation); \(clock): upgrade to \(latest.value.version) by \(deadline.text) "
                + "(\(remaining) day\(remaining == 1 ? "" : "s") left; \(baseline.systemOwner) needs "
                + "\(terms.noticePeriodDays) days' notice, so tell them by \(notify.text))"
        } else {
            entry.status = .violation
            entry.daysOverdue = -remaining
            entry.reason = "\(situation); \(clock): the deadline \(deadline.text) passed \(-remaining) "
                + "day\(remaining == -1 ? "" : "s") ago; upgrade to \(latest.value.version)"
        }
        entry.reason += suffix(notes)
        return entry
    }

    private static func suffix(_ notes: [String]) -> String {
        notes.isEmpty ? "" : "; " + notes.joined(separator: "; ")
    }
}
