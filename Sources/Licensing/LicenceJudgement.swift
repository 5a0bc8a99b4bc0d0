import DepotPolicy

/// The policy's verdict on a whole SPDX expression in one environment, with the rulings that decided it.
public struct LicenceVerdict: Sendable, Equatable, Codable {
    public let environment: DeploymentEnvironment
    public let outcome: LicenceOutcome
    /// The per-identifier rulings behind the outcome (for OR, those of the alternative chosen).
    public let rulings: [LicenceRuling]
    /// One sentence per ruling, for the reviewer and the packager.
    public var reasons: [String] {
        rulings.map { "\($0.identifier) (\($0.category.rawValue)): \($0.outcome.rawValue) – \($0.reason)" }
    }
}

/// Judges SPDX expressions by a per-identifier ruling: all operands of AND must pass (the worst outcome
/// counts), the best alternative of OR is chosen, and an exception (WITH) is judged by its licence.
public enum LicenceJudgement {
    /// Judges with the licence policy from `Policies/licences.yaml`.
    public static func judge(_ expression: SPDXExpression, policy: LicencePolicy, in environment: DeploymentEnvironment) -> LicenceVerdict {
        judge(expression, in: environment) { policy.ruling(for: $0, in: environment) }
    }

    /// Judges with any ruling function (identifier → ruling), so callers can test or extend the rules.
    public static func judge(_ expression: SPDXExpression, in environment: DeploymentEnvironment,
                             ruling: (String) -> LicenceRuling) -> LicenceVerdict {
        let (outcome, rulings) = evaluate(expression, ruling: ruling, depth: 0)
        return LicenceVerdict(environment: environment, outcome: outcome, rulings: rulings)
    }

    static func rank(_ outcome: LicenceOutcome) -> Int {
        switch outcome {
        case .allow: return 0
        case .review: return 1
        case .deny: return 2
        }
    }

    static func evaluate(_ expression: SPDXExpression, ruling: (String) -> LicenceRuling, depth: Int) -> (LicenceOutcome, [LicenceRuling]) {
        // Parsed expressions are at most 64 levels deep; the bound keeps hand-built ones safe too.
        guard depth < 128 else { return (.review, []) }
        switch expression {
        case .license(let id, let orLater):
            var result = ruling(orLater ? id + "+" : id)
            if orLater, result.category == .unknown { result = ruling(id) }
            return (result.outcome, [result])
        case .licenseRef(_, let ref):
            let result = ruling(ref)
            return (result.outcome, [result])
        case .with(let inner, _):
            return evaluate(inner, ruling: ruling, depth: depth + 1)
        case .and(let operands):
            var worst = LicenceOutcome.allow
            var rulings: [LicenceRuling] = []
            for operand in operands {
                let (outcome, operandRulings) = evaluate(operand, ruling: ruling, depth: depth + 1)
                if rank(outcome) > rank(worst) { worst = outcome }
                rulings += operandRulings
            }
            return (worst, rulings)
        case .or(let operands):
            var best: (LicenceOutcome, [LicenceRuling])?
            for operand in operands {
                let candidate = evaluate(operand, ruling: ruling, depth: depth + 1)
                if best == nil || rank(candidate.0) < rank(best?.0 ?? .deny) { best = candidate }
            }
            return best ?? (.review, [])
        }
    }
}
