/// Finds licences in texts by comparing word 3-grams with the reference library.
///
/// Each reference is scored by containment: the share of its required 3-grams found in one region of
/// the input (`coverage`). Overlapping candidates are resolved in favour of the one that explains
/// the text best (matched minus missing 3-grams), so a BSD-3-Clause text is not called BSD-2-Clause
/// and MIT-0 is not called MIT. Anything that is not clearly one licence becomes
/// `LicenseRef-depot-unknown-<hash>` for a person to read: the detector abstains rather than guess.
public struct LicenceDetector: Sendable {
    public let library: LicenceLibrary
    public let clauseScanner: ClauseScanner
    let statementReader: LicenceStatementReader
    let hash: @Sendable (String) -> String

    /// Named matches have at least this confidence; anything less is reported as unknown.
    public static let confidentThreshold = 0.8
    /// The prefix of identifiers given to text that matches no reference well enough.
    public static let unknownPrefix = "LicenseRef-depot-unknown-"
    /// A copy that adds this many words (outside its copyright lines) to a licence is no longer that licence.
    static let maximumAddedWords = 20
    /// Added runs shorter than this (in words) are placeholders and small edits, not differences, unless they restrict.
    static let minimumDifferenceWords = 8
    /// Removed runs of the reference shorter than this are not shown.
    static let minimumRemovedWords = 5
    /// The highest confidence of a named licence whose copy is modified.
    static let modifiedConfidence = 0.9
    /// Candidate regions below this coverage are ignored altogether.
    static let minimumCoverage = 0.2
    /// Files larger than this are read only up to it: licences are not megabytes long.
    public static let maximumTextBytes = 1 << 20

    /// `hash` names unknown texts (hex digest of the text); SHA-256 by default.
    public init(library: LicenceLibrary, clauseScanner: ClauseScanner = ClauseScanner(),
                hash: @escaping @Sendable (String) -> String = LicenceHash.sha256Hex) {
        self.library = library
        self.clauseScanner = clauseScanner
        self.statementReader = LicenceStatementReader()
        self.hash = hash
    }

    /// The licences in one text, in order of appearance.
    public func detect(text: String, file: String) -> [LicenceMatch] {
        analyse(text, file: file).matches
    }

    /// Detects licences and flags clauses in several files (bytes as read; RTF and HTML are converted).
    public func detect(files: [(path: String, bytes: [UInt8])]) -> LicenceReport {
        var matches: [LicenceMatch] = []
        var clauses: [LicenceClause] = []
        var results: [LicenceFileResult] = []
        for (path, bytes) in files {
            let text = Self.text(path: path, bytes: bytes)
            let analysis = analyse(text, file: path)
            matches += analysis.matches
            clauses += clauseScanner.scan(text: text, file: path, skippingLines: analysis.namedLines)
            results.append(LicenceFileResult(file: path, expression: Self.expression(of: analysis.matches),
                                             unknown: analysis.matches.filter { !$0.isConfident }.count))
        }
        return LicenceReport(expression: Self.expression(of: matches), matches: matches, clauses: clauses, files: results)
    }

    /// The plain text of a licence file in any supported format, bounded in size.
    public static func text(path: String, bytes: [UInt8]) -> String {
        let bounded = bytes.count > maximumTextBytes ? Array(bytes.prefix(maximumTextBytes)) : bytes
        return LicenceTextFormat.plainText(bounded, format: LicenceTextFormat.sniff(path: path, bytes: bounded))
    }

    /// The expression of the findings, as a person would write it: the AND of every distinct one in order of first
    /// appearance, where a licence that is one side of a stated choice, or that carries a stated exception, is
    /// written only there (`MIT OR Apache-2.0`, not `MIT AND (MIT OR Apache-2.0)`).
    public static func expression(of matches: [LicenceMatch]) -> SPDXExpression? {
        // A licence text, notice or reference that is one side of a choice stated in the same findings is that
        // choice's text; a DEP-5 field or a tag is a declaration of its own and stays.
        let explained: Set<LicenceMatch.Rule> = [.text, .notice, .reference, .gnuNotice, .commonLicences]
        return combined(matches.compactMap { match in parsedID(match.id).map { ($0, explained.contains(match.rule ?? .text)) } })
    }

