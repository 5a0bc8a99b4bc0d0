import Foundation

/// A licence as a package declares it (nuspec, DEP-5, RPM `License:`, wheel metadata), read into SPDX.
public struct DeclaredLicence: Sendable, Hashable, Codable {
    /// How the declaration was read.
    public enum Reading: String, Sendable, Codable {
        /// A valid SPDX expression as written (identifier case and deprecated forms aside).
        case strict
        /// SPDX identifiers with non-standard operators or aliases (`MIT/Apache-2.0`, `GPL-2+ or Artistic`).
        case normalised
        /// A licence named in words ("Apache License, Version 2.0").
        case freeText
        /// Names a licence family without saying which one ("BSD"); `candidates` lists the options.
        case ambiguous
        /// Nothing recognisable; a reviewer reads the licence text instead.
        case unrecognised
    }

    public let original: String
    /// The SPDX expression, nil when ambiguous or unrecognised.
    public let expression: SPDXExpression?
    public let reading: Reading
    /// For an ambiguous declaration, the identifiers it could mean.
    public let candidates: [String]
    /// What a reviewer should know about how the declaration was read.
    public let note: String?

    public init(original: String, expression: SPDXExpression?, reading: Reading, candidates: [String] = [], note: String? = nil) {
        self.original = original
        self.expression = expression
        self.reading = reading
        self.candidates = candidates
        self.note = note
    }
}

/// Reads declared licences: strictly when they are SPDX, otherwise through aliases and licence names.
public struct DeclaredLicenceReader: Sendable {
    public let list: SPDXLicenseList
    private let namesByKey: [String: [String]]

    public init(list: SPDXLicenseList = .builtIn) {
        self.list = list
        var names: [String: [String]] = [:]
        for info in list.licences.values where !info.isDeprecated {
            let key = Self.key(info.name)
            guard !key.isEmpty else { continue }
            if !(names[key]?.contains(info.id) ?? false) { names[key, default: []].append(info.id) }
        }
        namesByKey = names
    }

