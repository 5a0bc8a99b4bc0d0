import DepotModel

/// One problem in one policy file: where it is and what was expected there.
public struct PolicyProblem: Sendable, Equatable, CustomStringConvertible {
    /// The file as the user named it, e.g. `Policies/pricing.yaml`.
    public let file: String
    /// 1-based line and column, nil when the problem concerns the whole file (missing, unreadable).
    public let line: Int?
    /// 1-based column, counted in characters.
    public let column: Int?
    /// What was wrong and how to fix it, e.g. `expected a non-negative amount in SEK, got '-5'`.
    public let message: String

    /// Creates a problem; most come from `PolicyReader`, this is for checks made after reading.
    public init(file: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `file:line:column: message`, the form editors and compilers use, so a click jumps to the spot.
    public var description: String {
        switch (line, column) {
        case let (line?, column?): "\(file):\(line):\(column): \(message)"
        case let (line?, nil): "\(file):\(line): \(message)"
        default: "\(file): \(message)"
        }
    }
}

/// Every problem found in the policy files, all at once, so one edit round fixes them all.
public struct PolicyError: DepotError {
    /// In file order, then in the order they appear in each file.
    public let problems: [PolicyProblem]

    /// Wraps the problems found; an empty list is never thrown by this module.
    public init(problems: [PolicyProblem]) { self.problems = problems }

    /// A policy problem is always bad input.
    public var kind: ErrorKind { .invalidInput }
    /// Stable code for scripts and the API.
    public var code: String { "policy.invalid" }

    /// One line per problem; with several, a count first so a truncated terminal still says how many.
    public var message: String {
        let lines = problems.map(\.description)
        if lines.count == 1 { return lines[0] }
        return "\(lines.count) problems in the policy files:\n" + lines.joined(separator: "\n")
    }
}
