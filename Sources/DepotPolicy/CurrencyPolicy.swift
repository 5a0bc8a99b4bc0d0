/// Which programs must stay current and how strictly (`currency.yaml`).
public struct CurrencyPolicy: PolicyDocument, Codable {
    public static let fileName = "currency.yaml"

    /// Applied to every baseline program that does not set its own.
    public var defaults: CurrencyTerms
    /// The baseline programs with their terms, defaults already filled in.
    public var baseline: [BaselineProgram]

    /// Builds a policy in code.
    public init(defaults: CurrencyTerms, baseline: [BaselineProgram]) {
        self.defaults = defaults
        self.baseline = baseline
    }

    /// The baseline entry for a catalog program id, or nil when the program is not baseline.
    public func program(_ id: String) -> BaselineProgram? {
        baseline.first { $0.program == id }
    }

    public static func read(from root: PolicyValue) -> CurrencyPolicy? {
        root.mapping { m in
            let defaults = m.required("defaults")?.mapping { d -> CurrencyTerms? in
                let rule = d.required("rule")?.choice(CurrencyRule.self, "a currency rule")
                let notice = d.required("noticePeriodDays")?.int(in: 0...365, "a number of days")
                let behind = d.required("maxDaysBehind")?.int(in: 0...365, "a number of days")
                guard let rule, let notice, let behind else { return nil }
                let terms = CurrencyTerms(rule: rule, noticePeriodDays: notice, maxDaysBehind: behind)
                terms.check(at: d.value)
                return terms
            }
            var seen: [String: Int?] = [:]
            let baseline = m.required("baseline")?.list { item in
                item.mapping { b -> BaselineProgram? in
                    let idValue = b.required("program")
                    let id = idValue?.identifier("a program id from Catalog/")
                    if let id, let idValue {
                        if let line = seen[id] {
                            idValue.report("program '\(id)' is already listed" + (line.map { " on line \($0)" } ?? ""))
                        }
                        seen[id] = idValue.line
                    }
                    let name = b.required("name")?.string("the program's name")
                    let owner = b.required("systemOwner")?.string("who must be told before an upgrade")
                    let rule = b.optional("rule")?.choice(CurrencyRule.self, "a currency rule")
                    let notice = b.optional("noticePeriodDays")?.int(in: 0...365, "a number of days")
                    let behind = b.optional("maxDaysBehind")?.int(in: 0...365, "a number of days")
                    let note = b.optional("note")?.string()
                    guard let id, let name, let owner, let defaults else { return nil }
                    let terms = CurrencyTerms(rule: rule ?? defaults.rule,
                                              noticePeriodDays: notice ?? defaults.noticePeriodDays,
                                              maxDaysBehind: behind ?? defaults.maxDaysBehind)
                    terms.check(at: b.value)
                    return BaselineProgram(program: id, name: name, systemOwner: owner, terms: terms, note: note)
                }
            }
            guard let defaults, let baseline else { return nil }
            return CurrencyPolicy(defaults: defaults, baseline: baseline)
        }
    }
}

/// How current a program must be: `latest` only, or `second-latest` (the latest or the one before it).
public enum CurrencyRule: String, Sendable, Codable, CaseIterable {
    case latest
    case secondLatest = "second-latest"

    /// How many of the newest upstream versions (not refused) are acceptable: 1 or 2.
    public var acceptedNewest: Int { self == .latest ? 1 : 2 }
}

/// The rule and the two periods that turn "behind" into "grace" and then "violation".
public struct CurrencyTerms: Sendable, Equatable, Codable {
    /// Which of the newest versions are acceptable.
    public var rule: CurrencyRule
    /// Days system owners are given to adapt before an upgrade reaches their users.
    public var noticePeriodDays: Int
    /// Days after an upstream release by which the city must run an acceptable version.
    public var maxDaysBehind: Int

    /// Builds terms in code.
    public init(rule: CurrencyRule, noticePeriodDays: Int, maxDaysBehind: Int) {
        self.rule = rule
        self.noticePeriodDays = noticePeriodDays
        self.maxDaysBehind = maxDaysBehind
    }

    /// The notice must fit inside the allowed delay, or every new release would be a violation.
    func check(at value: PolicyValue) {
        if noticePeriodDays > maxDaysBehind {
            value.report("expected noticePeriodDays (\(noticePeriodDays)) to be at most maxDaysBehind (\(maxDaysBehind)): "
                + "the notice to system owners must end before the program falls out of policy")
        }
    }
}

/// A program the city must keep current, and who owns the systems that depend on it.
public struct BaselineProgram: Sendable, Equatable, Codable {
    /// The program id used in `Catalog/`.
    public var program: String
    /// The program's name as people know it.
    public var name: String
    /// The person or unit told before an upgrade.
    public var systemOwner: String
    /// Rule and periods, with the defaults filled in.
    public var terms: CurrencyTerms
    /// Why the terms are what they are, for the next person to edit them.
    public var note: String?

    /// Builds an entry in code.
    public init(program: String, name: String, systemOwner: String, terms: CurrencyTerms, note: String? = nil) {
        self.program = program
        self.name = name
        self.systemOwner = systemOwner
        self.terms = terms
        self.note = note
    }
}