    /// The AND of expressions without repeats; an operand marked `explainable` is left out where it is one side of a
    /// stated choice among the others.
    static func combined(_ expressions: [(SPDXExpression, Bool)]) -> SPDXExpression? {
        var operands: [(expression: SPDXExpression, explainable: Bool)] = []
        func isSameChoice(_ a: SPDXExpression, _ b: SPDXExpression) -> Bool {
            guard case .or(let left) = a, case .or(let right) = b else { return false }
            return left.count == right.count && Set(left.map(\.description)) == Set(right.map(\.description))
        }
        for (expression, explainable) in expressions {
            let parts: [SPDXExpression]
            if case .and(let inner) = expression { parts = inner } else { parts = [expression] }
            // "MIT OR Apache-2.0" and "Apache-2.0 OR MIT" are one choice, written as first found.
            for part in parts {
                if let index = operands.firstIndex(where: { $0.expression == part || isSameChoice($0.expression, part) }) {
                    operands[index].explainable = operands[index].explainable && explainable
                } else {
                    operands.append((part, explainable))
                }
            }
        }
        let kept = operands.filter { operand in
            guard operand.explainable else { return true }
            return !operands.contains { other in
                guard case .or(let alternatives) = other.expression, other.expression != operand.expression else { return false }
                return alternatives.contains(operand.expression)
            }
        }.map(\.expression)
        return SPDXExpression.allOf(kept)
    }

    struct Analysis {
        var matches: [LicenceMatch]
        /// Lines inside named licences: clause flags there would only repeat the licence's own words.
        var namedLines: Set<Int>
        /// The spans of the named licence texts (for finding what a copy added or left out).
        var spans: [Span]
    }

    struct Span {
        var reference: Int
        var firstToken: Int
        var lastToken: Int
        var hits: Int
        var matchedCore: Int
        var coverage: Double
        var score: Int
        var density: Double
        var required: Double
        var confident: Bool { coverage >= required }
        var rival: Int?
    }

