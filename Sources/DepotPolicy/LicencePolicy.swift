/// How licences are judged (`licences.yaml`): each SPDX identifier falls into a category, each category has an
/// outcome per environment, and single identifiers may be overridden.
public struct LicencePolicy: PolicyDocument, Codable {
    public static let fileName = "licences.yaml"

    /// The outcome and reason for every category; the file must define all of them.
    public var categories: [LicenceCategory: LicenceRule]
    /// Which identifiers belong to which category, in file order.
    public var assignments: [LicenceAssignment]
    /// Outcomes for single identifiers that differ from their category's.
    public var overrides: [LicenceOverride]
    /// Identifiers whose terms are counted per seat (user or device): installs need an entitlement.
    public var seatLicences: [LicencePattern]

    /// Builds a policy in code (tests, tools).
    public init(categories: [LicenceCategory: LicenceRule], assignments: [LicenceAssignment],
                overrides: [LicenceOverride] = [], seatLicences: [LicencePattern] = []) {
        self.categories = categories
        self.assignments = assignments
        self.overrides = overrides
        self.seatLicences = seatLicences
    }

    /// The category of an SPDX identifier or `LicenseRef-…`: an exact entry first, then the most specific
    /// pattern (most literal characters; the earlier one on a tie); `unknown` when nothing matches.
    public func category(of identifier: String) -> LicenceCategory {
        LicencePattern.best(in: assignments, for: identifier, pattern: \.pattern)?.category ?? .unknown
    }

    /// What the policy says about one identifier in one environment, with the reason to show.
    public func ruling(for identifier: String, in environment: DeploymentEnvironment) -> LicenceRuling {
        let category = category(of: identifier)
        let applicable = overrides.filter { $0.outcome(in: environment) != nil }
        if let override = LicencePattern.best(in: applicable, for: identifier, pattern: \.pattern),
           let outcome = override.outcome(in: environment) {
            return LicenceRuling(identifier: identifier, category: category, outcome: outcome,
                                 reason: override.reason, overridden: true)
        }
        guard let rule = categories[category] else {
            return LicenceRuling(identifier: identifier, category: category, outcome: .review,
                                 reason: "the licence policy has no rule for category \(category.rawValue)", overridden: false)
        }
        return LicenceRuling(identifier: identifier, category: category, outcome: rule.outcome(in: environment),
                             reason: rule.reason, overridden: false)
    }

    /// True when installs of software under this identifier take a seat from an entitlement.
    public func needsSeats(_ identifier: String) -> Bool {
        seatLicences.contains { $0.matches(identifier) }
    }

    public static func read(from root: PolicyValue) -> LicencePolicy? {
        root.mapping { m in
            var assignments: [LicenceAssignment] = []
            var seen: [String: (LicenceCategory, Int?)] = [:]
            let categories: [LicenceCategory: LicenceRule]? = m.required("categories")?.mapping { c in
                var rules: [LicenceCategory: LicenceRule] = [:]
                for entry in c.entries() {
                    guard let category = entry.keyValue.choice(LicenceCategory.self, "a licence category")
                    else { continue }
                    let rule: LicenceRule? = entry.value.mapping { r in
                        let admin = r.required("admin")?.choice(LicenceOutcome.self)
                        let edu = r.required("edu")?.choice(LicenceOutcome.self)
                        let reason = r.required("reason")?.string("a reason shown to packagers and reviewers")
                        let identifiers = r.optional("identifiers")?.list { item -> LicencePattern? in
                            guard let pattern = item.licencePattern() else { return nil }
                            let key = pattern.text.lowercased()
                            if let (other, line) = seen[key] {
                                item.report("'\(pattern.text)' is already listed under \(other.rawValue)"
                                    + (line.map { " on line \($0)" } ?? "") + "; list each identifier once")
                                return nil
                            }
                            seen[key] = (category, item.line)
                            return pattern
                        }
                        for pattern in identifiers ?? [] {
                            assignments.append(LicenceAssignment(pattern: pattern, category: category))
                        }
                        guard let admin, let edu, let reason else { return nil }
                        return LicenceRule(admin: admin, edu: edu, reason: reason)
                    }
                    if let rule { rules[category] = rule }
                }
                for category in LicenceCategory.allCases where !c.keys.contains(category.rawValue) {
                    c.value.report("missing category '\(category.rawValue)'; every category needs an outcome for admin and edu")
                }
                return rules
            }
            let overrides = m.optional("overrides")?.list { item in
                item.mapping { o -> LicenceOverride? in
                    let pattern = o.required("identifier")?.licencePattern()
                    let admin = o.optional("admin")?.choice(LicenceOutcome.self)
                    let edu = o.optional("edu")?.choice(LicenceOutcome.self)
                    let reason = o.required("reason")?.string("a reason shown to packagers and reviewers")
                    if !o.keys.contains("admin") && !o.keys.contains("edu") {
                        o.value.report("an override needs an outcome for admin, edu or both")
                        return nil
                    }
                    guard let pattern, let reason else { return nil }
                    return LicenceOverride(pattern: pattern, admin: admin, edu: edu, reason: reason)
                }
            }
            let seats = m.optional("seatLicences")?.list { $0.licencePattern() }
            guard let categories else { return nil }
            return LicencePolicy(categories: categories, assignments: assignments,
                                 overrides: overrides ?? [], seatLicences: seats ?? [])
        }
    }
}

/// The licence categories Depot knows; each gets an outcome per environment in `licences.yaml`.
public enum LicenceCategory: String, Sendable, Codable, CodingKeyRepresentable, CaseIterable {
    case permissive
    case weakCopyleft = "weak-copyleft"
    case copyleft
    case proprietaryFree = "proprietary-free"
    case commercial
    case educationOnly = "education-only"
    case nonCommercial = "non-commercial"
    case unknown
}

