import Foundation

/// A licence stated in words rather than by copying its text: an `SPDX-License-Identifier:` tag, a GNU
/// notice ("either version 2 of the License, or (at your option) any later version"), a short reference
/// ("Released under the MIT License"), a stated choice between licences, an exception to a licence, or a
/// pointer to Debian's common-licenses.
public struct LicenceStatement: Sendable, Hashable {
    public enum Kind: String, Sendable, Codable {
        /// `SPDX-License-Identifier: …`: the author's own declaration.
        case tag
        /// A GNU licence notice with its version and "or any later version" (or not).
        case gnuNotice = "gnu-notice"
        /// "Licensed under …", "Released under …", a `License:` line or a licence heading.
        case reference
        /// A stated choice between licences ("dual-licensed", "at your option").
        case choice
        /// An exception to a licence ("As a special exception, …").
        case exception
        /// "On Debian systems the complete text … /usr/share/common-licenses/GPL-2": names a text, not a version choice.
        case commonLicences = "common-licenses"
    }

    public let kind: Kind
    public let expression: SPDXExpression
    /// 1-based lines of the statement in the text.
    public let startLine: Int
    public let endLine: Int
    /// For a choice: true when it names no licence itself and chooses between the texts in the file.
    public let choosesBetweenTexts: Bool
}

/// Finds licence statements in a plain text. Cheap: the regular expressions run only when a keyword is present.
public struct LicenceStatementReader: Sendable {
    let reader: DeclaredLicenceReader
    let list: SPDXLicenseList

    /// The installed SPDX list (read once per process), so every identifier on it is known.
    public static let installedList = SPDXLicenseList.installed()

    public init(list: SPDXLicenseList = LicenceStatementReader.installedList) {
        self.list = list
        reader = DeclaredLicenceReader(list: list)
    }

    /// The text with comment markers removed and each line's start offset (UTF-16) kept, so statements
    /// that wrap over comment lines read as one sentence; blank lines stay as paragraph breaks.
    struct Flat {
        let text: NSString
        let lineStarts: [Int]
        func line(of offset: Int) -> Int { ClauseScanner.lineNumber(of: offset, lineStarts: lineStarts) }
    }

    static func flatten(_ lines: [Substring]) -> Flat {
        var output = ""
        var starts: [Int] = []
        var length = 0
        for line in lines {
            starts.append(length)
            var body = line.trimmingCharacters(in: .whitespaces)
            // Comment leaders of the common languages; a block comment's closing marker at the end.
            for leader in ["///", "//", "/*", "/**", "#!", "##", "#", "--", ";;", ";", "%", "dnl ", "REM ", "rem ", "*", "!", "\"", "'", ">"]
                where body.hasPrefix(leader) {
                body = String(body.dropFirst(leader.count)).trimmingCharacters(in: .whitespaces)
                break
            }
            if body.hasSuffix("*/") { body = String(body.dropLast(2)).trimmingCharacters(in: .whitespaces) }
            if body.hasSuffix("-->") { body = String(body.dropLast(3)).trimmingCharacters(in: .whitespaces) }
            let piece = body.isEmpty ? "\n" : body + " "
            output += piece
            length += (piece as NSString).length
        }
        return Flat(text: output as NSString, lineStarts: starts)
    }