    /// Reads one text: a Debian machine-readable copyright file by its fields; anything else by its licence texts
    /// and statements, with the licence-like text left over as unknown. `structured: false` reads a text only
    /// (a DEP-5 stand-alone licence paragraph).
    func analyse(_ text: String, file: String, structured: Bool = true) -> Analysis {
        // "\r\n" is one Character in Swift, so both spellings of a line end are separators.
        let rawLines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        if structured, DebianCopyright.isMachineReadable(rawLines) {
            return Analysis(matches: DebianCopyright.matches(lines: rawLines, file: file, detector: self, reader: statementReader.reader),
                            namedLines: [], spans: [])
        }
        let normalised = LicenceNormaliser.normalise(text)
        let spans = resolve(referenceHits(normalised))
        var textMatches: [(match: LicenceMatch, isNotice: Bool, span: Span)] = []
        var addedLines = Set<Int>()
        var covered = [Bool](repeating: false, count: normalised.lineCount + 2)
        func isBlank(_ line: Int) -> Bool {
            line >= 1 && line <= normalised.wordsPerLine.count && normalised.wordsPerLine[line - 1] == 0
                && !normalised.copyrightLines.contains(Int32(line))
        }
        func region(_ first: Int, _ last: Int) -> String {
            rawLines[min(max(0, first - 1), rawLines.count)..<min(max(last, first - 1), rawLines.count)].joined(separator: "\n")
        }

        for span in spans.sorted(by: { $0.firstToken < $1.firstToken }) {
            let reference = library.references[span.reference]
            var start = Int(normalised.lines[span.firstToken])
            let end = Int(normalised.lines[min(span.lastToken, normalised.lines.count - 1)])
            // Take in the title, copyright lines and blank lines just above the text.
            var textLines = 0
            var steps = 0
            while start > 1, steps < 12, textLines < 4, !covered[start - 1] {
                let previous = start - 1
                let words = normalised.wordsPerLine[previous - 1]
                let copyright = normalised.copyrightLines.contains(Int32(previous))
                guard words <= 6 || copyright else { break }
                // Two blank lines in a row end the block the licence belongs to.
                if words == 0, !copyright, previous > 1, isBlank(previous - 1) { break }
                if words > 0 || copyright { textLines += 1 }
                start = previous
                steps += 1
            }
            while start < end, isBlank(start) { start += 1 }
            for line in start...end { covered[line] = true }

            var confidence = span.coverage * min(1, span.density / 0.85)
            if span.rival != nil { confidence = min(confidence, 0.6) }
            confidence = (confidence * 1000).rounded() / 1000
            let coverage = (min(1, span.coverage) * 1000).rounded() / 1000
            let isNotice = reference.source.hasSuffix("#notice")
            if confidence >= Self.confidentThreshold, span.coverage >= reference.requiredCoverage {
                // A copy with sentences added or left out is reported as modified; one that adds a restriction, or
                // much text, is not the licence it resembles (CC-BY-NC is not CC-BY, JSON is not MIT).
                let changes = differences(normalised, span: span, rawLines: rawLines)
                // Short insertions count only when they restrict (JSON's "shall be used for Good, not Evil"); a kind of
                // clause the reference itself has (GPL's termination) is not news on an edited line of it.
                let candidates = changes.added
                let candidateText = candidates.map(\.text).joined(separator: "\n\n")
                let ownKinds = candidates.isEmpty ? [] : Set(clauseScanner.scan(text: reference.text, file: file).map(\.kind))
                let restricts = !candidates.isEmpty && clauseScanner.scan(text: candidateText, file: file)
                    .contains(where: { $0.kind.isRestriction && !ownKinds.contains($0.kind) })
                let added = restricts ? candidates : candidates.filter { $0.words >= Self.minimumDifferenceWords }
                // Many short insertions add up: BSD-4's advertising clause shares words with BSD-3 and comes in pieces.
                let addedWords = max(added.reduce(0) { $0 + $1.words }, candidates.reduce(0) { $0 + $1.words })
                for difference in added {
                    guard let line = difference.line else { continue }
                    for offset in 0..<max(1, difference.lines) { addedLines.insert(line + offset) }
                }
                let all = added + changes.removed
                if restricts || addedWords >= Self.maximumAddedWords {
                    textMatches.append((LicenceMatch(id: unknownID(region(start, end)), file: file, startLine: start, endLine: end,
                                                     coverage: coverage, confidence: 0, rule: .unknown, nearest: reference.id,
                                                     differences: all), isNotice, span))
                    continue
                }
                if !all.isEmpty { confidence = min(confidence, Self.modifiedConfidence) }
                textMatches.append((LicenceMatch(id: reference.id, file: file, startLine: start, endLine: end, coverage: coverage,
                                                 confidence: confidence, rule: isNotice ? .notice : .text,
                                                 differences: all.isEmpty ? nil : all), isNotice, span))
            } else {
                textMatches.append((LicenceMatch(id: unknownID(region(start, end)), file: file, startLine: start, endLine: end,
                                                 coverage: coverage, confidence: 0, rule: .unknown, nearest: reference.id), isNotice, span))
            }
        }

        // Statements: a full licence text's own wording ("Licensed under the Apache License" in Apache's appendix)
        // is part of that text, not a statement; a statement read precisely replaces a notice matched as text.
        var statements = statementReader.statements(lines: rawLines).filter { statement in
            statement.kind == .tag || !textMatches.contains { !$0.isNotice && $0.match.startLine <= statement.startLine
                && $0.match.endLine >= statement.endLine }
        }
        let statementLines = statements.filter { $0.kind != .choice && $0.kind != .exception && $0.kind != .commonLicences }
        textMatches.removeAll { text in
            let overlapping = statementLines.filter { $0.startLine <= text.match.endLine && $0.endLine >= text.match.startLine }
            guard !overlapping.isEmpty else { return false }
            if text.isNotice { return true }
            // Unknown text that a statement explains (a GNU notice with edited wording) is the statement.
            guard !text.match.isConfident else { return false }
            let lines = Set(overlapping.flatMap { Array($0.startLine...$0.endLine) })
            let span = text.match.endLine - text.match.startLine + 1
            return Double(lines.count) >= 0.5 * Double(span) || span <= 16
        }
        var matches = textMatches.map(\.match)
        var namedLines = Set<Int>()
        for text in textMatches where text.match.isConfident {
            for line in text.match.startLine...text.match.endLine { namedLines.insert(line) }
        }
        var fullTextLines = [Bool](repeating: false, count: normalised.lineCount + 2)
        for text in textMatches where !text.isNotice {
            for line in text.match.startLine...min(text.match.endLine, normalised.lineCount) { fullTextLines[line] = true }
        }
        // A pointer to common-licenses only names a text; a notice of the same licence says which version.
        let stated = statements.filter { $0.kind != .commonLicences && $0.kind != .choice && $0.kind != .exception }
            .flatMap(\.expression.identifiers) + matches.filter(\.isConfident).map(\.id)
        statements.removeAll { statement in
            statement.kind == .commonLicences && statement.expression.identifiers.allSatisfy { id in
                stated.contains { Self.family($0) == Self.family(id) }
            }
        }
        var choiceLines: [(Int, Int)] = []
        var exceptions: [LicenceStatement] = []
        for statement in statements {
            let lastLine = min(statement.endLine, normalised.lineCount)
            switch statement.kind {
            case .choice where statement.choosesBetweenTexts:
                choiceLines.append((statement.startLine, statement.endLine))
                if statement.startLine <= lastLine { for line in statement.startLine...lastLine { covered[line] = true } }
                continue
            case .exception:
                exceptions.append(statement)
                continue
            default:
                break
            }
            if statement.startLine <= lastLine { for line in statement.startLine...lastLine { covered[line] = true } }
            let id = statement.expression.description
            // The same licence already found on these lines (Apache's notice as text and as a statement) is one finding.
            if matches.contains(where: { $0.id == id && $0.startLine <= statement.endLine && $0.endLine >= statement.startLine }) { continue }
            let rule: LicenceMatch.Rule
            let confidence: Double
            switch statement.kind {
            case .tag: (rule, confidence) = (.tag, 1.0)
            case .gnuNotice: (rule, confidence) = (.gnuNotice, 0.97)
            case .commonLicences: (rule, confidence) = (.commonLicences, 0.85)
            case .choice: (rule, confidence) = (.choice, 0.9)
            default: (rule, confidence) = (.reference, 0.9)
            }
            matches.append(LicenceMatch(id: id, file: file, startLine: statement.startLine, endLine: statement.endLine,
                                        coverage: 1, confidence: confidence, rule: rule))
        }
        // An exception attaches to the licence it modifies; the paragraph it sits in is its text.
        for exception in exceptions {
            guard let exceptionID = exception.expression.identifiers.first,
                  let families = LicenceStatementReader.exceptionPhrases.first(where: { $0.id == exceptionID })?.families else { continue }
            var line = exception.startLine
            while line > 1, !isBlank(line - 1), !fullTextLines[line - 1] { line -= 1 }
            var last = exception.endLine
            while last < normalised.lineCount, !isBlank(last + 1), !fullTextLines[last + 1] { last += 1 }
            let bases = Array(Set(matches.filter { $0.isConfident && !$0.id.contains(" ") && families.contains(Self.family($0.id)) }.map(\.id))).sorted()
            guard !bases.isEmpty else { continue }
            for l in line...last { covered[l] = true }
            matches = matches.map { match in
                bases.contains(match.id) ? match.with(id: "\(match.id) WITH \(exceptionID)") : match
            }
            for base in bases {
                matches.append(LicenceMatch(id: "\(base) WITH \(exceptionID)", file: file, startLine: line, endLine: last,
                                            coverage: 1, confidence: 0.95, rule: .exception))
            }
        }
        // A choice that names no licence makes the texts and references in the file alternatives.
        if let (first, last) = choiceLines.first {
            let named = matches.filter { $0.isConfident && $0.rule != .exception }
            var operands: [SPDXExpression] = []
            for match in named {
                guard let expression = Self.parsedID(match.id) else { continue }
                if !operands.contains(expression) { operands.append(expression) }
            }
            if operands.count >= 2, !operands.contains(where: { if case .or = $0 { return true } else { return false } }),
               let choice = SPDXExpression.anyOf(operands) {
                matches.append(LicenceMatch(id: choice.description, file: file, startLine: first, endLine: last,
                                            coverage: 1, confidence: 0.9, rule: .choice))
            }
        }

        // Text outside every finding: only licence-like paragraphs are terms a person must read; a description,
        // a changelog or a heading is not.
        var line = 1
        while line <= normalised.lineCount {
            guard !covered[line] else { line += 1; continue }
            var last = line
            while last <= normalised.lineCount, !covered[last] { last += 1 }
            for (first, final) in LicenceLikeness.regions(lines: rawLines, from: line, through: last - 1, isBlank: isBlank) {
                matches.append(LicenceMatch(id: unknownID(region(first, final)), file: file, startLine: first, endLine: final,
                                            coverage: 0, confidence: 0, rule: .unknown, nearest: nil))
            }
            line = last
        }
        matches.sort { ($0.startLine, $0.endLine) < ($1.startLine, $1.endLine) }
        return Analysis(matches: matches, namedLines: namedLines.subtracting(addedLines), spans: textMatches.filter(\.match.isConfident).map(\.span))
    }

