import Foundation
import Yams

/// One YAML value inside a policy file, with the dotted path that leads to it (`priceLists[0].packaging`).
public struct PolicyValue {
    let node: Node
    let reader: PolicyReader
    /// Where the value sits in the document, for messages: `baseline[2].program`.
    public let path: String

    /// 1-based line of the value in its file.
    public var line: Int? { node.mark?.line }
    /// 1-based column of the value in its file.
    public var column: Int? { node.mark?.column }

    /// Records a problem at this value, prefixed with its path.
    public func report(_ message: String) {
        reader.report(path.isEmpty ? message : "\(path): \(message)", at: node.mark)
    }

    /// Records "expected …, got …" at this value.
    public func expected(_ what: String, hint: String? = nil) {
        report("expected \(what), got \(found)" + (hint.map { "; \($0)" } ?? ""))
    }

    /// True for `~`, `null` or an empty value.
    public var isNull: Bool {
        // Only unquoted text can mean null: `'~'` in quotes is the text "~".
        guard case let .scalar(scalar) = node, scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// True for a list with no elements (`[]`).
    public var isEmptyList: Bool {
        if case let .sequence(sequence) = node { return sequence.isEmpty }
        return false
    }

    /// The scalar's text exactly as written (without quotes), or nil for a list or mapping.
    public var rawText: String? {
        if case let .scalar(scalar) = node { return scalar.string }
        return nil
    }

    /// How the value is described after "got": the text itself, or the kind of structure.
    var found: String {
        switch node {
        case let .mapping(mapping): return mapping.isEmpty ? "an empty mapping" : "a mapping"
        case let .sequence(sequence): return sequence.isEmpty ? "an empty list" : "a list"
        case .alias: return "an alias"
        case let .scalar(scalar):
            if isNull { return "nothing" }
            let text = scalar.string.count > 60 ? String(scalar.string.prefix(57)) + "..." : scalar.string
            return "'\(text)'"
        }
    }

    // MARK: Scalars

    /// Non-empty text (numbers and dates are accepted as their text).
    public func string(_ what: String = "text") -> String? {
        guard !isNull, let text = rawText?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
            expected(what)
            return nil
        }
        return text
    }

    /// A whole number within `range`; `noun` describes it ("a number of days").
    public func int(in range: ClosedRange<Int>, _ noun: String = "a whole number") -> Int? {
        let what = "\(noun) \(Self.describe(range))"
        guard let text = rawText, let value = Self.parseInteger(text) else {
            expected(what)
            return nil
        }
        guard range.contains(value) else {
            expected(what)
            return nil
        }
        return value
    }

    /// A decimal number written with digits and at most `maxFractionDigits` decimals, within `range`;
    /// `what` is the whole expectation ("a non-negative amount in SEK").
    public func decimal(in range: ClosedRange<Decimal>, maxFractionDigits: Int, _ what: String) -> Decimal? {
        guard let text = rawText, let value = Self.parseDecimal(text, maxFractionDigits: maxFractionDigits),
              range.contains(value) else {
            expected(what)
            return nil
        }
        return value
    }

    /// `true` or `false` (YAML 1.1's yes/no/on/off are refused: in a policy they are too easy to misread).
    public func bool() -> Bool? {
        switch rawText?.lowercased() {
        case "true" where !isNull: return true
        case "false" where !isNull: return false
        default:
            expected("true or false")
            return nil
        }
    }

    /// A calendar date `YYYY-MM-DD`.
    public func date() -> CalendarDate? {
        guard let text = rawText, let date = CalendarDate(text.trimmingCharacters(in: .whitespaces)) else {
            expected("a date as YYYY-MM-DD")
            return nil
        }
        return date
    }

    /// A local time `HH:MM` from 00:00 to 24:00.
    public func time() -> TimeOfDay? {
        guard let text = rawText, let time = TimeOfDay(text.trimmingCharacters(in: .whitespaces)) else {
            expected("a time of day as HH:MM from 00:00 to 24:00")
            return nil
        }
        return time
    }

    /// A size in bytes: a whole number, or a number with a unit (`8 GiB`, `50 MB`; KiB/MiB/GiB/TiB are
    /// powers of 1024, kB/MB/GB/TB powers of 1000), at least `minimum`.
    public func byteSize(atLeast minimum: Int64 = 1) -> Int64? {
        let what = "a size such as 8 GiB, 50 MB or a number of bytes, of at least \(minimum) bytes"
        guard let text = rawText, let value = Self.parseByteSize(text), value >= minimum else {
            expected(what)
            return nil
        }
        return value
    }