/// What the policy recommends for a licence in one environment.
public enum LicenceOutcome: String, Sendable, Codable, CaseIterable {
    /// A reviewer may approve without further reading.
    case allow
    /// Approval for this environment is refused.
    case deny
    /// A reviewer must read the terms and record a reason.
    case review
}

/// A category's outcome in each environment and the reason shown to people.
public struct LicenceRule: Sendable, Equatable, Codable {
    /// Outcome on the administration's computers.
    public var admin: LicenceOutcome
    /// Outcome on the schools' computers.
    public var edu: LicenceOutcome
    /// Shown to the packager and the reviewer verbatim.
    public var reason: String

    /// Builds a rule in code.
    public init(admin: LicenceOutcome, edu: LicenceOutcome, reason: String) {
        self.admin = admin
        self.edu = edu
        self.reason = reason
    }

    /// The outcome in one environment.
    public func outcome(in environment: DeploymentEnvironment) -> LicenceOutcome {
        environment == .admin ? admin : edu
    }
}

/// An identifier or a pattern in which `*` stands for any text (`GPL-*`, `LicenseRef-*-NonCommercial`);
/// matching ignores case, as SPDX identifiers do.
public struct LicencePattern: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The pattern as written, e.g. `GPL-*`.
    public let text: String

    /// Wraps a pattern; `licences.yaml` validates the characters, code may pass any text.
    public init(_ text: String) { self.text = text }

    public var description: String { text }

    /// True when the pattern has no `*`.
    public var isExact: Bool { !text.contains("*") }

    /// More literal characters make a more specific pattern.
    public var specificity: Int { text.filter { $0 != "*" }.count }

    /// Whether `identifier` matches, ignoring case.
    public func matches(_ identifier: String) -> Bool {
        let p = Array(text.lowercased().utf8), s = Array(identifier.lowercased().utf8)
        guard s.count <= 512 else { return false }
        // Classic wildcard matching with one backtrack point: linear in practice, O(n·m) at worst.
        var pi = 0, si = 0, star = -1, mark = 0
        while si < s.count {
            if pi < p.count && p[pi] != UInt8(ascii: "*") && p[pi] == s[si] {
                pi += 1; si += 1
            } else if pi < p.count && p[pi] == UInt8(ascii: "*") {
                star = pi; mark = si; pi += 1
            } else if star >= 0 {
                pi = star + 1; mark += 1; si = mark
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }

    /// The element whose pattern fits best: an exact match, else the most specific, else the first.
    static func best<T>(in items: [T], for identifier: String, pattern: (T) -> LicencePattern) -> T? {
        var best: (item: T, exact: Bool, specificity: Int)?
        for item in items {
            let candidate = pattern(item)
            guard candidate.matches(identifier) else { continue }
            if let current = best,
               (current.exact ? 1 : 0, current.specificity) >= (candidate.isExact ? 1 : 0, candidate.specificity) { continue }
            best = (item, candidate.isExact, candidate.specificity)
        }
        return best?.item
    }

    static func isValid(_ text: String) -> Bool {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-+*")
        return (1...200).contains(text.count) && text.allSatisfy { allowed.contains($0) } && text.contains { $0 != "*" }
    }
}

/// One identifier or pattern placed in a category.
public struct LicenceAssignment: Sendable, Equatable, Codable {
    /// The identifier or pattern this entry covers.
    public var pattern: LicencePattern
    /// The category the identifier belongs to.
    public var category: LicenceCategory

    /// Builds an assignment in code.
    public init(pattern: LicencePattern, category: LicenceCategory) {
        self.pattern = pattern
        self.category = category
    }
}

/// An outcome for matching identifiers that replaces the category's in the environments it names.
public struct LicenceOverride: Sendable, Equatable, Codable {
    /// The identifier or pattern this entry covers.
    public var pattern: LicencePattern
    /// Outcome on the administration's computers, or nil to keep the category's.
    public var admin: LicenceOutcome?
    /// Outcome on the schools' computers, or nil to keep the category's.
    public var edu: LicenceOutcome?
    /// Shown to the packager and the reviewer verbatim.
    public var reason: String

    /// Builds an override in code; a nil outcome leaves that environment to the category.
    public init(pattern: LicencePattern, admin: LicenceOutcome?, edu: LicenceOutcome?, reason: String) {
        self.pattern = pattern
        self.admin = admin
        self.edu = edu
        self.reason = reason
    }

    /// The replaced outcome in one environment, or nil when the category decides.
    public func outcome(in environment: DeploymentEnvironment) -> LicenceOutcome? {
        environment == .admin ? admin : edu
    }
}

/// The policy's answer for one identifier in one environment.
public struct LicenceRuling: Sendable, Equatable, Codable {
    /// The identifier asked about.
    public var identifier: String
    /// The category the identifier belongs to.
    public var category: LicenceCategory
    /// Allow, deny or review.
    public var outcome: LicenceOutcome
    /// Shown verbatim to the packager and the reviewer.
    public var reason: String
    /// True when a per-identifier override, not the category, decided.
    public var overridden: Bool
}

extension PolicyValue {
    /// An SPDX identifier, `LicenseRef-…` name, or a pattern of them with `*`.
    func licencePattern() -> LicencePattern? {
        guard let text = rawText, !isNull, LicencePattern.isValid(text) else {
            expected("an SPDX identifier or LicenseRef- name (letters, digits, '.', '-', '+', and '*' for any text)")
            return nil
        }
        return LicencePattern(text)
    }
}