    /// The licence family an identifier belongs to: `GPL-2.0-or-later` → `GPL`, `Apache-2.0` → `Apache`, `MIT` → `MIT`.
    static func family(_ id: String) -> String {
        var family = ""
        var previous: Character = " "
        for character in id {
            if character.isNumber, previous == "-" || previous == "v" { break }
            family.append(character)
            previous = character
        }
        while family.hasSuffix("-") { family.removeLast() }
        return family
    }

    static func parsedID(_ id: String) -> SPDXExpression? {
        if id.hasPrefix("LicenseRef-"), !id.contains(" ") { return .licenseRef(document: nil, ref: id) }
        return try? SPDXExpressionParser(list: .builtIn, allowUnknownIdentifiers: true).parse(id)
    }

    /// What a copy of a reference added (runs of words not in the reference, with their lines) and left out (runs of
    /// the reference's words missing from the copy, as the reference writes them).
    func differences(_ normalised: NormalisedText, span: Span, rawLines: [Substring])
        -> (added: [LicenceDifference], removed: [LicenceDifference]) {
        let reference = library.references[span.reference]
        let (referenceWords, referenceLines, optionalFrom) = LicenceLibrary.referenceWords(reference.text)
        guard referenceWords.count >= 3 else { return ([], []) }
        var referenceShingles = Set<UInt64>()
        var shingleAt = [UInt64](repeating: 0, count: referenceWords.count)
        for index in 0..<(referenceWords.count - 2) {
            let (a, b, c) = (referenceWords[index], referenceWords[index + 1], referenceWords[index + 2])
            if a == NormalisedText.gap || b == NormalisedText.gap || c == NormalisedText.gap { continue }
            let value = LicenceLibrary.shingle(a, b, c)
            shingleAt[index] = value
            referenceShingles.insert(value)
        }
        let words = normalised.words
        let first = max(0, span.firstToken)
        let last = min(span.lastToken, words.count - 1)
        guard last - first >= 3 else { return ([], []) }
        // Text from the reference's appendix on ("How to apply these terms", with its placeholders) is optional.
        let appendix: UInt64? = optionalFrom + 2 < referenceWords.count ? shingleAt[optionalFrom] : nil
        var requiredEnd = last
        var matched = [Bool](repeating: false, count: last - first + 1)
        var inputShingles = Set<UInt64>()
        for index in first...(last - 2) {
            let value = LicenceLibrary.shingle(words[index], words[index + 1], words[index + 2])
            inputShingles.insert(value)
            if let appendix, value == appendix, requiredEnd == last { requiredEnd = index }
            if referenceShingles.contains(value) {
                for offset in 0..<3 { matched[index - first + offset] = true }
            }
        }
        func collapsed(_ text: String) -> String {
            let joined = text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
            return joined.count > 300 ? String(joined.prefix(299)) + "…" : joined
        }
        var added: [LicenceDifference] = []
        var index = 0
        let limit = min(matched.count, requiredEnd - first + 1)
        while index < limit {
            guard !matched[index] else { index += 1; continue }
            var end = index
            while end + 1 < limit, !matched[end + 1] { end += 1 }
            let count = end - index + 1
            if count >= 4 {
                let firstLine = Int(normalised.lines[first + index])
                let lastLine = Int(normalised.lines[first + end])
                let text = rawLines[max(0, firstLine - 1)..<min(lastLine, rawLines.count)].joined(separator: "\n")
                added.append(LicenceDifference(kind: .added, line: firstLine, text: collapsed(text), words: count,
                                               lines: lastLine - firstLine + 1))
            }
            index = end + 1
        }
        // The reference's required part, as far as the copy reaches: a copy that stops before the appendix left nothing out.
        var present = [Bool](repeating: false, count: referenceWords.count)
        for position in 0..<referenceWords.count where shingleAt[position] != 0 && inputShingles.contains(shingleAt[position]) {
            for offset in 0..<3 where position + offset < present.count { present[position + offset] = true }
        }
        let rawReference = reference.text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        var removed: [LicenceDifference] = []
        index = 0
        let referenceEnd = min(optionalFrom, referenceWords.count)
        while index < referenceEnd {
            guard !present[index], referenceWords[index] != NormalisedText.gap else { index += 1; continue }
            var end = index
            while end + 1 < referenceEnd, !present[end + 1] { end += 1 }
            let count = end - index + 1
            if count >= Self.minimumRemovedWords {
                let firstLine = Int(referenceLines[index])
                let lastLine = Int(referenceLines[end])
                let text = rawReference[max(0, firstLine - 1)..<min(lastLine, rawReference.count)].joined(separator: "\n")
                removed.append(LicenceDifference(kind: .removed, line: nil, text: collapsed(text), words: count))
            }
            index = end + 1
        }
        return (added, removed)
    }

