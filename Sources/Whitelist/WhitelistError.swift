import DepotModel

/// Why a school, a candidate or a whitelist request was refused; the message names the input and the fix.
public struct WhitelistError: DepotError, Equatable {
    /// `invalidInput` for malformed input, `refused` for a rule, `notFound` for an unknown tier.
    public let kind: ErrorKind
    /// `edu.school.invalid`, `edu.school.outside-tier`, `edu.tier.unknown` or `edu.candidate.invalid`.
    public let code: String
    /// What was wrong with which school, app or tier, and what to do.
    public let message: String

    /// Builds an error; prefer the named constructors below.
    public init(_ kind: ErrorKind, code: String, _ message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }

    static func unknownTier(_ tier: String, school: String, known: [String]) -> WhitelistError {
        WhitelistError(.invalidInput, code: "edu.tier.unknown",
                       "school '\(school)' names tier '\(tier)', which is not in edu-tiers.yaml; "
                       + "choose one of: \(known.joined(separator: ", "))")
    }

    static func invalidSchool(_ text: String) -> WhitelistError {
        WhitelistError(.invalidInput, code: "edu.school.invalid", text)
    }

    static func outsideTier(_ text: String) -> WhitelistError {
        WhitelistError(.refused, code: "edu.school.outside-tier", text)
    }

    static func invalidCandidate(_ candidate: WhitelistCandidate, _ problem: String) -> WhitelistError {
        WhitelistError(.invalidInput, code: "edu.candidate.invalid",
                       "\(candidate.program) \(candidate.version): \(problem)")
    }
}
