/// One licence found in one file: a named SPDX licence, or `LicenseRef-depot-unknown-…` for text
/// that matched no reference well enough (then `coverage` is that of the nearest reference).
public struct LicenceMatch: Sendable, Hashable, Codable {
    public let id: String
    public let file: String
    /// 1-based first and last line of the licence text in the (plain-text form of the) file.
    public let startLine: Int
    public let endLine: Int
    /// The fraction of the reference text's required part found in the file (0…1).
    public let coverage: Double
    /// How sure the detector is of `id` (0…1); named licences have at least `LicenceDetector.confidentThreshold`.
    public let confidence: Double
    /// For an unknown text, the reference it resembled most (not part of the JSON form).
    public let nearest: String?

    public init(id: String, file: String, startLine: Int, endLine: Int, coverage: Double, confidence: Double, nearest: String? = nil) {
        self.id = id
        self.file = file
        self.startLine = startLine
        self.endLine = endLine
        self.coverage = coverage
        self.confidence = confidence
        self.nearest = nearest
    }

    /// True for a named licence the detector stands behind; false for unknown text that needs a person.
    public var isConfident: Bool {
        !id.hasPrefix(LicenceDetector.unknownPrefix) && confidence >= LicenceDetector.confidentThreshold
    }

    enum CodingKeys: String, CodingKey {
        case id, file, startLine, endLine, coverage, confidence
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        file = try c.decode(String.self, forKey: .file)
        startLine = try c.decode(Int.self, forKey: .startLine)
        endLine = try c.decode(Int.self, forKey: .endLine)
        coverage = try c.decode(Double.self, forKey: .coverage)
        confidence = try c.decode(Double.self, forKey: .confidence)
        nearest = nil
    }
}

/// A clause in proprietary terms that a reviewer must not miss.
public struct LicenceClause: Sendable, Hashable, Codable {
    /// What the clause does.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case nonCommercial = "non-commercial"
        case educationOnly = "education-only"
        case evaluation
        case perSeat = "per-seat"
        case telemetry
        case automaticUpdates = "automatic-updates"
        case automaticRenewal = "automatic-renewal"
        case auditRights = "audit-rights"
        case foreignGoverningLaw = "foreign-governing-law"
    }

    public let kind: Kind
    public let file: String
    /// 1-based line where the clause's wording starts.
    public let line: Int
    /// The sentence that triggered the flag, whitespace collapsed.
    public let text: String

    public init(kind: Kind, file: String, line: Int, text: String) {
        self.kind = kind
        self.file = file
        self.line = line
        self.text = text
    }
}

/// Everything detected in a set of files: the combined expression, each licence found, each clause flagged.
public struct LicenceReport: Sendable, Hashable, Codable {
    /// All licences found joined with AND (unknown texts as their LicenseRef), or nil when none.
    public let expression: SPDXExpression?
    public let matches: [LicenceMatch]
    public let clauses: [LicenceClause]

    public init(expression: SPDXExpression?, matches: [LicenceMatch], clauses: [LicenceClause]) {
        self.expression = expression
        self.matches = matches
        self.clauses = clauses
    }

    enum CodingKeys: String, CodingKey {
        case expression, matches, clauses
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        // Written as null rather than left out: the JSON form always has the three keys.
        try c.encode(expression, forKey: .expression)
        try c.encode(matches, forKey: .matches)
        try c.encode(clauses, forKey: .clauses)
    }

    /// True when every licence is named with confidence and no clause is flagged.
    public var needsNoHumanReading: Bool { clauses.isEmpty && !matches.isEmpty && matches.allSatisfy(\.isConfident) }
}