    func unknownID(_ text: String) -> String {
        Self.unknownPrefix + String(hash(text).prefix(8))
    }

    typealias Hit = (position: Int32, slot: UInt32)

    /// For every reference, the input positions whose 3-gram it contains (with the slot it matched).
    func referenceHits(_ text: NormalisedText) -> [[Hit]] {
        let words = text.words
        guard words.count >= 3 else { return [] }
        var hits = [[Hit]](repeating: [], count: library.references.count)
        for index in 0..<(words.count - 2) {
            let value = LicenceLibrary.shingle(words[index], words[index + 1], words[index + 2])
            guard let range = library.postings(of: value) else { continue }
            for posting in range {
                hits[Int(library.postingReference[posting])].append((Int32(index), library.postingSlot[posting]))
            }
        }
        return hits
    }

    /// The regions of the text where one reference's 3-grams cluster densely enough to be a copy of it.
    ///
    /// A copy keeps input position minus reference offset (its diagonal) nearly constant; phrases the
    /// reference shares with a neighbouring licence, or repeats, hit far off that diagonal. Runs of hits
    /// are cut at gaps and at diagonal jumps, and rejoined only where the diagonal carries on.
    func spans(of referenceIndex: Int, hits: [Hit]) -> [Span] {
        let reference = library.references[referenceIndex]
        let coreCount = reference.coreShingles.count
        let slotCount = coreCount + reference.optionalShingles.count
        guard hits.count >= max(3, Int(Double(coreCount) * Self.minimumCoverage)) else { return [] }
        let offsets = reference.slotOffsets
        @inline(__always) func diagonal(_ hit: Hit) -> Int32 { hit.position &- offsets[Int(hit.slot)] }
        let smallGap: Int32 = 16
        let band: Int32 = 40
        let jumpRun = 6
        let minimumClusterHits = coreCount >= 32 ? 4 : 2
        var clusters: [Range<Int>] = []
        var clusterStart = 0
        var current: Int32 = diagonal(hits[0])
        var offBand = 0
        func close(_ end: Int) {
            if end - clusterStart >= minimumClusterHits { clusters.append(clusterStart..<end) }
            clusterStart = end
        }
        for index in hits.indices {
            let value = diagonal(hits[index])
            if index > clusterStart, hits[index].position - hits[index - 1].position > smallGap {
                close(index)
                current = value
                offBand = 0
                continue
            }
            if abs(value &- current) <= band {
                current = value
                offBand = 0
            } else {
                offBand += 1
                if offBand >= jumpRun {
                    close(index - jumpRun + 1)
                    current = value
                    offBand = 0
                }
            }
        }
        close(hits.count)
        // Small clusters are kept only right after a group (a passage the reference repeats, such as
        // Apache's closing notice); elsewhere they would only drag a span into a neighbour's text.
        let minimumSignificantHits = max(minimumClusterHits, coreCount / 50)
        guard clusters.contains(where: { $0.count >= minimumSignificantHits }) else { return [] }

        func typicalDiagonal(_ range: Range<Int>, fromEnd: Bool) -> Int32 {
            let slice = fromEnd ? hits[max(range.lowerBound, range.upperBound - 24)..<range.upperBound]
                                : hits[range.lowerBound..<min(range.upperBound, range.lowerBound + 24)]
            let values = slice.map(diagonal).sorted()
            return values[values.count / 2]
        }
        var stamp = [Int32](repeating: -1, count: slotCount)
        var groups: [Range<Int>] = []
        // The diagonal where each group's last large cluster ends.
        var groupDiagonals: [Int32] = []
        let joinGap = Int32(max(60, coreCount / 4))
        let missingAllowance = Int32(max(60, coreCount / 4))
        for cluster in clusters {
            if cluster.count < minimumSignificantHits {
                // Absorbed without moving the group's diagonal: the passage sits off it by nature.
                if let group = groups.last, hits[cluster.lowerBound].position - hits[group.upperBound - 1].position <= smallGap {
                    groups[groups.count - 1] = group.lowerBound..<cluster.upperBound
                }
                continue
            }
            // The cluster may continue the last group, or the one before it when a repeated passage
            // (hits far off the diagonal) sits in between; the passage is then absorbed.
            var best: (back: Int, shift: Int32)?
            for back in [1, 2] where groups.count >= back {
                let target = groups.count - back
                let group = groups[target]
                let gap = hits[cluster.lowerBound].position - hits[group.upperBound - 1].position
                let shift = typicalDiagonal(cluster, fromEnd: false) &- groupDiagonals[target]
                // Inserted text moves the diagonal forward by at most the gap; missing text moves it back.
                guard gap <= joinGap, shift <= gap &+ band, shift >= -missingAllowance else { continue }
                let mark = Int32(target)
                var fresh = 0
                for hit in hits[cluster] where stamp[Int(hit.slot)] != mark { fresh += 1 }
                guard fresh * 4 >= cluster.count else { continue }
                if best == nil || abs(shift) < abs(best?.shift ?? 0) { best = (back, shift) }
            }
            var joined = false
            if let best {
                let target = groups.count - best.back
                let mark = Int32(target)
                for hit in hits[cluster] { stamp[Int(hit.slot)] = mark }
                if best.back == 2 {
                    for hit in hits[groups[groups.count - 1]] { stamp[Int(hit.slot)] = mark }
                    groups.removeLast()
                    groupDiagonals.removeLast()
                }
                groups[target] = groups[target].lowerBound..<cluster.upperBound
                groupDiagonals[target] = typicalDiagonal(cluster, fromEnd: true)
                joined = true
            }
            if joined { continue }
            let mark = Int32(groups.count)
            for hit in hits[cluster] { stamp[Int(hit.slot)] = mark }
            groups.append(cluster)
            groupDiagonals.append(typicalDiagonal(cluster, fromEnd: true))
        }

        var result: [Span] = []
        var coreStamp = [Int32](repeating: -1, count: slotCount)
        for (index, untrimmed) in groups.enumerated() {
            let group = trimmed(untrimmed, hits: hits)
            guard !group.isEmpty else { continue }
            var matchedCore = 0
            for hit in hits[group] where Int(hit.slot) < coreCount && coreStamp[Int(hit.slot)] != Int32(index) {
                coreStamp[Int(hit.slot)] = Int32(index)
                matchedCore += 1
            }
            let coverage = Double(matchedCore) / Double(max(1, coreCount))
            guard coverage >= Self.minimumCoverage else { continue }
            let first = Int(hits[group.lowerBound].position)
            let last = Int(hits[group.upperBound - 1].position) + 2
            let length = max(1, last - first - 1)
            result.append(Span(reference: referenceIndex, firstToken: first, lastToken: last, hits: group.count,
                               matchedCore: matchedCore, coverage: coverage, score: 2 * matchedCore - coreCount,
                               density: min(1, Double(group.count) / Double(length)), required: reference.requiredCoverage))
        }
        return result
    }

