/// Warnings for the packager, grouped so that a hostile archive with a million odd entries yields a few
/// readable lines ("3 entries are links …: a → b, c → d, and 1 more") rather than a million.
struct WarningLog {
    enum Kind: String, CaseIterable {
        case traversal, absolute, link, duplicate, nonUTF8, libarchive, unreadableEntry, tooDeep, nested

        var summary: String {
            switch self {
            case .traversal: "entries climb out of the archive with '..' (reported, never followed)"
            case .absolute: "entries have absolute paths (reported, never followed)"
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

    private static let examplesShown = 5
    private static let plainLimit = 50
    private var grouped: [Kind: (count: Int, examples: [String])] = [:]
    private var plain: [String] = []

    mutating func note(_ kind: Kind, _ example: String) {
        var group = grouped[kind] ?? (0, [])
        group.count += 1
        if group.examples.count < Self.examplesShown { group.examples.append(example) }
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
            var line = "\(kind.summary) [\(group.count)]: " + group.examples.joined(separator: ", ")
            let more = group.count - group.examples.count
            if more > 0 { line += ", and \(more) more" }
            out.append(line)
        }
        return out
    }
}
