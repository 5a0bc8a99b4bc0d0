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
    /// For a copy of a licence text: what it added to the reference or left out of it (nil when it is a plain copy).
    public let differences: [LicenceDifference]?

    /// True when the text is a known licence with sentences added or removed.
    public var isModified: Bool { !(differences ?? []).isEmpty }

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
                rule: Rule? = nil, nearest: String? = nil, differences: [LicenceDifference]? = nil) {
        self.differences = differences
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
                     coverage: coverage, confidence: confidence ?? self.confidence, rule: rule ?? self.rule, nearest: nearest,
                     differences: differences)
    }

    /// True for a named licence the detector stands behind; false for unknown text that needs a person.
    public var isConfident: Bool {
        !id.hasPrefix(LicenceDetector.unknownPrefix) && confidence >= LicenceDetector.confidentThreshold
    }

    enum CodingKeys: String, CodingKey {
        case id, file, startLine, endLine, coverage, confidence, rule, nearest, modified, differences
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(file, forKey: .file)
        try c.encode(startLine, forKey: .startLine)
        try c.encode(endLine, forKey: .endLine)
        try c.encode(coverage, forKey: .coverage)
        try c.encode(confidence, forKey: .confidence)
        try c.encodeIfPresent(rule, forKey: .rule)
        try c.encodeIfPresent(nearest, forKey: .nearest)
        if isModified {
            try c.encode(true, forKey: .modified)
            try c.encode(differences, forKey: .differences)
        }
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
        differences = try c.decodeIfPresent([LicenceDifference].self, forKey: .differences)
    }
}

/// A sentence a copy of a licence added to its reference text, or a passage of the reference it left out.
public struct LicenceDifference: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable { case added, removed }
    public let kind: Kind
    /// For added text, the 1-based first line in the file; for removed text, nil (it is not in the file).
    public let line: Int?
    /// The words, whitespace collapsed, at most 300 characters.
    public let text: String
    public let words: Int
    /// How many lines of the file the added text spans (not part of the JSON form).
    let lines: Int

    public init(kind: Kind, line: Int?, text: String, words: Int, lines: Int = 1) {
        self.kind = kind
        self.line = line
        self.text = text
        self.words = words
        self.lines = lines
    }

    enum CodingKeys: String, CodingKey { case kind, line, text, words }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(Kind.self, forKey: .kind)
        line = try c.decodeIfPresent(Int.self, forKey: .line)
        text = try c.decode(String.self, forKey: .text)
        words = try c.decode(Int.self, forKey: .words)
        lines = 1
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
        case noDerivatives = "no-derivatives"
        case fieldOfUse = "field-of-use"
        case noPublicService = "no-public-service"
        case mustPay = "must-pay"
        case termination

        /// Kinds that restrict what an open-source licence allows: added to a known licence, they make it another licence.
        public var isRestriction: Bool {
            switch self {
            case .nonCommercial, .educationOnly, .evaluation, .perSeat, .noDerivatives, .fieldOfUse, .noPublicService, .mustPay, .termination:
                return true
            default:
                return false
            }
        }
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