    /// Drops sparse hits at either end of a group: a licence's own text hits densely, while the
    /// phrases it shares with an adjacent licence hit only here and there.
    func trimmed(_ group: Range<Int>, hits: [Hit]) -> Range<Int> {
        let window: Int32 = 24
        let needed = 12
        var low = group.lowerBound
        var high = group.upperBound
        var probe = low
        while low < high {
            if probe < low { probe = low }
            while probe < high, hits[probe].position < hits[low].position + window { probe += 1 }
            if probe - low >= needed { break }
            low += 1
        }
        probe = high - 1
        while high > low {
            if probe > high - 1 { probe = high - 1 }
            while probe >= low, hits[probe].position > hits[high - 1].position - window { probe -= 1 }
            if high - 1 - probe >= needed { break }
            high -= 1
        }
        // A few stray hits just past the end (or before the start) are words the next text happens
        // to share: runs of fewer than six hits set off by a gap are dropped.
        for _ in 0..<8 where high - low > 12 {
            var runStart = high - 1
            while runStart > low, hits[runStart].position - hits[runStart - 1].position <= 2 { runStart -= 1 }
            guard high - runStart < 6, runStart > low, hits[runStart].position - hits[runStart - 1].position >= 4 else { break }
            high = runStart
        }
        for _ in 0..<8 where high - low > 12 {
            var runEnd = low
            while runEnd + 1 < high, hits[runEnd + 1].position - hits[runEnd].position <= 2 { runEnd += 1 }
            guard runEnd + 1 - low < 6, runEnd + 1 < high, hits[runEnd + 1].position - hits[runEnd].position >= 4 else { break }
            low = runEnd + 1
        }
        // A whole group that never reaches the density (a short licence) is kept as it was.
        return low < high ? low..<high : group
    }