    /// One of the raw values of `T`, with a suggestion when the text is close to one.
    public func choice<T: RawRepresentable & CaseIterable>(_ type: T.Type, _ noun: String? = nil) -> T?
    where T.RawValue == String {
        let options = T.allCases.map(\.rawValue)
        let text = rawText?.trimmingCharacters(in: .whitespaces) ?? ""
        if !isNull, let value = T(rawValue: text) { return value }
        let list = options.joined(separator: ", ")
        let what = noun.map { "\($0): one of \(list)" } ?? "one of \(list)"
        expected(what, hint: isNull ? nil : Suggestion.nearest(to: text, in: options).map { "did you mean '\($0)'?" })
        return nil
    }

    /// A short name of lowercase letters, digits, dots, plus signs and hyphens (program ids, platform ids).
    public func identifier(_ noun: String = "an identifier") -> String? {
        guard let text = rawText, !isNull, Self.isIdentifier(text) else {
            expected("\(noun) of lowercase letters, digits, '.', '+' and '-', starting with a letter or digit")
            return nil
        }
        return text
    }

    // MARK: Structures

    /// A list; each element is read by `element`, which records its own problems. Nil when not a list.
    /// Elements that fail are left out, so callers see only good ones (the file fails anyway).
    public func list<T>(_ element: (PolicyValue) -> T?) -> [T]? {
        guard case let .sequence(sequence) = node else {
            expected("a list")
            return nil
        }
        var result: [T] = []
        for (index, child) in sequence.enumerated() {
            let value = PolicyValue(node: child, reader: reader, path: "\(path)[\(index)]")
            if let item = element(value) { result.append(item) }
        }
        return result
    }

    /// A mapping read by `body`; afterwards every key the body did not ask for is reported as unknown,
    /// with the nearest known key as a hint. Nil when the value is not a mapping or the body returns nil.
    public func mapping<T>(_ body: (PolicyMapping) -> T?) -> T? {
        guard case let .mapping(mapping) = node else {
            expected("a mapping of keys to values")
            return nil
        }
        let reader = PolicyMapping(value: self, mapping: mapping)
        let result = body(reader)
        reader.reportUnknownKeys()
        return result
    }

    // MARK: Parsing helpers

    static func describe(_ range: ClosedRange<Int>) -> String {
        switch (range.lowerBound, range.upperBound) {
        case (0, Int.max): "of zero or more"
        case (let low, Int.max): "of at least \(low)"
        case let (low, high): "from \(low) to \(high)"
        }
    }

    /// Digits with an optional sign and `_` separators; nil on anything else or on overflow.
    static func parseInteger(_ raw: String) -> Int? {
        var text = Substring(raw.trimmingCharacters(in: .whitespaces))
        var negative = false
        if let first = text.first, first == "-" || first == "+" {
            negative = first == "-"
            text = text.dropFirst()
        }
        guard let first = text.first, first.isASCII, first.isNumber, text.last != "_" else { return nil }
        var value = 0
        for character in text where character != "_" {
            guard character.isASCII, let digit = character.wholeNumberValue else { return nil }
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(digit)
            guard !overflow1, !overflow2 else { return nil }
            value = sum
        }
        return negative ? -value : value
    }

    static func parseDecimal(_ raw: String, maxFractionDigits: Int) -> Decimal? {
        let text = raw.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")
        let body = text.hasPrefix("-") || text.hasPrefix("+") ? text.dropFirst() : Substring(text)
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              parts[0].count <= 15, parts.count == 1 || parts[1].count <= maxFractionDigits else { return nil }
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }

    static func parseByteSize(_ raw: String) -> Int64? {
        let text = raw.trimmingCharacters(in: .whitespaces)
        let digits = text.prefix { $0.isASCII && ($0.isNumber || $0 == "_") }
        let unit = text.dropFirst(digits.count).trimmingCharacters(in: .whitespaces).lowercased()
        let multipliers: [String: Int64] = [
            "": 1, "b": 1, "bytes": 1,
            "kb": 1_000, "mb": 1_000_000, "gb": 1_000_000_000, "tb": 1_000_000_000_000,
            "kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40,
        ]
        guard let number = parseInteger(String(digits)), let multiplier = multipliers[unit] else { return nil }
        let (bytes, overflow) = Int64(number).multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : bytes
    }

    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, text.utf8.count <= 100 else { return false }
        let lowerOrDigit = { (s: Unicode.Scalar) in ("a"..."z").contains(s) || ("0"..."9").contains(s) }
        return lowerOrDigit(first) && text.unicodeScalars.allSatisfy { lowerOrDigit($0) || $0 == "-" || $0 == "." || $0 == "+" }
    }
}
