/// A licence text reduced to comparable words, following the SPDX matching guidelines: case,
/// whitespace, punctuation, quotes, dashes, list numbering and bullets, copyright lines and
/// `http`/`https` do not matter, and a few British/American spellings are equivalent.
struct NormalisedText: Sendable {
    /// One hash per word (FNV-1a of the normalised spelling); `gap` marks replaceable text in references.
    var words: [UInt64] = []
    /// The 1-based line of each word.
    var lines: [Int32] = []
    /// Number of lines in the source text.
    var lineCount = 0
    /// Lines that are copyright statements (omitted from matching, kept for line ranges).
    var copyrightLines: Set<Int32> = []
    /// Word count per line (index = line - 1), for regions and titles.
    var wordsPerLine: [Int32] = []

    static let gap: UInt64 = 0
}

enum LicenceNormaliser {
    /// Normalises a text. In reference mode `[…]`, `<…>` and `{…}` are replaceable text (a gap) and
    /// the text starting at "END OF TERMS AND CONDITIONS" is reported through `optionalFrom`.
    static func normalise(_ text: String, reference: Bool = false) -> NormalisedText {
        var result = NormalisedText()
        var bytes = Array(text.utf8)
        if bytes.isEmpty { return result }
        if bytes.last != 0x0A { bytes.append(0x0A) }
        result.words.reserveCapacity(bytes.count / 5)
        result.lines.reserveCapacity(bytes.count / 5)
        var lineStart = 0
        var lineNumber: Int32 = 0
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x0A {
                lineNumber &+= 1
                let before = result.words.count
                if isCopyrightLine(bytes, lineStart, index) {
                    result.copyrightLines.insert(lineNumber)
                } else {
                    tokenizeLine(bytes, lineStart, index, line: lineNumber, reference: reference, into: &result)
                }
                result.wordsPerLine.append(Int32(result.words.count - before))
                lineStart = index + 1
            }
            index += 1
        }
        result.lineCount = Int(lineNumber)
        return result
    }

    /// The normalised words as text, for tests and for people checking why a text matched.
    static func normalisedWords(_ text: String) -> [String] {
        var bytes = Array(text.utf8)
        if bytes.last != 0x0A { bytes.append(0x0A) }
        var words: [String] = []
        var lineStart = 0
        for index in bytes.indices where bytes[index] == 0x0A {
            if !isCopyrightLine(bytes, lineStart, index) {
                forEachWord(bytes, lineStart, index, reference: false) { word in
                    if word.isEmpty { return }
                    let spelled = String(decoding: word, as: UTF8.self)
                    words.append(canonicalSpelling[spelled] ?? spelled)
                }
            }
            lineStart = index + 1
        }
        return words
    }

    @inline(__always) static func isAlnum(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A)
    }

    @inline(__always) static func lower(_ byte: UInt8) -> UInt8 {
        (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
    }

    static func tokenizeLine(_ bytes: [UInt8], _ start: Int, _ end: Int, line: Int32, reference: Bool,
                             into result: inout NormalisedText) {
        forEachWord(bytes, start, end, reference: reference) { word in
            if word.isEmpty {
                if result.words.last != NormalisedText.gap, !result.words.isEmpty {
                    result.words.append(NormalisedText.gap)
                    result.lines.append(line)
                }
                return
            }
            var hash: UInt64 = 0xcbf29ce484222325
            for byte in word { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
            if hash == NormalisedText.gap { hash = 1 }
            result.words.append(equivalentHashes[hash] ?? hash)
            result.lines.append(line)
        }
    }

    /// Calls `body` with each normalised word of a line (lower case, joined across `-`, `'` and
    /// `.` between digits); an empty word means replaceable text in reference mode.
    static func forEachWord(_ bytes: [UInt8], _ start: Int, _ end: Int, reference: Bool, _ body: ([UInt8]) -> Void) {
        var word: [UInt8] = []
        word.reserveCapacity(24)
        var index = start
        func flush(followedBy next: UInt8?) {
            guard !word.isEmpty else { return }
            defer { word.removeAll(keepingCapacity: true) }
            // List numbering ("1.", "(a)", "iv)") carries no meaning and moves when text is reflowed.
            if let next, next == 0x2E || next == 0x29, isNumbering(word) { return }
            body(word)
        }
        while index < end {
            let byte = bytes[index]
            if isAlnum(byte) {
                word.append(lower(byte))
                index += 1
                continue
            }
            // Joiners: hyphen or apostrophe between letters, '.' or ',' between digits.
            if !word.isEmpty, index + 1 < end, isAlnum(bytes[index + 1]) {
                let previous = bytes[index - 1]
                if byte == 0x2D || byte == 0x27 {
                    index += 1
                    continue
                }
                if byte == 0x2E, previous >= 0x30, previous <= 0x39, bytes[index + 1] >= 0x30, bytes[index + 1] <= 0x39 {
                    index += 1
                    continue
                }
            }
            // A right single quote (U+2019) inside a word is an apostrophe.
            if byte == 0xE2, index + 3 < end, bytes[index + 1] == 0x80, bytes[index + 2] == 0x99,
               !word.isEmpty, isAlnum(bytes[index + 3]) {
                index += 3
                continue
            }
            if reference, byte == 0x5B || byte == 0x3C || byte == 0x7B {
                let close: UInt8 = byte == 0x5B ? 0x5D : (byte == 0x3C ? 0x3E : 0x7D)
                var probe = index + 1
                while probe < end, probe - index < 90, bytes[probe] != close { probe += 1 }
                if probe < end, bytes[probe] == close, probe - index > 1 {
                    flush(followedBy: byte)
                    body([])
                    index = probe + 1
                    continue
                }
            }
            flush(followedBy: byte)
            index += 1
        }
        flush(followedBy: nil)
    }

    static func isNumbering(_ word: [UInt8]) -> Bool {
        if word.count <= 2, word.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return true }
        if word.count == 1 { return true }
        if word.count <= 4, word.allSatisfy({ $0 == 0x69 || $0 == 0x76 || $0 == 0x78 }) { return true }
        return false
    }

    /// A copyright statement: "Copyright (c) 2024 …", "© …", "(C) …", "All rights reserved.".
    static func isCopyrightLine(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Bool {
        var index = start
        // Skip comment markers, bullets and blanks.
        while index < end {
            let byte = bytes[index]
            if byte == 0x20 || byte == 0x09 || byte == 0x23 || byte == 0x2A || byte == 0x2F || byte == 0x2D
                || byte == 0x3B || byte == 0x25 || byte == 0x3E || byte == 0x0D {
                index += 1
            } else {
                break
            }
        }
        let remaining = end - index
        guard remaining >= 3 else { return false }
        func hasPrefix(_ prefix: String, at position: Int) -> Bool {
            let p = Array(prefix.utf8)
            guard end - position >= p.count else { return false }
            for offset in 0..<p.count where lower(bytes[position + offset]) != p[offset] { return false }
            return true
        }
        if bytes[index] == 0xC2, bytes[index + 1] == 0xA9 { return true }
        if hasPrefix("(c)", at: index) { return true }
        if hasPrefix("all rights reserved", at: index) { return true }
        guard hasPrefix("copyright", at: index) else { return false }
        var probe = index + 9
        if hasPrefix("s", at: probe) { probe += 1 }
        if hasPrefix("ed", at: probe) { probe += 2 }
        if probe < end, bytes[probe] == 0x3A { probe += 1 }
        while probe < end, bytes[probe] == 0x20 || bytes[probe] == 0x09 { probe += 1 }
        guard probe < end else { return true }
        let next = bytes[probe]
        if next == 0x28 || next == 0x5B || next == 0x3C || next == 0x7B || (next >= 0x30 && next <= 0x39) { return true }
        if next == 0xC2 { return true }
        // "Copyright Jane Doe 2019" and "Copyright by …" name a holder and a year somewhere on the line.
        var digits = 0
        for position in probe..<end {
            if bytes[position] >= 0x30, bytes[position] <= 0x39 {
                digits += 1
                if digits == 4 { return true }
            } else {
                digits = 0
            }
        }
        return hasPrefix("by ", at: probe)
    }

    // British/American and other equivalent spellings from the SPDX equivalent-words list (a subset).
    static let canonicalSpelling: [String: String] = [
        "licence": "license", "licences": "licenses", "licenced": "licensed", "licencing": "licensing",
        "licencee": "licensee", "licensor": "licensor", "sublicence": "sublicense",
        "acknowledgement": "acknowledgment", "acknowledgements": "acknowledgments", "analogue": "analog",
        "authorisation": "authorization", "authorised": "authorized", "behaviour": "behavior",
        "centre": "center", "colour": "color", "favour": "favor", "fulfil": "fulfill", "judgement": "judgment",
        "offence": "offense", "organisation": "organization", "organisations": "organizations",
        "recognised": "recognized", "wilful": "willful", "wilfully": "willfully", "http": "https",
        "percent": "percent", "whilst": "while", "utilise": "utilize", "utilisation": "utilization",
        "noninfringement": "noninfringement", "merchantibility": "merchantability",
    ]

    static let equivalentHashes: [UInt64: UInt64] = {
        func hash(_ word: String) -> UInt64 {
            var value: UInt64 = 0xcbf29ce484222325
            for byte in word.utf8 { value = (value ^ UInt64(byte)) &* 0x100000001b3 }
            return value
        }
        var map: [UInt64: UInt64] = [:]
        for (variant, canonical) in canonicalSpelling where variant != canonical {
            map[hash(variant)] = hash(canonical)
        }
        return map
    }()
}