    /// Gives up the edge of a span that a neighbouring candidate explains better: where two licences
    /// meet, their shared phrases (warranty disclaimers) hit both, and the text belongs to the one with
    /// more hits there, or to the one whose hits there come from the matching end of its reference.
    func refined(_ span: Span, hits: [[Hit]], against others: [Span]) -> Span {
        let own = hits[span.reference]
        let slotCount = library.references[span.reference].coreShingles.count + library.references[span.reference].optionalShingles.count
        let ownID = library.references[span.reference].id
        var first = span.firstToken
        var last = span.lastToken
        func hitsIn(_ list: [Hit], _ low: Int, _ high: Int) -> [Hit] {
            list.filter { Int($0.position) >= low && Int($0.position) <= high }
        }
        for other in others where other.reference != span.reference && library.references[other.reference].id != ownID {
            let low = max(first, other.firstToken)
            let high = min(last, other.lastToken)
            guard low < high else { continue }
            // The other span sits at this span's head or at its tail (overlapping it or inside it).
            let slack = 30
            let extendsBefore = other.firstToken <= first + slack && other.lastToken < last
            let extendsAfter = other.lastToken >= last - slack && other.firstToken > first
            guard extendsBefore != extendsAfter else { continue }
            let mine = hitsIn(own, low, high)
            let theirs = hitsIn(hits[other.reference], low, high).count
            let slots = mine.map(\.slot).sorted()
            let median = slots.isEmpty ? 0 : Int(slots[slots.count / 2])
            // A span's head should match the start of its reference, its tail the end.
            // Only meaningful for a small edge: over most of the span the median is mid-reference anyway.
            let edge = (high - low) * 10 < (last - first) * 4
            let outOfOrder = edge && (extendsBefore ? median * 2 > slotCount : median * 2 < slotCount)
            guard theirs * 5 > mine.count * 6 || outOfOrder else { continue }
            if extendsBefore { first = high + 1 } else { last = low - 1 }
        }
        guard first != span.firstToken || last != span.lastToken, first < last else { return span }
        let kept = hitsIn(own, first, last)
        return spans(of: span.reference, hits: kept).max { $0.score < $1.score } ?? span
    }