    /// Reads one declaration; never throws: what cannot be read comes back `unrecognised` with a note.
    public func read(_ declaration: String) -> DeclaredLicence {
        var text = declaration.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.count >= 2, let first = text.first, let last = text.last,
           (first == "\"" && last == "\"") || (first == "'" && last == "'") {
            text = String(text.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
        }
        guard !text.isEmpty else {
            return DeclaredLicence(original: declaration, expression: nil, reading: .unrecognised,
                                   note: "no licence is declared; the licence texts decide")
        }
        guard text.count <= SPDXExpressionParser.maximumLength else {
            return DeclaredLicence(original: declaration, expression: nil, reading: .unrecognised,
                                   note: "the declaration is longer than \(SPDXExpressionParser.maximumLength) characters; it is probably a licence text")
        }
        // PyPI trove classifiers: "License :: OSI Approved :: MIT License".
        if text.hasPrefix("License ::"), let last = text.components(separatedBy: "::").last {
            text = last.trimmingCharacters(in: .whitespaces)
        }
        if let strict = try? SPDXExpressionParser(list: list).parse(text) {
            var note: String?
            if let literal = try? SPDXExpressionParser(list: list, updateDeprecated: false).parse(text), literal != strict {
                note = "deprecated identifiers updated: '\(literal)' is now '\(strict)'"
            }
            return DeclaredLicence(original: declaration, expression: strict, reading: .strict, note: note)
        }
        switch phrase(text) {
        case .expression(let expression, let note):
            return DeclaredLicence(original: declaration, expression: expression, reading: .freeText, note: note)
        case .ambiguous(let candidates, let note):
            return DeclaredLicence(original: declaration, expression: nil, reading: .ambiguous, candidates: candidates, note: note)
        case .none:
            break
        }
        return compound(text, original: declaration)
    }

    enum PhraseResult {
        case expression(SPDXExpression, note: String?)
        case ambiguous([String], note: String)
        case none
    }

    // A declaration with operators written loosely: split on them, read each part, reassemble, parse strictly.
    private func compound(_ text: String, original: String) -> DeclaredLicence {
        var rebuilt: [String] = []
        var notes: [String] = []
        var current = ""
        var depth = 0
        func flushPart() -> DeclaredLicence? {
            let part = current.trimmingCharacters(in: .whitespaces)
            current = ""
            guard !part.isEmpty else { return nil }
            switch phrase(part) {
            case .expression(let expression, let note):
                if let note { notes.append(note) }
                switch expression {
                case .and, .or: rebuilt.append("(\(expression))")
                default: rebuilt.append(expression.description)
                }
                return nil
            case .ambiguous(let candidates, let note):
                return DeclaredLicence(original: original, expression: nil, reading: .ambiguous, candidates: candidates, note: note)
            case .none:
                return DeclaredLicence(original: original, expression: nil, reading: .unrecognised,
                                       note: "'\(part)' does not name a licence known to Depot; a reviewer reads the licence text")
            }
        }
        let laterPattern = #",?\s+(or|and)\s+(\(at your option\)\s+)?(any\s+)?(later|newer|greater)(\s+versions?)?"#
        let prepared = text.replacingOccurrences(of: laterPattern, with: "+", options: [.regularExpression, .caseInsensitive])
        let words = Self.splitKeepingSeparators(prepared)
        for word in words {
            let lower = word.lowercased()
            let separator: String?
            switch lower {
            case "and", "&", ",", ";": separator = "AND"
            case "or", "/", "|": separator = "OR"
            case "with": separator = "WITH"
            case "(", ")": separator = word
            default: separator = nil
            }
            if let separator {
                if let failure = flushPart() { return failure }
                if separator == "(" { depth += 1 }
                if separator == ")" { depth -= 1 }
                if separator == "WITH" {
                    // The exception name follows as one word; it is taken as written.
                    rebuilt.append("WITH")
                } else {
                    rebuilt.append(separator)
                }
                if [",", ";"].contains(lower) { notes.append("'\(word)' read as AND") }
                if lower == "/" || lower == "|" { notes.append("'\(word)' read as OR") }
            } else if rebuilt.last == "WITH" && current.isEmpty {
                rebuilt.append(word)
            } else {
                current += current.isEmpty ? word : " " + word
            }
        }
        if let failure = flushPart() { return failure }
        let candidate = rebuilt.joined(separator: " ")
            .replacingOccurrences(of: "( ", with: "(").replacingOccurrences(of: " )", with: ")")
        do {
            let expression = try SPDXExpressionParser(list: list).parse(candidate)
            return DeclaredLicence(original: original, expression: expression, reading: .normalised,
                                   note: notes.isEmpty ? "read as '\(expression)'" : notes.joined(separator: "; "))
        } catch let error as LicensingError {
            return DeclaredLicence(original: original, expression: nil, reading: .unrecognised, note: error.message)
        } catch {
            return DeclaredLicence(original: original, expression: nil, reading: .unrecognised, note: "\(error)")
        }
    }

    static func splitKeepingSeparators(_ text: String) -> [String] {
        var words: [String] = []
        var word = ""
        for character in text {
            if character.isWhitespace {
                if !word.isEmpty { words.append(word); word = "" }
            } else if "()/,;|&".contains(character) {
                if !word.isEmpty { words.append(word); word = "" }
                words.append(String(character))
            } else {
                word.append(character)
            }
        }
        if !word.isEmpty { words.append(word) }
        return words
    }

    // One licence named by an identifier, an alias or its name.
    func phrase(_ raw: String) -> PhraseResult {
        var text = raw.trimmingCharacters(in: .whitespaces)
        // "GNU General Public License v3 or later (GPLv3+)": the parenthesis repeats the name.
        if text.hasSuffix(")"), let open = text.lastIndex(of: "("), open != text.startIndex {
            let inner = String(text[text.index(after: open)..<text.index(before: text.endIndex)])
            let outer = String(text[..<open])
            let outerResult = phrase(outer)
            if case .none = outerResult { return phrase(inner) }
            return outerResult
        }
        text = text.replacingOccurrences(of: #",?\s+or\s+(\(at your option\)\s+)?(any\s+)?(later|newer|greater)(\s+versions?)?"#,
                                         with: "+", options: [.regularExpression, .caseInsensitive])
        if !text.contains(" "), let single = try? SPDXExpressionParser(list: list).parse(text) {
            return .expression(single, note: nil)
        }
        let key = Self.key(text)
        guard !key.isEmpty else { return .none }
        if let alias = Self.aliases[key] {
            if alias.hasPrefix("?") {
                let candidates = alias.dropFirst().split(separator: " ").map(String.init)
                return .ambiguous(candidates, note: "'\(raw)' does not say which licence: it could be \(candidates.joined(separator: ", ")); ask the packager or read the licence text")
            }
            if let expression = try? SPDXExpressionParser(list: list).parse(alias) {
                let note: String? = alias.hasPrefix("LicenseRef-depot-") ? "'\(raw)' names no SPDX licence; a reviewer must read the terms" : nil
                return .expression(expression, note: note)
            }
        }
        let tokens = key.split(separator: " ").map(String.init)
        let plus = tokens.last == "plus"
        let body = plus ? Array(tokens.dropLast()) : tokens
        if let family = body.first, ["gpl", "lgpl", "agpl", "gfdl"].contains(family), body.count == 2 {
            let id = "\(family)-\(body[1])-\(plus ? "or-later" : "only")"
            if let info = list.licence(id) { return .expression(.license(id: info.id, orLater: false), note: nil) }
        }
        let joined = body.joined(separator: "-").replacingOccurrences(of: "clause", with: "-clause")
        if let info = list.licence(joined), !info.isDeprecated {
            return .expression(.license(id: info.id, orLater: plus), note: nil)
        }
        if let ids = namesByKey[key] ?? namesByKey[body.joined(separator: " ")] {
            if ids.count == 1 { return .expression(.license(id: ids[0], orLater: plus && !ids[0].hasSuffix("-or-later")), note: nil) }
            return .ambiguous(ids.sorted(), note: "'\(raw)' matches several licences: \(ids.sorted().joined(separator: ", "))")
        }
        // A bare family name ("GPL", "Apache") without a version.
        if body.count == 1, let family = body.first, family.allSatisfy({ $0.isLetter }) {
            let prefix = family + "-"
            let ids = list.licences.values
                .filter { !$0.isDeprecated && $0.id.lowercased().hasPrefix(prefix) && $0.id.dropFirst(prefix.count).first?.isNumber == true }
                .map(\.id).sorted()
            if ids.count == 1 { return .expression(.license(id: ids[0], orLater: plus), note: nil) }
            if !ids.isEmpty {
                let shown = Array(ids.prefix(6))
                return .ambiguous(shown, note: "'\(raw)' does not say which version: it could be \(shown.joined(separator: ", ")); ask the packager or read the licence text")
            }
        }
        return .none
    }

    /// A comparison key for licence names: lower case, family names abbreviated, filler words and
    /// punctuation dropped, bare major versions written as `N.0`, "or later" as a trailing `plus`.
    static func key(_ name: String) -> String {
        var text = " " + name.lowercased() + " "
        text = text.replacingOccurrences(of: "licence", with: "license")
        text = text.replacingOccurrences(of: #"\b(agpl|lgpl|gpl|gfdl|fdl|mpl|epl|eupl|cddl|apache|bsd|artistic|osl|afl|cpl|zpl|asl)v?(?=\d)"#,
                                         with: "$1 ", options: .regularExpression)
        text = text.replacingOccurrences(of: #"\bv\.?\s*(?=\d)"#, with: " ", options: .regularExpression)
        text = text.replacingOccurrences(of: "+", with: " plus ")
        text = text.replacingOccurrences(of: #"(\d)\.(?!\d)"#, with: "$1 ", options: .regularExpression)
        text = text.replacingOccurrences(of: #"[^a-z0-9.]+"#, with: " ", options: .regularExpression)
        text = text.replacingOccurrences(of: #"(?<!\d)\.|\.(?!\d)"#, with: " ", options: .regularExpression)
        let phrases: [(String, String)] = [
            (" lesser general public ", " lgpl "), (" library general public ", " lgpl "),
            (" affero general public ", " agpl "), (" general public ", " gpl "), (" gnu lgpl ", " lgpl "),
            (" gnu gpl ", " gpl "), (" gnu agpl ", " agpl "), (" affero gpl ", " agpl "),
            (" free documentation ", " gfdl "), (" gnu fdl ", " gfdl "), (" fdl ", " gfdl "), (" mozilla public ", " mpl "),
            (" eclipse public ", " epl "), (" common development and distribution ", " cddl "),
            (" european union public ", " eupl "), (" boost software ", " bsl "), (" boost ", " bsl "),
            (" academic free ", " afl "), (" open software ", " osl "), (" creative commons ", " cc "),
            (" attribution ", " by "), (" share alike ", " sa "), (" sharealike ", " sa "),
            (" non commercial ", " nc "), (" noncommercial ", " nc "), (" no derivatives ", " nd "),
            (" noderivatives ", " nd "), (" noderivs ", " nd "), (" python software foundation ", " psf "),
            (" public domain ", " publicdomain "), (" simplified bsd ", " bsd 2clause "), (" freebsd ", " bsd 2clause "),
            (" new bsd ", " bsd 3clause "), (" revised bsd ", " bsd 3clause "), (" modified bsd ", " bsd 3clause "),
            (" 2 clause ", " 2clause "), (" 3 clause ", " 3clause "), (" 4 clause ", " 4clause "),
            (" apache software ", " apache "), (" asl ", " apache "), (" mit expat ", " mit "),
        ]
        for (from, to) in phrases {
            while text.contains(from) { text = text.replacingOccurrences(of: from, with: to) }
        }
        let stopwords: Set<String> = ["the", "license", "licensed", "licensing", "licenses", "under", "version", "ver",
                                      "agreement", "terms", "gnu", "osi", "approved", "only", "generic", "unported",
                                      "international", "a", "an", "software", "public"]
        var tokens: [String] = []
        for token in text.split(separator: " ") where !stopwords.contains(String(token)) {
            var word = String(token)
            if word.allSatisfy(\.isNumber), word.count <= 2 { word += ".0" }
            tokens.append(word)
        }
        if let index = tokens.firstIndex(of: "plus"), index != tokens.count - 1 {
            tokens.remove(at: index)
            tokens.append("plus")
        }
        return tokens.joined(separator: " ")
    }

    // Keys (see `key`) of names that are not SPDX identifiers or names. "?" marks an ambiguous name.
    static let aliases: [String: String] = [
        "mit": "MIT", "expat": "MIT", "mit x11": "MIT",
        "bsd": "?BSD-2-Clause BSD-3-Clause BSD-4-Clause",
        "bsd like": "?BSD-2-Clause BSD-3-Clause BSD-4-Clause",
        "bsd 2clause": "BSD-2-Clause", "bsd 3clause": "BSD-3-Clause", "bsd 4clause": "BSD-4-Clause",
        "gpl": "?GPL-2.0-only GPL-2.0-or-later GPL-3.0-only GPL-3.0-or-later",
        "lgpl": "?LGPL-2.1-only LGPL-2.1-or-later LGPL-3.0-only LGPL-3.0-or-later",
        "agpl": "?AGPL-3.0-only AGPL-3.0-or-later",
        "apache": "?Apache-1.1 Apache-2.0",
        "mpl": "?MPL-1.1 MPL-2.0",
        "publicdomain": "LicenseRef-depot-public-domain",
        "proprietary": "LicenseRef-depot-proprietary", "other proprietary": "LicenseRef-depot-proprietary",
        "commercial": "LicenseRef-depot-proprietary", "closed source": "LicenseRef-depot-proprietary",
        "all rights reserved": "LicenseRef-depot-proprietary", "eula": "LicenseRef-depot-proprietary",
        "freeware": "LicenseRef-depot-freeware",
        "cc0": "CC0-1.0", "cc zero": "CC0-1.0", "cc0 1.0 universal": "CC0-1.0",
        "psf": "PSF-2.0", "psf 2.0": "PSF-2.0", "python": "Python-2.0",
        "bsl": "BSL-1.0", "zlib": "Zlib", "zlib libpng": "Zlib", "isc": "ISC", "unlicense": "Unlicense",
        "wtfpl": "WTFPL", "artistic": "Artistic-1.0", "perl": "Artistic-1.0-Perl OR GPL-1.0-or-later",
        "postgresql": "PostgreSQL", "openssl": "OpenSSL", "ruby": "Ruby", "vim": "Vim",
        "eupl 1.2": "EUPL-1.2", "eupl 1.1": "EUPL-1.1",
        "mpl 2.0 no copyleft exception": "MPL-2.0-no-copyleft-exception",
    ]
}
