import DepotModel
import DepotPolicy

/// A school on the edu network: its tier (the principal's choice) and the admin's single-app exceptions.
public struct School: Sendable, Codable, Equatable {
    /// Stable id: lowercase letters, digits and `-` (`rinkeby-skola`).
    public var id: String
    /// The name for people (`Rinkeby skola`).
    public var name: String
    /// The id of a tier in `edu-tiers.yaml`.
    public var tier: String
    /// Program ids added to the whitelist beyond the tier's default set, within the tier's categories.
    public var allowed: [String]
    /// Program ids taken off this school's whitelist whatever the tier offers.
    public var blocked: [String]

    /// Builds a school; lists are kept sorted and free of duplicates.
    public init(id: String, name: String, tier: String, allowed: [String] = [], blocked: [String] = []) {
        self.id = id
        self.name = name
        self.tier = tier
        self.allowed = Array(Set(allowed)).sorted()
        self.blocked = Array(Set(blocked)).sorted()
    }

    /// Adds a program to `allowed` and lifts any block on it (the admin's latest word wins).
    public mutating func allow(_ program: String) {
        blocked.removeAll { $0 == program }
        allowed = Array(Set(allowed + [program])).sorted()
    }

    /// Adds a program to `blocked` and drops any allow of it.
    public mutating func block(_ program: String) {
        allowed.removeAll { $0 == program }
        blocked = Array(Set(blocked + [program])).sorted()
    }

    /// Checks the school against the tiers and the edu catalog: a known tier, and every allowed or blocked
    /// program known to the catalog, approved for edu and (for allows) in a category the tier permits.
    public func validate(tiers: EduTierPolicy, candidates: [WhitelistCandidate]) throws(WhitelistError) {
        if !School.isIdentifier(id) {
            throw .invalidSchool("school id '\(id)' must be lowercase letters, digits and '-' (for example 'rinkeby-skola')")
        }
        if name.trimmingCharacters(in: .whitespaces).isEmpty {
            throw .invalidSchool("school '\(id)' needs a name; pass --name \"…\"")
        }
        guard let tier = tiers.tier(self.tier) else {
            throw .unknownTier(self.tier, school: id, known: tiers.tiers.map(\.id))
        }
        for program in allowed where blocked.contains(program) {
            throw .invalidSchool("school '\(id)' both allows and blocks '\(program)'; keep one of them")
        }
        let byProgram = Dictionary(grouping: candidates, by: \.program)
        for program in blocked where byProgram[program] == nil {
            throw .invalidSchool("school '\(id)' blocks '\(program)', which is not in the edu catalog; check the program id")
        }
        for program in allowed {
            guard let versions = byProgram[program] else {
                throw .invalidSchool("school '\(id)' allows '\(program)', which is not in the edu catalog; check the program id")
            }
            if !versions.contains(where: { $0.approvedScope?.includesEdu == true }) {
                throw .outsideTier("school '\(id)' cannot allow '\(program)' in tier '\(tier.id)': its licence is not approved "
                    + "for edu, so it cannot be on any school's whitelist; ask a licence reviewer for an edu approval")
            }
            let categories = Set(versions.map(\.category)).sorted()
            if !categories.contains(where: tier.appCategories.contains) {
                let wider = tiers.tiers.filter { t in categories.contains(where: t.appCategories.contains) }.map(\.id)
                let hint = wider.isEmpty ? "no tier allows it" : "tier \(wider.map { "'\($0)'" }.joined(separator: " or ")) does"
                throw .outsideTier("school '\(id)' cannot allow '\(program)' (category '\(categories.joined(separator: "', '"))'): "
                    + "tier '\(tier.id)' allows only \(tier.appCategories.joined(separator: ", ")); \(hint)")
            }
        }
    }

    static func isIdentifier(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 64, !text.hasPrefix("-"), !text.hasSuffix("-"), !text.contains("--")
        else { return false }
        return text.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
    }
}