    /// Chooses spans best first; each chosen span claims its lines of text, and the other references
    /// are re-read without the claimed part, so a licence that contains another (LGPL contains much
    /// of GPL) does not hide the one that follows it.
    func resolve(_ hits: [[Hit]]) -> [Span] {
        var spansByReference: [[Span]] = hits.indices.map { spans(of: $0, hits: hits[$0]) }
        var claimed: [ClosedRange<Int32>] = []
        var accepted: [Span] = []
        func better(_ a: Span, _ b: Span) -> Bool {
            if a.confident != b.confident { return a.confident }
            // Among confident spans the one that explains the text best; among partial ones the
            // one with most evidence, so a truncated GPL is not called a fragment of WTFPL.
            if a.confident, a.score != b.score { return a.score > b.score }
            if !a.confident, a.matchedCore != b.matchedCore { return a.matchedCore > b.matchedCore }
            return a.reference < b.reference
        }
        for _ in 0..<64 {
            guard let best = spansByReference.joined().min(by: better) else { break }
            var winner = refined(best, hits: hits, against: Array(spansByReference.joined()))
            let winnerID = library.references[winner.reference].id
            for rival in spansByReference.joined() where rival.reference != winner.reference {
                let overlap = min(rival.lastToken, winner.lastToken) - max(rival.firstToken, winner.firstToken)
                guard overlap > 0, Double(overlap) > 0.5 * Double(max(1, rival.lastToken - rival.firstToken)),
                      rival.confident, winner.score > 0, Double(rival.score) >= 0.97 * Double(winner.score),
                      library.references[rival.reference].id != winnerID else { continue }
                // A rival as good as the winner makes the name a guess, unless the winner is the whole text and the
                // rival is not, or the winner is on the SPDX list and the rival is only one of ScanCode's variants.
                if winner.coverage >= 0.999, rival.coverage < winner.coverage || rival.matchedCore < winner.matchedCore { continue }
                if !winnerID.hasPrefix("LicenseRef-"), library.references[rival.reference].id.hasPrefix("LicenseRef-") { continue }
                winner.rival = rival.reference
            }
            accepted.append(winner)
            let range = Int32(winner.firstToken)...Int32(winner.lastToken)
            claimed.append(range)
            for index in spansByReference.indices {
                guard hits[index].contains(where: { range.contains($0.position) }) || index == winner.reference else { continue }
                let free = hits[index].filter { hit in !claimed.contains { $0.contains(hit.position) } }
                spansByReference[index] = spans(of: index, hits: free)
            }
        }
        return accepted
    }
}
