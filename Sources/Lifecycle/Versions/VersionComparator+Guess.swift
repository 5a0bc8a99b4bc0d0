extension VersionComparator {
    /// The scheme `versions` most likely follow, for a program whose manifest names none.
    ///
    /// Plain numbers are `windows` when some have four parts and all fit, else `dotted`; Debian marks
    /// (an epoch, `~`, `dfsg`, `ubuntu`, `+deb`) make `debian` and RPM marks (`.el9`, `.fc40`, `^`) make
    /// `rpm` when every string is valid there; then all-valid SemVer is `semver`, all-valid PEP 440 is
    /// `pep440`, and anything else is `dotted`, which accepts every string.
    public static func guess(_ versions: [String]) -> VersionScheme {
        if versions.isEmpty { return .dotted }
        let texts = versions.map { Array($0.utf8) }
        if texts.allSatisfy(isPlainNumeric) {
            let fourParts = texts.contains { $0.count(where: { $0 == ASCII.dot }) == 3 }
            let fit = versions.allSatisfy { (try? WindowsVersion(parsing: $0)) != nil }
            return fourParts && fit ? .windows : .dotted
        }
        // Distribution marks first: "1.2.3-1.el9" is also valid SemVer, but SemVer would misorder its releases.
        if texts.contains(where: hasDebianMark), versions.allSatisfy({ (try? DebianVersion(parsing: $0)) != nil }) {
            return .debian
        }
        if texts.contains(where: hasRPMMark), versions.allSatisfy({ (try? RPMVersion(parsing: $0)) != nil }) {
            return .rpm
        }
        if versions.allSatisfy({ (try? SemanticVersion(parsing: $0)) != nil }) { return .semver }
        if versions.allSatisfy({ (try? PEP440Version(parsing: $0)) != nil }) { return .pep440 }
        return .dotted
    }

    private static func isPlainNumeric(_ text: [UInt8]) -> Bool {
        guard let first = text.first, let last = text.last, ASCII.isDigit(first), ASCII.isDigit(last) else { return false }
        var previousDot = false
        for c in text {
            if c == ASCII.dot {
                if previousDot { return false }
                previousDot = true
            } else if ASCII.isDigit(c) {
                previousDot = false
            } else {
                return false
            }
        }
        return true
    }

    private static func hasDebianMark(_ text: [UInt8]) -> Bool {
        var k = 0
        while k < text.count && ASCII.isDigit(text[k]) { k += 1 }
        if k > 0 && k < text.count && text[k] == ASCII.colon { return true }
        let lower = text.map(ASCII.lower)
        return lower.contains(ASCII.tilde) || contains(lower, "dfsg") || contains(lower, "ubuntu") || contains(lower, "+deb")
    }

    private static func hasRPMMark(_ text: [UInt8]) -> Bool {
        let lower = text.map(ASCII.lower)
        if lower.contains(ASCII.caret) { return true }
        for tag in [".el", ".fc", ".mga", ".module+"] where followedByDigitOrPlus(lower, tag) { return true }
        return false
    }

    private static func followedByDigitOrPlus(_ text: [UInt8], _ tag: String) -> Bool {
        let t = Array(tag.utf8)
        guard text.count > t.count else { return false }
        for start in 0..<(text.count - t.count) where text[start..<(start + t.count)].elementsEqual(t) {
            let next = text[start + t.count]
            if ASCII.isDigit(next) || t.last == ASCII.plus { return true }
        }
        return false
    }

    private static func contains(_ text: [UInt8], _ word: String) -> Bool {
        let w = Array(word.utf8)
        guard text.count >= w.count else { return false }
        for start in 0...(text.count - w.count) where text[start..<(start + w.count)].elementsEqual(w) { return true }
        return false
    }
}
