import Foundation

/// Fixed-point arithmetic and formatting for SEK amounts: Decimal only, never Double, so sums are exact
/// and the same amounts always print the same bytes.
public enum Money {
    /// Rounds to whole öre, halves away from zero (as Swedish invoices round).
    public static func rounded(_ value: Decimal, scale: Int = 2) -> Decimal {
        var input = value
        var result = Decimal()
        NSDecimalRound(&result, &input, scale, .plain)
        return result
    }

    /// `1234.5` → `"1234.50"`: always two decimals, '.' as separator, no grouping, a leading '-' when negative.
    public static func format(_ value: Decimal) -> String {
        fixed(value, scale: 2)
    }

    /// A count or rate with up to `scale` decimals and no trailing zeros: `25`, `0.25`, `30`.
    public static func plain(_ value: Decimal, scale: Int = 4) -> String {
        var text = fixed(value, scale: scale)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    static func fixed(_ value: Decimal, scale: Int) -> String {
        let rounded = rounded(value, scale: scale)
        let negative = rounded < 0
        let magnitude = negative ? -rounded : rounded
        // Scaled to an integer, its digits are exact whatever the locale; the point goes in by hand.
        var scaled = magnitude
        for _ in 0..<scale { scaled *= 10 }
        var digits = Self.integerDigits(scaled)
        while digits.count <= scale { digits.insert("0", at: digits.startIndex) }
        let split = digits.index(digits.endIndex, offsetBy: -scale)
        let text = scale > 0 ? digits[..<split] + "." + digits[split...] : digits
        return negative && rounded != 0 ? "-" + text : String(text)
    }

    /// The decimal digits of a non-negative integral Decimal.
    static func integerDigits(_ value: Decimal) -> String {
        var v = value
        var whole = Decimal()
        NSDecimalRound(&whole, &v, 0, .plain)
        let text = NSDecimalNumber(decimal: whole).stringValue
        // stringValue never uses grouping or exponents; keep only digits to be safe.
        let digits = text.filter(\.isASCII).filter(\.isNumber)
        return digits.isEmpty ? "0" : digits
    }

    /// Parses `"4350"` or `"4350.50"` (at most two decimals, '.' separator); nil otherwise.
    public static func parse(_ text: String) -> Decimal? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].count <= 12,
              parts[0].allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        if parts.count == 2 {
            guard (1...2).contains(parts[1].count), parts[1].allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        }
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }
}

/// An amount of money as every Depot interface writes it: `{"amount": "1485.00", "currency": "SEK"}`, the amount a
/// decimal string with two places, never a bare number (a JSON number loses öre in many readers).
public struct MoneyAmount: Sendable, Codable, Equatable, Hashable, CustomStringConvertible {
    public var amount: Decimal
    public var currency: String

    public init(_ amount: Decimal, currency: String) {
        self.amount = amount
        self.currency = currency
    }

    public var description: String { "\(Money.format(amount)) \(currency)" }

    private enum CodingKeys: String, CodingKey { case amount, currency }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Money.format(amount), forKey: .amount)
        try c.encode(currency, forKey: .currency)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let text = try c.decode(String.self, forKey: .amount)
        let negative = text.hasPrefix("-")
        guard let value = Money.parse(negative ? String(text.dropFirst()) : text) else {
            throw DecodingError.dataCorruptedError(forKey: .amount, in: c,
                debugDescription: "'\(text)' is not an amount; write a decimal string such as \"1485.00\"")
        }
        amount = negative ? -value : value
        currency = try c.decode(String.self, forKey: .currency)
    }

    /// Reads a money field written either way: the object above, or the bare number stored before it existed.
    public static func decodeLegacy<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> Decimal {
        if let money = try? c.decode(MoneyAmount.self, forKey: key) { return money.amount }
        return try c.decode(Decimal.self, forKey: key)
    }
}
