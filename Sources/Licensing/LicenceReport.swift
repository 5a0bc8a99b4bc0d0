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
    /// For an unknown text, the reference it resembled most.
    public let nearest: String?
    /// How the licence was found: a copy of its text, its standard notice, a tag, a statement, a DEP-5 field.
    public let rule: Rule?

    /// How a match was found.
    public enum Rule: String, Sendable, Codable, Hashable {
        /// A copy of a reference licence text.
        case text
        /// A licence's standard notice ("Licensed under the Apache License, Version 2.0 …") matched as text.
        case notice
        /// `SPDX-License-Identifier:`.
        case tag
        /// A GNU notice read with its version and "or any later version".
        case gnuNotice = "gnu-notice"
        /// "Released under the MIT License", a `License:` line.
        case reference
        /// A stated choice between licences.
        case choice
        /// A licence with an exception stated in the file.
        case exception
        /// A `License:` field of a Debian machine-readable copyright file.
        case dep5
        /// A pointer to /usr/share/common-licenses.
        case commonLicences = "common-licenses"
        /// Licence-like text that matched nothing well enough.
        case unknown
    }

    public init(id: String, file: String, startLine: Int, endLine: Int, coverage: Double, confidence: Double,
                rule: Rule? = nil, nearest: String? = nil) {
        self.id = id
        self.file = file
        self.startLine = startLine
        self.endLine = endLine
        self.coverage = coverage
        self.confidence = confidence
        self.rule = rule
        self.nearest = nearest
    }

    /// The same finding with another identifier, file, lines or confidence.
    func with(id: String? = nil, file: String? = nil, startLine: Int? = nil, endLine: Int? = nil, confidence: Double? = nil,
              rule: Rule? = nil) -> LicenceMatch {
        LicenceMatch(id: id ?? self.id, file: file ?? self.file, startLine: startLine ?? self.startLine, endLine: endLine ?? self.endLine,
                     coverage: coverage, confidence: confidence ?? self.confidence, rule: rule ?? self.rule, nearest: nearest)
    }

    /// True for a named licence the detector stands behind; false for unknown text that needs a person.
    public var isConfident: Bool {
        !id.hasPrefix(LicenceDetector.unknownPrefix) && confidence >= LicenceDetector.confidentThreshold
    }

    enum CodingKeys: String, CodingKey {
        case id, file, startLine, endLine, coverage, confidence, rule, nearest
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        file = try c.decode(String.self, forKey: .file)
        startLine = try c.decode(Int.self, forKey: .startLine)
        endLine = try c.decode(Int.self, forKey: .endLine)
        coverage = try c.decode(Double.self, forKey: .coverage)
        confidence = try c.decode(Double.self, forKey: .confidence)
        rule = try c.decodeIfPresent(Rule.self, forKey: .rule)
        nearest = try c.decodeIfPresent(String.self, forKey: .nearest)
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

/// The licence of one file: its expression (nil when the file states no licence) and how many of its findings are
/// unknown text a person must read.
public struct LicenceFileResult: Sendable, Hashable, Codable {
    public let file: String
    public let expression: SPDXExpression?
    public let unknown: Int

    public init(file: String, expression: SPDXExpression?, unknown: Int) {
        self.file = file
        self.expression = expression
        self.unknown = unknown
    }

    enum CodingKeys: String, CodingKey { case file, expression, unknown }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(file, forKey: .file)
        try c.encode(expression, forKey: .expression)
        try c.encode(unknown, forKey: .unknown)
    }
}

/// Everything detected in a set of files: the combined expression, each licence found, each clause flagged.
public struct LicenceReport: Sendable, Hashable, Codable {
    /// All licences found joined with AND (unknown texts as their LicenseRef), or nil when none.
    public let expression: SPDXExpression?
    public let matches: [LicenceMatch]
    public let clauses: [LicenceClause]
    /// Each file's own expression, in the order the files were given (files without any finding included).
    public let files: [LicenceFileResult]

    public init(expression: SPDXExpression?, matches: [LicenceMatch], clauses: [LicenceClause], files: [LicenceFileResult] = []) {
        self.expression = expression
        self.matches = matches
        self.clauses = clauses
        self.files = files
    }

    enum CodingKeys: String, CodingKey {
        case expression, matches, clauses, files
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        expression = try c.decodeIfPresent(SPDXExpression.self, forKey: .expression)
        matches = try c.decode([LicenceMatch].self, forKey: .matches)
        clauses = try c.decode([LicenceClause].self, forKey: .clauses)
        files = try c.decodeIfPresent([LicenceFileResult].self, forKey: .files) ?? []
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        // Written as null rather than left out: the JSON form always has these keys.
        try c.encode(expression, forKey: .expression)
        try c.encode(matches, forKey: .matches)
        try c.encode(clauses, forKey: .clauses)
        try c.encode(files, forKey: .files)
    }

    /// True when every licence is named with confidence and no clause is flagged.
    public var needsNoHumanReading: Bool { clauses.isEmpty && !matches.isEmpty && matches.allSatisfy(\.isConfident) }
}
