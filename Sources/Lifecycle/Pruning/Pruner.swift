import DepotPolicy

/// The pruning rules of `pruning.yaml` as a pure function: which published versions leave the orderable catalog
/// on a day, each with the rule and the reason. Retire rules are refused, licence ended, no supported platform,
/// superseded (beyond the newest N per program and variant) and unused; the protections (needed by a schedule
/// or the whitelist, installed recently, the only version left) override them.
public enum Pruner {
    /// The plan for `versions` on `day`. `platforms` defaults to the policy's platform list.
    public static func plan(_ versions: [PrunableVersion], policy: PruningPolicy,
                            platforms: [SupportedPlatform]? = nil, at day: CalendarDate) -> PrunePlan {
        let support = PlatformSupport(platforms ?? policy.platforms, on: day)
        let unusedCutoff = day.adding(months: -policy.retireUnusedAfterMonths)
        let recentCutoff = day.adding(days: -policy.neverRetireInstalledWithinDays)
        let keep = max(policy.keepLatestPerVariant, 1)

        var decisions: [PruneDecision?] = Array(repeating: nil, count: versions.count)
        var byProgram: [String: [Int]] = [:]
        for (index, version) in versions.enumerated() {
            if version.state == .published {
                byProgram[version.program, default: []].append(index)
            } else {
                decisions[index] = decision(version, .keep, .notPublished,
                    "is \(version.state.rawValue), not published; only published versions are retired")
            }
        }

        for (program, indices) in byProgram {
            let ranking = VersionRanking(indices.map { versions[$0].version }, scheme: versions[indices[0]].scheme)
            var rankOf: [Int: Int] = [:]
            rankOf.reserveCapacity(indices.count)
            for i in indices { rankOf[i] = ranking.rank(versions[i].version) ?? Int.min }
            let rank = { (i: Int) in rankOf[i] ?? Int.min }
            var byVariant: [String: [Int]] = [:]
            for i in indices { byVariant[versions[i].variant, default: []].append(i) }

            for (variant, members) in byVariant {
                // Newest first; equal versions keep input order so the plan is stable.
                let ordered = members.sorted { rank($0) != rank($1) ? rank($0) > rank($1) : $0 < $1 }
                var kept = 0
                var newestKept: String?
                for i in ordered {
                    let v = versions[i]
                    var reasons = retireReasons(v, policy: policy, support: support, unusedCutoff: unusedCutoff, on: day)
                    if reasons.isEmpty && kept < keep {
                        kept += 1
                        newestKept = newestKept ?? v.version
                        decisions[i] = decision(v, .keep, .keepLatest,
                            "one of the \(keep) newest versions of \(program) for \(variant), and no retire rule applies")
                        continue
                    }
                    if reasons.isEmpty {
                        reasons.append((.superseded, "superseded: the \(keep) newest versions of \(program) for \(variant) "
                            + "are kept (newest \(newestKept ?? "?"))"))
                    }
                    let why = reasons.map(\.text).joined(separator: "; ")
                    if let protection = protection(v, recentCutoff: recentCutoff, policy: policy) {
                        kept += 1
                        newestKept = newestKept ?? v.version
                        decisions[i] = decision(v, .keep, protection.rule, "\(protection.text); otherwise retired: \(why)")
                    } else {
                        decisions[i] = decision(v, .retire, reasons[0].rule, why)
                    }
                }
            }

            // Never leave a program with nothing orderable: the newest version stays.
            if indices.allSatisfy({ decisions[$0]?.action == .retire }) {
                let newest = indices.max { rank($0) != rank($1) ? rank($0) < rank($1) : $0 > $1 } ?? indices[0]
                let v = versions[newest]
                let why = decisions[newest]?.reason ?? ""
                decisions[newest] = decision(v, .keep, .onlyVersion,
                    "the last published version of \(program); retiring it would leave nothing to order; otherwise retired: \(why)")
            }
        }
        return PrunePlan(at: day, decisions: decisions.enumerated().map { index, d in
            d ?? decision(versions[index], .keep, .notPublished, "not evaluated")
        })
    }

    private static func retireReasons(_ v: PrunableVersion, policy: PruningPolicy, support: PlatformSupport,
                                      unusedCutoff: CalendarDate, on day: CalendarDate) -> [(rule: PruneRule, text: String)] {
        var reasons: [(rule: PruneRule, text: String)] = []
        if v.refused && policy.retireRefusedVersions {
            reasons.append((.refused, "the city refused \(v.program) \(v.version)"))
        }
        if policy.retireEndedLicences, let end = v.licenceEnds, end < day {
            reasons.append((.licenceEnded, "its licence or entitlement ended on \(end.text)"))
        }
        if let ended = support.allEnded(v.platforms) {
            reasons.append((.unsupportedPlatform, "runs on no supported platform: \(ended)"))
        }
        let lastUse = [v.lastOrdered, v.lastInstalled].compactMap { $0 }.max()
        if let lastUse {
            if lastUse < unusedCutoff {
                reasons.append((.unused, "not ordered or installed since \(lastUse.text), more than "
                    + "\(policy.retireUnusedAfterMonths) months before \(day.text)"))
            }
        } else if let published = v.publishedOn, published < unusedCutoff {
            reasons.append((.unused, "never ordered or installed since it was published on \(published.text), more than "
                + "\(policy.retireUnusedAfterMonths) months before \(day.text)"))
        }
        return reasons
    }

    private static func protection(_ v: PrunableVersion, recentCutoff: CalendarDate,
                                   policy: PruningPolicy) -> (rule: PruneRule, text: String)? {
        if !v.neededBy.isEmpty {
            return (.needed, "still needed by " + v.neededBy.joined(separator: ", "))
        }
        if let installed = v.lastInstalled, installed >= recentCutoff {
            return (.recentlyInstalled, "installed on \(installed.text), within the last \(policy.neverRetireInstalledWithinDays) days")
        }
        return nil
    }

    private static func decision(_ v: PrunableVersion, _ action: PruneAction, _ rule: PruneRule, _ reason: String) -> PruneDecision {
        PruneDecision(id: v.id, program: v.program, variant: v.variant, version: v.version, action: action, rule: rule, reason: reason)
    }
}

/// Which platform ids and families are still supported on a day.
struct PlatformSupport {
    private var platforms: [String: SupportedPlatform] = [:]
    private var supported: Set<String> = []
    private var familiesSupported: Set<String> = []
    private var familiesKnown: Set<String> = []

    init(_ list: [SupportedPlatform], on day: CalendarDate) {
        for platform in list {
            platforms[platform.id] = platform
            familiesKnown.insert(platform.family.rawValue)
            if platform.isSupported(on: day) {
                supported.insert(platform.id)
                familiesSupported.insert(platform.family.rawValue)
            }
        }
    }

    /// A description of the ended platforms when every listed platform is known and none is supported;
    /// nil when one is supported, unknown (nothing to judge by) or the list is empty.
    func allEnded(_ ids: [String]) -> String? {
        guard !ids.isEmpty else { return nil }
        var ended: [String] = []
        for id in ids {
            if let platform = platforms[id] {
                if supported.contains(id) { return nil }
                ended.append("\(platform.name) (support ended \(platform.endOfSupport?.text ?? "?"))")
            } else if familiesKnown.contains(id) {
                if familiesSupported.contains(id) { return nil }
                ended.append("every \(id) platform the city runs")
            } else {
                return nil
            }
        }
        return ended.joined(separator: ", ")
    }
}
