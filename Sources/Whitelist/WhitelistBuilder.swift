import DepotModel
import DepotPolicy

/// Builds tier and school whitelists from the edu candidates and the tier policy.
///
/// Rules, in order: only versions whose licence scope includes edu; only the tier's categories; a school's
/// blocks remove a program; a tier without self-install lists the standard set plus the school's allows;
/// a fast-channel tier adds newer unapproved versions from the same publisher and Authenticode signer with the same
/// licence texts (normalised hashes).
public struct WhitelistBuilder: Sendable {
    /// True when version `a` of `program` is newer than version `b`.
    public typealias NewerThan = @Sendable (_ program: String, _ a: String, _ b: String) -> Bool

    /// The tiers in force.
    public let tiers: EduTierPolicy
    /// Every program version offered to edu, approved or not, validated.
    public let candidates: [WhitelistCandidate]
    /// Tier id → the installers (SHA-256) the fast channel may list in that tier now; nil lets every eligible one in.
    /// The catalog admits new ones only as often as the tier's update cadence says.
    public var fastAdmitted: [String: Set<String>]?
    let isNewer: NewerThan

    /// Validates every candidate; pass the catalog's version ordering (Lifecycle's `VersionComparator`) as `isNewer`,
    /// else versions compare as dot-separated numbers.
    public init(tiers: EduTierPolicy, candidates: [WhitelistCandidate],
                isNewer: @escaping NewerThan = WhitelistBuilder.dottedNewer) throws(WhitelistError) {
        for candidate in candidates { try candidate.validate() }
        self.tiers = tiers
        self.candidates = candidates
        self.isNewer = isNewer
    }

    /// The whitelist every school of a tier starts from (no allows, no blocks).
    public func whitelist(tier id: String) throws(WhitelistError) -> WhitelistPayload {
        guard let tier = tiers.tier(id) else {
            throw WhitelistError(.notFound, code: "edu.tier.unknown",
                                 "tier '\(id)' is not in edu-tiers.yaml; choose one of: \(tiers.tiers.map(\.id).joined(separator: ", "))")
        }
        return build(tier: tier, school: nil)
    }

    /// One school's whitelist: its tier's, with its allows and blocks applied.
    ///
    /// Only the tier must exist: an allow that the tier or the licence scope does not permit is ignored rather than
    /// refused, so one school's stale exception (a program since pruned or re-scoped) cannot stop a publication.
    /// `School.validate` refuses such exceptions when an admin sets them.
    public func whitelist(school: School) throws(WhitelistError) -> WhitelistPayload {
        guard let tier = tiers.tier(school.tier) else {
            throw .unknownTier(school.tier, school: school.id, known: tiers.tiers.map(\.id))
        }
        return build(tier: tier, school: school)
    }

    /// Everything `depot edu publish` writes: one whitelist per tier (policy order) and one per school (by id).
    public func publication(schools: [School]) throws(WhitelistError) -> [WhitelistPayload] {
        var result: [WhitelistPayload] = []
        for tier in tiers.tiers { result.append(build(tier: tier, school: nil)) }
        for school in schools.sorted(by: { $0.id < $1.id }) { result.append(try whitelist(school: school)) }
        return result
    }

    func build(tier: EduTier, school: School?) -> WhitelistPayload {
        let blocked = Set(school?.blocked ?? [])
        let allowed = Set(school?.allowed ?? [])
        let inTier = candidates.filter { tier.appCategories.contains($0.category) && !blocked.contains($0.program) }

        var entries: [WhitelistEntry] = []
        var seen: Set<String> = []
        for c in inTier {
            guard let scope = c.approvedScope, scope.includesEdu else { continue }
            guard tier.selfInstall || c.standardSet || allowed.contains(c.program) else { continue }
            guard seen.insert(c.program + "\u{0}" + c.sha256).inserted else { continue }
            let delivery: WhitelistDelivery = c.standardSet || !tier.selfInstall ? .central : .selfInstall
            entries.append(WhitelistEntry(c, scope: scope, channel: .central, delivery: delivery, followsVersion: nil))
        }

        if tier.fastChannel && tier.selfInstall {
            let admitted = fastAdmitted?[tier.id]
            for base in newestPerProgram(entries) {
                for c in inTier where c.program == base.program && c.approvedScope == nil {
                    guard fastChannelRefusal(c, base: base) == nil else { continue }
                    if let admitted, !admitted.contains(c.sha256) { continue }
                    guard seen.insert(c.program + "\u{0}" + c.sha256).inserted else { continue }
                    var entry = WhitelistEntry(c, scope: base.licenceScope, channel: .fast, delivery: .selfInstall,
                                               followsVersion: base.version)
                    // Same licence, same entitlement: the seats counted for the approved version hold for this one.
                    entry.needsSeat = c.needsSeat || base.needsSeat
                    entry.seatsAvailable = c.seatsAvailable ?? base.seatsAvailable
                    entries.append(entry)
                }
            }
        }

        entries.sort { a, b in
            if a.program != b.program { return a.program < b.program }
            if a.version != b.version {
                if isNewer(a.program, b.version, a.version) { return true }
                if isNewer(a.program, a.version, b.version) { return false }
                return a.version < b.version
            }
            return a.sha256 < b.sha256
        }
        return WhitelistPayload(format: WhitelistPayload.currentFormat, kind: school == nil ? .tier : .school,
                                tier: tier.id, school: school?.id, schoolName: school?.name,
                                selfInstall: tier.selfInstall, fastChannel: tier.fastChannel,
                                updateCadence: tier.updateCadence, apps: entries)
    }

