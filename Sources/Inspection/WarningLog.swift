import DepotModel

/// Warnings for the packager, grouped so that a hostile archive with a million odd entries yields a few
/// readable lines ("3 entries are links …: a → b, c → d, and 1 more") rather than a million.
struct WarningLog {
    enum Kind: String, CaseIterable {
        case traversal, absolute, lookalike, link, duplicate, nonUTF8, libarchive, unreadableEntry, tooDeep, nested

        var summary: String {
            switch self {
            case .traversal: "entries climb out of the archive with '..' (reported, never followed)"
            case .absolute: "entries have absolute paths (reported, never followed)"
            case .lookalike: "entry names hold Unicode look-alikes of '.', '/' or '\\' (Windows' best-fit conversion may turn them into real ones)"
            case .link: "entries are symbolic or hard links (reported, never followed)"
            case .duplicate: "entry names occur more than once (a later entry would overwrite an earlier one)"
            case .nonUTF8: "entry names are not valid UTF-8 (shown with � for the bad bytes)"
            case .libarchive: "libarchive warnings"
            case .unreadableEntry: "entries could not be read"
            case .tooDeep: "archives nested deeper than the nesting limit were listed, not opened"
            case .nested: "nested archives could not be read"
            }
        }
    }

    private let examplesShown: Int
    private static let plainLimit = 50
    private var grouped: [Kind: (count: Int, examples: [String])] = [:]
    private var plain: [String] = []

    init(examplesShown: Int = 5) {
        self.examplesShown = max(1, examplesShown)
    }

    mutating func note(_ kind: Kind, _ example: String) {
        var group = grouped[kind] ?? (0, [])
        group.count += 1
        if group.examples.count < examplesShown { group.examples.append(example) }
        grouped[kind] = group
    }

    /// A one-off warning; repeats are dropped and the list is capped.
    mutating func add(_ text: String) {
        guard !plain.contains(text), plain.count < Self.plainLimit else { return }
        plain.append(text)
    }

    var lines: [String] {
        var out = plain
        for kind in Kind.allCases {
            guard let group = grouped[kind] else { continue }
            var line = "\(kind.summary) [\(Grouped.digits(group.count))]: "
                + group.examples.map { SafeText.line($0, limit: 200) }.joined(separator: ", ")
            let more = group.count - group.examples.count
            if more > 0 { line += ", and \(Grouped.digits(more)) more" }
            out.append(line)
        }
        return out
    }
}
