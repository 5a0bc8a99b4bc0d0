import DepotModel

/// Bounds on one reading of a Windows installer, taken from `Policies/intake.yaml`, so that no file can make the
/// readers spin, re-read or hold more than a small multiple of what it really contains.
public struct WindowsReadLimits: Sendable, Equatable {
    /// Bytes read from disk may be at most this many times the file's size (plus a small floor): a reader that
    /// reads more is being led in circles (streams sharing sectors, chains read again and again).
    public var maxReadMultiple: Int
    /// Rows one MSI table may hold.
    public var maxTableRows: Int
    /// Examples a warning of one kind lists before it says "and N more".
    public var maxExamplesPerWarning: Int
    /// Wall-clock seconds the reader may spend on one installer.
    public var maxSeconds: Int

    /// Builds limits; each value should be positive.
    public init(maxReadMultiple: Int = 4, maxTableRows: Int = 100_000, maxExamplesPerWarning: Int = 5,
                maxSeconds: Int = 300) {
        self.maxReadMultiple = maxReadMultiple
        self.maxTableRows = maxTableRows
        self.maxExamplesPerWarning = maxExamplesPerWarning
        self.maxSeconds = maxSeconds
    }

    /// The values shipped in `Policies/intake.yaml`.
    public static let standard = WindowsReadLimits()

    /// Reads below this many bytes never count against `maxReadMultiple`: headers and directories of tiny files
    /// are re-read legitimately, and a multiple of a few kilobytes would be meaningless.
    static let readFloor: Int64 = 16 << 20
}

/// A budget from `intake.yaml` was exceeded. The message names the budget, the value and the policy key; the
/// installer is refused as hostile, never read on with a warning.
struct BudgetExceeded: Error {
    let message: String

    init(_ message: String) { self.message = message }
}

/// Warnings of one kind, kept as a count and a few examples: a hostile table with a million odd rows yields
/// one line ("… 'a', 'b', and 1,048,570 more") instead of a million.
struct WarningTally {
    let summary: String
    let maxExamples: Int
    private(set) var count = 0
    private var examples: [String] = []

    init(_ summary: String, maxExamples: Int) {
        self.summary = summary
        self.maxExamples = maxExamples
    }

    mutating func note(_ example: String) {
        count += 1
        if examples.count < maxExamples { examples.append(example) }
    }

    /// The one line, or nil when nothing was noted.
    var line: String? {
        guard count > 0 else { return nil }
        var text = "\(summary) [\(Grouped.digits(count))]: " + examples.joined(separator: ", ")
        if count > examples.count { text += ", and \(Grouped.digits(count - examples.count)) more" }
        return text
    }
}
