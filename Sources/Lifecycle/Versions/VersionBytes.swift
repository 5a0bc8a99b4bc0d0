// Byte-level helpers shared by the schemes. Every scheme works on ASCII bytes so that ordering
// 100,000 versions costs one parse each and cheap byte comparisons afterwards.

enum ASCII {
    static let tilde: UInt8 = 0x7E
    static let caret: UInt8 = 0x5E
    static let dot: UInt8 = 0x2E
    static let hyphen: UInt8 = 0x2D
    static let underscore: UInt8 = 0x5F
    static let plus: UInt8 = 0x2B
    static let colon: UInt8 = 0x3A
    static let bang: UInt8 = 0x21
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09

    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }
    @inline(__always) static func isAlpha(_ c: UInt8) -> Bool { (c | 0x20) &- 0x61 < 26 }
    @inline(__always) static func isAlnum(_ c: UInt8) -> Bool { isDigit(c) || isAlpha(c) }
    @inline(__always) static func lower(_ c: UInt8) -> UInt8 { c &- 0x41 < 26 ? c | 0x20 : c }
    /// C's `isspace` in the C locale.
    @inline(__always) static func isSpace(_ c: UInt8) -> Bool { c == space || (c >= 0x09 && c <= 0x0D) }
}

/// The UTF-8 bytes of `text` for a scheme whose reference tool reads C strings; nil when it holds a NUL,
/// which such a tool could never be given (it would silently see only the part before it).
func cBytes(_ text: String) -> [UInt8]? {
    let bytes = Array(text.utf8)
    return bytes.contains(0) ? nil : bytes
}

/// A run of ASCII digits with its leading zeros dropped, so that runs of any length compare by value.
struct DigitRun: Sendable {
    /// Significant digits only; empty means zero.
    let digits: Range<Int>
    /// The value when it has at most 19 digits, which is nearly always: then no bytes need comparing.
    let value: UInt64

    init(_ bytes: [UInt8], _ range: Range<Int>) {
        var start = range.lowerBound
        while start < range.upperBound && bytes[start] == 0x30 { start += 1 }
        digits = start..<range.upperBound
        var value: UInt64 = 0
        if digits.count <= 19 {
            for k in digits { value = value &* 10 &+ UInt64(bytes[k] &- 0x30) }
        }
        self.value = value
    }

    var isZero: Bool { digits.isEmpty }

    static func order(_ a: DigitRun, in aBytes: [UInt8], _ b: DigitRun, in bBytes: [UInt8]) -> Int {
        if a.digits.count != b.digits.count { return a.digits.count < b.digits.count ? -1 : 1 }
        if a.digits.count <= 19 { return a.value == b.value ? 0 : (a.value < b.value ? -1 : 1) }
        return compareBytes(aBytes, a.digits, bBytes, b.digits)
    }
}

/// Byte-wise comparison like `strcmp` (unsigned bytes; a proper prefix sorts first).
func compareBytes(_ a: [UInt8], _ ar: Range<Int>, _ b: [UInt8], _ br: Range<Int>) -> Int {
    var i = ar.lowerBound, j = br.lowerBound
    while i < ar.upperBound && j < br.upperBound {
        let x = a[i], y = b[j]
        if x != y { return x < y ? -1 : 1 }
        i += 1
        j += 1
    }
    let restA = ar.upperBound - i, restB = br.upperBound - j
    return restA == restB ? 0 : (restA < restB ? -1 : 1)
}

@inline(__always) func sign<T: Comparable>(_ a: T, _ b: T) -> Int { a == b ? 0 : (a < b ? -1 : 1) }