    /// One version the fast channel considered for a tier: listed after `follows`, or kept out for `refusal`.
    public struct FastChannelDecision: Sendable, Equatable {
        public var candidate: WhitelistCandidate
        /// The centrally approved version it was compared with.
        public var follows: String
        /// Nil when it may be listed.
        public var refusal: String?
    }

    /// Every unapproved version of a program on a fast-channel tier's list, with the verdict of the fast channel's
    /// rule (ignoring `fastAdmitted`); empty for a tier without the fast channel.
    public func fastChannelDecisions(tier id: String) -> [FastChannelDecision] {
        guard let tier = tiers.tier(id), tier.fastChannel, tier.selfInstall else { return [] }
        var unlimited = self
        unlimited.fastAdmitted = nil
        let central = unlimited.build(tier: tier, school: nil).apps.filter { $0.channel == .central }
        var result: [FastChannelDecision] = []
        for base in newestPerProgram(central) {
            for c in candidates where c.program == base.program && c.approvedScope == nil && tier.appCategories.contains(c.category) {
                result.append(FastChannelDecision(candidate: c, follows: base.version, refusal: fastChannelRefusal(c, base: base)))
            }
        }
        return result
    }

    /// Why a candidate cannot follow an approved version through the fast channel, or nil when it can: only a newer
    /// version with the same publisher, the same Authenticode signer (or none, as the approved one) and the same
    /// licence texts (normalised hashes) may.
    public func fastChannelRefusal(_ candidate: WhitelistCandidate, base: WhitelistEntry) -> String? {
        let label = "\(candidate.program) \(candidate.version)"
        if !isNewer(candidate.program, candidate.version, base.version) {
            return "\(label) is not newer than the approved \(base.version)"
        }
        if candidate.publisher != base.publisher {
            return "\(label) is published by '\(candidate.publisher)', not '\(base.publisher)' as the approved \(base.version)"
        }
        if candidate.signer != base.signer {
            guard let approvedSigner = base.signer else {
                return "\(label) is signed by \(candidate.signer!.kind.rawValue) '\(candidate.signer!.value)', but the approved "
                    + "\(base.version) is unsigned; a new signer needs a central review"
            }
            return "\(label) is not signed by \(approvedSigner.kind.rawValue) '\(approvedSigner.value)' as the approved \(base.version)"
        }
        let approved = candidates.first { $0.program == base.program && $0.sha256 == base.sha256 }
        guard let approvedTexts = approved?.licenceTexts, !approvedTexts.isEmpty else {
            return "the approved \(base.version) has no licence text on record, so no newer version can show the same licence; "
                + "\(label) needs a central review"
        }
        guard let texts = candidate.licenceTexts, !texts.isEmpty else {
            return "\(label) carries no licence text, so it cannot show the licence of the approved \(base.version); it needs a central review"
        }
        if Set(texts) != Set(approvedTexts) {
            return "\(label)'s licence texts differ from those of the approved \(base.version) (normalised hashes); "
                + "a licence change needs a central review"
        }
        return nil
    }

    func newestPerProgram(_ entries: [WhitelistEntry]) -> [WhitelistEntry] {
        var newest: [String: WhitelistEntry] = [:]
        for e in entries {
            if let current = newest[e.program] {
                if isNewer(e.program, e.version, current.version)
                    || (!isNewer(e.program, current.version, e.version) && (e.version, e.sha256) > (current.version, current.sha256)) {
                    newest[e.program] = e
                }
            } else {
                newest[e.program] = e
            }
        }
        return newest.keys.sorted().compactMap { newest[$0] }
    }

    /// The fallback ordering: parts split at `.`, `-`, `+` and `_`, numeric parts compared as numbers, others as text.
    public static let dottedNewer: NewerThan = { _, a, b in compareDotted(a, b) > 0 }

    static func compareDotted(_ a: String, _ b: String) -> Int {
        let separators: Set<Character> = [".", "-", "+", "_"]
        let pa = a.split(whereSeparator: separators.contains)
        let pb = b.split(whereSeparator: separators.contains)
        for i in 0..<max(pa.count, pb.count) {
            guard i < pa.count else { return -1 }
            guard i < pb.count else { return 1 }
            let x = pa[i], y = pb[i]
            if x.allSatisfy(\.isASCIIDigit), y.allSatisfy(\.isASCIIDigit) {
                // Compared as digit strings, so a 40-digit part cannot overflow.
                let tx = x.drop { $0 == "0" }, ty = y.drop { $0 == "0" }
                if tx.count != ty.count { return tx.count < ty.count ? -1 : 1 }
                if tx != ty { return tx < ty ? -1 : 1 }
            } else if x != y {
                return x < y ? -1 : 1
            }
        }
        return 0
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