    final class Patterns: @unchecked Sendable {
        // NSRegularExpression is immutable once built and safe to share between threads.
        let tag = regex(#"SPDX-License-Identifier\s*:\s*([^\n]+)"#)
        let gnuName = regex(#"\b(?:GNU\s+)?(?:(Lesser|Library|Affero)\s+)?(?:General\s+Public|(Free\s+Documentation))\s+Licen[cs]e"#)
        let version = regex(#"\b(?:version|v\.?)\s*(\d(?:\.\d)?)\b"#)
        let later = regex(#"^(?:\s*\+|[^.\n]{0,60}?\b(?:or|and)\s+(?:\(\s*at\s+your\s+option\s*\)\s+)?(?:any\s+|a\s+)?(?:later|newer|higher|greater|subsequent)\b)"#)
        let reference = regex(#"\b(?:(?:dual|multi)[\s-]+)?(?:licen[cs]ed|released|(?:re)?distributed|available|provided|published|offered|covered|usable|copyrighted)\s+(?:to\s+you\s+)?(?:only\s+)?under\s+(?:the\s+|a\s+|an\s+)?(?:terms\s+(?:and\s+conditions\s+)?of\s+(?:the\s+|a\s+)?)?([^\n]{2,200})"#)
        let licenceLine = regex(#"(?m)^\s*(?:licen[cs]es?|licensing)\s*:\s*([^\n]{2,100})$"#)
        let heading = regex(#"^(?:#{1,6}\s*)?(?:licen[cs]es?|licensing|copyright\s+(?:and|&)\s+licen[cs]e)\s*:?\s*$"#)
        let choice = regex(#"\b(?:dual[\s-]+licen[cs]|multi[\s-]+licen[cs]|(?:licen[cs]ed|available|distributed|released)\s+under\s+(?:the\s+terms\s+of\s+)?either|either\s+of\s+the\s+(?:following|two|above|below)\s+licen[cs]es|your\s+choice\s+of|choose\s+(?:either|one|between|any)|(?:may|can)\s+(?:choose|select|elect)\s+(?:to\s+)?(?:use|either|one|between|which)|at\s+your\s+(?:option|choice|discretion)(?!\)\s+any\s+later))"#)
        let commonLicences = regex(#"/usr/share/common-licenses/([A-Za-z0-9.+_-]+?)[.'’`"]?(?=[\s'’`".,)]|$)"#)
        static func regex(_ source: String) -> NSRegularExpression {
            // The sources are constants: a failure here is a programming error caught by the first test.
            try! NSRegularExpression(pattern: source, options: [.caseInsensitive])
        }
    }
    static let patterns = Patterns()

    /// The exceptions to licences recognised by their wording (a phrase each text always has), with the licence
    /// families they attach to.
    static let exceptionPhrases: [(phrase: String, id: String, families: [String])] = [
        ("give you permission to link this library with independent modules", "Classpath-exception-2.0", ["GPL", "LGPL"]),
        ("gcc runtime library exception", "GCC-exception-3.1", ["GPL"]),
        ("llvm exceptions to the apache 2.0 license", "LLVM-exception", ["Apache"]),
        ("part or all of the bison parser skeleton", "Bison-exception-2.2", ["GPL"]),
        ("configuration script generated by autoconf", "Autoconf-exception-2.0", ["GPL"]),
        ("if you create a document which uses this font", "Font-exception-2.0", ["GPL"]),
        ("this exception does not however invalidate any other reasons why the executable file might be covered", "GCC-exception-2.0", ["GPL"]),
    ]

    /// Every statement in the text (lines as split by the caller, 1-based), in order of appearance.
    public func statements(lines: [Substring]) -> [LicenceStatement] {
        let flat = Self.flatten(lines)
        let text = flat.text
        let lower = (text as String).lowercased()
        var found: [LicenceStatement] = []
        let whole = NSRange(location: 0, length: text.length)
        let patterns = Self.patterns

        if lower.contains("spdx-license-identifier") {
            for (index, raw) in lines.enumerated() where raw.count < 1000 && raw.lowercased().contains("spdx-license-identifier") {
                let line = String(raw)
                guard let match = patterns.tag.firstMatch(in: line, range: NSRange(location: 0, length: (line as NSString).length)) else { continue }
                var value = (line as NSString).substring(with: match.range(at: 1)).trimmingCharacters(in: .whitespaces)
                for closer in ["*/", "-->", "#}", "*}", "]]", "\"", "'", ";", ","] where value.hasSuffix(closer) {
                    value = String(value.dropLast(closer.count)).trimmingCharacters(in: .whitespaces)
                }
                guard let expression = readExpression(value) else { continue }
                found.append(LicenceStatement(kind: .tag, expression: expression, startLine: index + 1, endLine: index + 1, choosesBetweenTexts: false))
            }
        }
        if lower.contains("general public licen") || lower.contains("free documentation licen") {
            found += gnuNotices(flat)
        }
        if lower.contains("under") {
            found += references(flat)
        }
        if lower.contains("licen") {
            found += licenceLines(lines, flat)
        }
        found += choices(flat, lines: lines, lower: lower)
        if lower.contains("exception") || lower.contains("special") {
            for (phrase, id, _) in Self.exceptionPhrases {
                guard let range = lower.range(of: phrase) else { continue }
                let offset = (String(lower[..<range.lowerBound]) as NSString).length
                let line = flat.line(of: offset)
                found.append(LicenceStatement(kind: .exception, expression: .licenseRef(document: nil, ref: id),
                                              startLine: line, endLine: line, choosesBetweenTexts: false))
            }
        }
        if lower.contains("/usr/share/common-licenses/") {
            for match in patterns.commonLicences.matches(in: text as String, range: whole) {
                var name = text.substring(with: match.range(at: 1))
                while name.hasSuffix(".") { name.removeLast() }
                guard let id = LicenceLibrary.debianNames[name] ?? (name.hasSuffix("+") ? nil : list.licence(name)?.id) else { continue }
                let line = flat.line(of: match.range.location)
                found.append(LicenceStatement(kind: .commonLicences, expression: .license(id: id, orLater: false),
                                              startLine: line, endLine: line, choosesBetweenTexts: false))
            }
        }
        return found.sorted { ($0.startLine, $0.endLine) < ($1.startLine, $1.endLine) }
    }

    /// An SPDX expression as written in a tag, or read loosely ("GPL-2.0+ or MIT") when it is not strict SPDX.
    func readExpression(_ value: String) -> SPDXExpression? {
        guard !value.isEmpty, value.count < 400 else { return nil }
        if let strict = try? SPDXExpressionParser(list: list, allowUnknownIdentifiers: false).parse(value) { return strict }
        let declared = reader.read(value)
        if let expression = declared.expression { return expression }
        // LicenseRef-… and identifiers newer than the installed list are kept as written.
        return try? SPDXExpressionParser(list: list, allowUnknownIdentifiers: true).parse(value)
    }

    /// The sentence around an offset: from the previous sentence end (or paragraph) to the next one.
    static func sentenceStart(_ text: NSString, before offset: Int, limit: Int = 240) -> Int {
        var start = offset
        while start > 0, offset - start < limit {
            let unit = text.character(at: start - 1)
            if unit == 0x0A { break }
            if unit == 0x2E || unit == 0x21 || unit == 0x3F, start < text.length, text.character(at: start) == 0x20 {
                // "Inc." and "e.g." do not end a sentence that carries on in lower case.
                break
            }
            start -= 1
        }
        return start
    }

    static func sentenceEnd(_ text: NSString, after offset: Int, limit: Int = 400) -> Int {
        var end = offset
        while end < text.length, end - offset < limit {
            let unit = text.character(at: end)
            if unit == 0x0A { break }
            if unit == 0x2E || unit == 0x21 || unit == 0x3F {
                let next = end + 1 < text.length ? text.character(at: end + 1) : 0x20
                if next == 0x20 || next == 0x0A {
                    // "Inc., 51 Franklin Street" and "v. 2" go on.
                    let word = text.substring(with: NSRange(location: max(0, end - 4), length: min(4, end))).lowercased()
                    if unit == 0x2E, word.hasSuffix("inc") || word.hasSuffix(" v") || word.hasSuffix("ver") { end += 1; continue }
                    break
                }
            }
            end += 1
        }
        return end
    }

    static let licensingVerbs = ["under", "licensed", "licenced", "released", "distributed", "redistribute", "covered",
                                 "subject to", "governed", "terms of", "free software", "available", "licensable", "license:", "licence:"]

    func gnuNotices(_ flat: Flat) -> [LicenceStatement] {
        let text = flat.text
        let patterns = Self.patterns
        var found: [LicenceStatement] = []
        var consumedUntil = 0
        for match in patterns.gnuName.matches(in: text as String, range: NSRange(location: 0, length: text.length)) {
            guard match.range.location >= consumedUntil else { continue }
            let start = Self.sentenceStart(text, before: match.range.location)
            let before = text.substring(with: NSRange(location: start, length: match.range.location - start)).lowercased()
            guard Self.licensingVerbs.contains(where: before.contains) else { continue }
            let afterName = match.range.location + match.range.length
            let end = Self.sentenceEnd(text, after: afterName)
            let sentence = NSRange(location: afterName, length: end - afterName)
            guard let version = patterns.version.firstMatch(in: text as String, range: sentence) else { continue }
            // The version must belong to this licence, not to a second one named later in the sentence.
            let between = text.substring(with: NSRange(location: afterName, length: version.range.location - afterName)).lowercased()
            if between.contains("public licen") { continue }
            let number = text.substring(with: version.range(at: 1))
            var qualifier = match.range(at: 1).location == NSNotFound ? "" : text.substring(with: match.range(at: 1)).lowercased()
            if match.range(at: 2).location != NSNotFound { qualifier = "documentation" }
            let family: String
            switch (qualifier, number) {
            case ("", "1"), ("", "1.0"): family = "GPL-1.0"
            case ("", "2"), ("", "2.0"): family = "GPL-2.0"
            case ("", "3"), ("", "3.0"): family = "GPL-3.0"
            case ("library", "2"), ("library", "2.0"): family = "LGPL-2.0"
            // "Lesser … version 2" is written as version 2: SPDX's 2.0 (Debian's LGPL-2), not 2.1.
            case ("lesser", "2"), ("lesser", "2.0"): family = "LGPL-2.0"
            case ("library", "2.1"), ("lesser", "2.1"): family = "LGPL-2.1"
            case ("lesser", "3"), ("lesser", "3.0"), ("library", "3"), ("library", "3.0"): family = "LGPL-3.0"
            case ("affero", "3"), ("affero", "3.0"): family = "AGPL-3.0"
            case ("affero", "1"), ("affero", "1.0"): family = "AGPL-1.0"
            case ("documentation", "1.1"): family = "GFDL-1.1"
            case ("documentation", "1.2"): family = "GFDL-1.2"
            case ("documentation", "1.3"): family = "GFDL-1.3"
            default: continue
            }
            let versionEnd = version.range.location + version.range.length
            let rest = NSRange(location: versionEnd, length: max(0, end - versionEnd))
            // A sentence cut off before it says whether later versions apply ("either version 3 of the License, or") says neither.
            let tail = text.substring(with: rest).lowercased().trimmingCharacters(in: .whitespacesAndNewlines)
            if end >= text.length - 1, ["or", "and", "either", "any", "at", "your", "option", "(at", ","].contains(where: { tail.hasSuffix($0) }) { continue }
            let orLater = patterns.later.firstMatch(in: text as String, options: [.anchored], range: rest) != nil
            let id = family + (orLater ? "-or-later" : "-only")
            guard list.licence(id) != nil || family == "AGPL-1.0" else { continue }
            let expression: SPDXExpression = list.licence(id) != nil ? .license(id: id, orLater: false) : .license(id: family, orLater: orLater)
            found.append(LicenceStatement(kind: .gnuNotice, expression: expression, startLine: flat.line(of: start),
                                          endLine: flat.line(of: max(start, end - 1)), choosesBetweenTexts: false))
            consumedUntil = end
        }
        return found
    }

    static let referenceTerminators = [". ", "; ", " (", ": ", " - ", " – ", " — ", ", see", " see ", " as published", " as described",
                                       " which ", " that ", " found ", " included ", " in the ", " in this ", " for ", " with the ",
                                       " unless ", " except ", " without ", " if ", " and/or ", " you ", " <", " http", " [", ", a copy",
                                       ", the text", ", whose", ", which", ", available", ", version of", " copyright", "\n"]

    func references(_ flat: Flat) -> [LicenceStatement] {
        let text = flat.text
        var found: [LicenceStatement] = []
        for match in Self.patterns.reference.matches(in: text as String, range: NSRange(location: 0, length: text.length)) {
            let opening = text.substring(with: match.range).lowercased()
            let captured = text.substring(with: match.range(at: 1))
            let sentenceBegin = Self.sentenceStart(text, before: match.range.location)
            let lead = text.substring(with: NSRange(location: sentenceBegin, length: match.range.location - sentenceBegin)).lowercased()
            // GNU notices are read with their versions elsewhere.
            if captured.lowercased().contains("general public licen") || captured.lowercased().contains("documentation licen") { continue }
            guard let expression = readNames(captured, choice: opening.contains("dual") || opening.contains("multi")
                                                || lead.contains("dual") || opening.contains("either")) else { continue }
            let line = flat.line(of: match.range.location)
            let endLine = flat.line(of: match.range(at: 1).location + min(match.range(at: 1).length, captured.count) - 1)
            found.append(LicenceStatement(kind: .reference, expression: expression, startLine: line, endLine: max(line, endLine),
                                          choosesBetweenTexts: false))
        }
        return found
    }

    /// Reads the licence names at the start of `raw` ("the MIT License and may be…", "either Apache-2.0 or MIT at your
    /// option"); nil unless every name reads as a licence.
    func readNames(_ raw: String, choice: Bool) -> SPDXExpression? {
        var text = " " + raw.replacingOccurrences(of: "\u{201C}", with: "\"").replacingOccurrences(of: "\u{201D}", with: "\"") + " "
        let lower = text.lowercased()
        var cut = text.endIndex
        for terminator in Self.referenceTerminators {
            if let range = lower.range(of: terminator), range.lowerBound < cut,
               // "Version 2.0 (the "License")" ends at the parenthesis; "v2.0. " ends at the full stop.
               !(terminator == ". " && lower[..<range.lowerBound].hasSuffix(" v")) {
                cut = text.index(text.startIndex, offsetBy: lower.distance(from: lower.startIndex, to: range.lowerBound))
            }
        }
        text = String(text[..<cut]).trimmingCharacters(in: .whitespaces)
        while let last = text.last, ".,;:\"'".contains(last) { text.removeLast() }
        guard !text.isEmpty, text.count <= 120 else { return nil }
        var isChoice = choice
        var body = text
        for lead in ["either of ", "either ", "one of ", "any of ", "the terms of either ", "your choice of "] where body.lowercased().hasPrefix(lead) {
            body = String(body.dropFirst(lead.count))
            isChoice = true
        }
        if body.lowercased().contains(" or ") { isChoice = true }
        // "Apache License, Version 2.0" is one name.
        body = body.replacingOccurrences(of: #",\s+(version|v)(?=[\s\d])"#, with: " $1", options: [.regularExpression, .caseInsensitive])
        if body.lowercased().contains("at your option") || body.lowercased().contains("your choice") { isChoice = true }
        for filler in [" at your option", " at your choice", ", at your option"] {
            body = body.replacingOccurrences(of: filler, with: "", options: .caseInsensitive)
        }
        // "GPL version 2 or later" is one licence, not a choice.
        body = body.replacingOccurrences(of: #",?\s+or\s+(\(at your option\)\s+)?(any\s+)?(later|newer|greater)(\s+versions?)?"#,
                                         with: "+", options: [.regularExpression, .caseInsensitive])
        if !body.lowercased().contains(" or ") && !choice { isChoice = body.lowercased().hasPrefix("either") || isChoice }
        let parts = body.replacingOccurrences(of: #"\s+(?:or|and|&)\s+(?:the\s+)?|\s*,\s*(?:or\s+|and\s+)?(?:the\s+)?|\s*/\s*"#, with: "\u{1}",
                                              options: [.regularExpression, .caseInsensitive])
            .split(separator: "\u{1}").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !parts.isEmpty, parts.count <= 4 else { return nil }
        var operands: [SPDXExpression] = []
        for part in parts {
            guard let expression = readName(part) else { return nil }
            operands.append(expression)
        }
        if operands.count == 1 { return operands[0] }
        return isChoice ? SPDXExpression.anyOf(operands) : SPDXExpression.allOf(operands)
    }

    /// One licence named by its identifier or name; nil for anything vague ("BSD", "GPL", "the License").
    func readName(_ raw: String) -> SPDXExpression? {
        var name = raw.trimmingCharacters(in: .whitespaces)
        if name.lowercased().hasPrefix("the ") { name = String(name.dropFirst(4)) }
        if name.lowercased().hasPrefix("terms of the ") { name = String(name.dropFirst(13)) }
        guard !name.isEmpty, name.split(separator: " ").count <= 10 else { return nil }
        let lowered = name.lowercased()
        // A licence name says "licence", or is an identifier-like word (MIT, Apache-2.0, CC-BY-4.0, GPLv3+).
        let wordy = lowered.contains("licen") || lowered.contains("public domain") || lowered.contains("creative commons")
            || lowered.contains("gpl")
        guard wordy || !name.contains(" ") || name.split(separator: " ").count <= 3 else { return nil }
        guard let expression = reader.read(name).expression else { return nil }
        for id in expression.identifiers where id.hasPrefix("LicenseRef-depot-proprietary") || id.hasPrefix("LicenseRef-depot-freeware") {
            _ = id
            return nil
        }
        return expression
    }

    /// `License: MIT` lines and a licence heading followed by a short line naming the licence ("## License\n\nMIT © …").
    func licenceLines(_ lines: [Substring], _ flat: Flat) -> [LicenceStatement] {
        var found: [LicenceStatement] = []
        for (index, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard line.count <= 120, line.lowercased().contains("licen") else { continue }
            let ns = line as NSString
            if let match = Self.patterns.licenceLine.firstMatch(in: line, range: NSRange(location: 0, length: ns.length)) {
                let value = ns.substring(with: match.range(at: 1))
                if let expression = readDeclared(value) {
                    found.append(LicenceStatement(kind: .reference, expression: expression, startLine: index + 1, endLine: index + 1,
                                                  choosesBetweenTexts: false))
                }
                continue
            }
            guard Self.patterns.heading.firstMatch(in: line, range: NSRange(location: 0, length: ns.length)) != nil else { continue }
            var next = index + 1
            while next < lines.count, lines[next].trimmingCharacters(in: .whitespaces).isEmpty || lines[next].allSatisfy({ "=-~ ".contains($0) }) {
                next += 1
            }
            guard next < lines.count, next - index <= 3 else { continue }
            var value = lines[next].trimmingCharacters(in: .whitespaces)
            // "[MIT](LICENSE) © Jane", "MIT © Jane", "MIT, see LICENSE".
            value = value.replacingOccurrences(of: #"\[([^\]]+)\]\([^)]*\)"#, with: "$1", options: .regularExpression)
            for marker in ["©", "(c)", "(C)", "Copyright", " - ", ", see", " see ", " - see"] {
                if let range = value.range(of: marker) { value = String(value[..<range.lowerBound]) }
            }
            value = value.trimmingCharacters(in: CharacterSet(charactersIn: " .*_`"))
            guard !value.isEmpty, value.count <= 60, let expression = readDeclared(value) else { continue }
            found.append(LicenceStatement(kind: .reference, expression: expression, startLine: next + 1, endLine: next + 1,
                                          choosesBetweenTexts: false))
        }
        return found
    }

    /// A value that is only a licence declaration (`MIT`, `Apache-2.0 OR MIT`, `BSD 3-Clause`), nothing else.
    func readDeclared(_ value: String) -> SPDXExpression? {
        let trimmed = value.trimmingCharacters(in: CharacterSet(charactersIn: " .*_`\"'"))
        guard !trimmed.isEmpty, trimmed.split(separator: " ").count <= 8 else { return nil }
        let declared = reader.read(trimmed)
        guard declared.reading != .unrecognised, declared.reading != .ambiguous, let expression = declared.expression else { return nil }
        if expression.identifiers.contains(where: { $0.hasPrefix("LicenseRef-depot-proprietary") || $0.hasPrefix("LicenseRef-depot-freeware") }) {
            return nil
        }
        return expression
    }

    /// Choice statements that name no licence themselves ("you may use this under either licence below, at your
    /// option"): they make the licence texts in the file alternatives.
    func choices(_ flat: Flat, lines: [Substring], lower: String) -> [LicenceStatement] {
        guard ["dual", "multi", "either", "choice", "choose", "option", "select", "elect"].contains(where: lower.contains) else { return [] }
        let text = flat.text
        var found: [LicenceStatement] = []
        for match in Self.patterns.choice.matches(in: text as String, range: NSRange(location: 0, length: text.length)) {
            let phrase = text.substring(with: match.range).lowercased()
            let start = Self.sentenceStart(text, before: match.range.location)
            let end = Self.sentenceEnd(text, after: match.range.location + match.range.length)
            let sentence = text.substring(with: NSRange(location: start, length: end - start)).lowercased()
            // A GNU notice's "or (at your option) any later version" is a version choice, read with the notice.
            if sentence.contains("later version") || sentence.contains("any later") { continue }
            let line = flat.line(of: match.range.location)
            // "Licensed under either of" followed by a list of licences, one per item.
            var items: [SPDXExpression] = []
            var lastItem = line
            var index = line
            while index < lines.count, index < line + 14 {
                let item = lines[index].trimmingCharacters(in: .whitespaces)
                index += 1
                if item.isEmpty { continue }
                guard let marker = item.range(of: #"^(?:[-*•+]|\d+[.)]|\([a-z0-9]\))\s+"#, options: .regularExpression) else {
                    if items.isEmpty { continue } else { break }
                }
                guard let expression = readNames(String(item[marker.upperBound...]), choice: false) else { break }
                items.append(expression)
                lastItem = index
            }
            if items.count >= 2, let expression = SPDXExpression.anyOf(items) {
                found.append(LicenceStatement(kind: .choice, expression: expression, startLine: flat.line(of: start), endLine: lastItem,
                                              choosesBetweenTexts: false))
                continue
            }
            if phrase.hasPrefix("at your") && !sentence.contains("licen") { continue }
            found.append(LicenceStatement(kind: .choice, expression: .licenseRef(document: nil, ref: "LicenseRef-depot-choice"),
                                          startLine: flat.line(of: start), endLine: flat.line(of: max(start, end - 1)),
                                          choosesBetweenTexts: true))
        }
        return found
    }
}
