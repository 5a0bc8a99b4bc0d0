/// Tells licence-like text (terms a person must read) from text that is no licence (a description, a changelog,
/// headings), so what no reference explains becomes an unknown licence only when it reads like terms.
enum LicenceLikeness {
    /// Words and phrases of licence terms; a paragraph needs several different ones, densely enough.
    static let markers = ["licen", "permission", "permitted", "redistribut", "warrant", "liabil", "liable", "sublicens", "royalt",
                          "infring", "disclaim", "proprietary", "prohibit", "terms and conditions", "terms of", "agreement",
                          "you may", "may not", "shall", "grant", "copyright holder", "restrict", "commercial", "must not",
                          "source code", "binary form", "without fee", "free of charge", "no event", "damages", "entitle",
                          "terminat", "licensee", "licensor", "you must", "you agree", "not allowed", "allowed to", "forbidden",
                          "reverse engineer", "decompil", "rights", "governed by", "laws of", "the software", "this software",
                          "end user", "eula"]

    /// True when a paragraph reads like licence terms.
    static func isLicenceLike(_ text: String) -> Bool {
        let lower = text.lowercased()
        var distinct = 0
        var occurrences = 0
        for marker in markers {
            var count = 0
            var searchStart = lower.startIndex
            while count < 50, let range = lower.range(of: marker, range: searchStart..<lower.endIndex) {
                count += 1
                searchStart = range.upperBound
            }
            if count > 0 {
                distinct += 1
                occurrences += count
            }
        }
        let words = lower.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).count
        return words >= 6 && distinct >= 3 && occurrences * 60 >= words
    }

    /// The licence-like regions among lines `from…through` (1-based), trimmed of blank lines; paragraphs of terms
    /// separated only by short ones (headings) form one region.
    static func regions(lines: [Substring], from: Int, through: Int, isBlank: (Int) -> Bool) -> [(Int, Int)] {
        guard from <= through else { return [] }
        var paragraphs: [(first: Int, last: Int, likeness: Bool, words: Int)] = []
        var line = from
        while line <= through {
            if isBlank(line) { line += 1; continue }
            var last = line
            while last + 1 <= through, !isBlank(last + 1) { last += 1 }
            let text = lines[(line - 1)..<min(last, lines.count)].joined(separator: "\n")
            let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).count
            paragraphs.append((line, last, isLicenceLike(text), words))
            line = last + 1
        }
        var regions: [(Int, Int)] = []
        var current: (Int, Int)?
        var pendingShort = 0
        for paragraph in paragraphs {
            if paragraph.likeness {
                if let open = current, pendingShort <= 2 {
                    current = (open.0, paragraph.last)
                } else {
                    if let open = current { regions.append(open) }
                    current = (paragraph.first, paragraph.last)
                }
                pendingShort = 0
            } else if current != nil, paragraph.words <= 8 {
                pendingShort += 1
            } else {
                if let open = current { regions.append(open) }
                current = nil
                pendingShort = 0
            }
        }
        if let open = current { regions.append(open) }
        return regions
    }
}
