/// `[epoch:]version[-release]` split as rpm splits an EVR; ordered as `rpm.labelCompare`, part by part with `rpmvercmp`.
struct RPMVersion: VersionKey {
    let bytes: [UInt8]
    /// Absent epochs compare as "0".
    let epoch: [Segment]
    let version: [Segment]
    /// Nil when no release is written; a missing release sorts before any written one, as in `labelCompare`.
    let release: [Segment]?

    /// What `rpmvercmp` sees of a string: separators between segments never matter, only the segments.
    enum Segment {
        case tilde
        case caret
        case number(DigitRun)
        case letters(Range<Int>)
    }

    init(parsing text: String) throws(VersionError) {
        guard let bytes = cBytes(text) else {
            throw VersionError(version: text, scheme: .rpm, reason: "it contains a NUL character")
        }
        self.bytes = bytes
        var s = 0
        while s < bytes.count && ASCII.isDigit(bytes[s]) { s += 1 }
        let hyphen = bytes[s...].lastIndex(of: ASCII.hyphen)
        var versionStart = 0
        if s < bytes.count && bytes[s] == ASCII.colon {
            epoch = Self.segments(bytes, 0..<s)
            versionStart = s + 1
        } else {
            epoch = []
        }
        let versionEnd = hyphen ?? bytes.count
        version = Self.segments(bytes, versionStart..<versionEnd)
        release = hyphen.map { Self.segments(bytes, ($0 + 1)..<bytes.count) }
        // rpm refuses an EVR without a version (`rpmverParse` and `rpm.ver` give nothing for "", "1:" or "1:-2").
        if versionStart == versionEnd {
            throw VersionError(
                version: text, scheme: .rpm,
                reason: "the version is empty; rpm expects [epoch:]version[-release], for example 1:2.4.1-3.el9")
        }
    }

    /// Splits the way `rpmvercmp` walks: skip anything but letters, digits, `~` and `^`; then one of those.
    private static func segments(_ bytes: [UInt8], _ range: Range<Int>) -> [Segment] {
        var result: [Segment] = []
        var at = range.lowerBound
        while at < range.upperBound {
            let c = bytes[at]
            if c == ASCII.tilde {
                result.append(.tilde)
                at += 1
            } else if c == ASCII.caret {
                result.append(.caret)
                at += 1
            } else if ASCII.isDigit(c) {
                let start = at
                while at < range.upperBound && ASCII.isDigit(bytes[at]) { at += 1 }
                result.append(.number(DigitRun(bytes, start..<at)))
            } else if ASCII.isAlpha(c) {
                let start = at
                while at < range.upperBound && ASCII.isAlpha(bytes[at]) { at += 1 }
                result.append(.letters(start..<at))
            } else {
                at += 1
            }
        }
        return result
    }

    /// An epoch of "0" has no effect beside a missing one: both are a single zero segment to rpmvercmp.
    private static let zeroEpoch: [Segment] = [.number(DigitRun([0x30], 0..<1))]

    static func order(_ a: RPMVersion, _ b: RPMVersion) -> Int {
        let epoch = compare(a.epoch.isEmpty ? zeroEpoch : a.epoch, a.bytes, b.epoch.isEmpty ? zeroEpoch : b.epoch, b.bytes)
        if epoch != 0 { return epoch }
        let version = compare(a.version, a.bytes, b.version, b.bytes)
        if version != 0 { return version }
        switch (a.release, b.release) {
        case (nil, nil): return 0
        case (nil, _): return -1
        case (_, nil): return 1
        case let (ra?, rb?): return compare(ra, a.bytes, rb, b.bytes)
        }
    }

    /// rpm's `rpmvercmp` over segments: `~` sorts before anything (even the end), `^` after the end but
    /// before anything else, a number is newer than letters, numbers compare by value, letters as bytes,
    /// and when one side runs out the longer one is newer.
    static func compare(_ x: [Segment], _ xb: [UInt8], _ y: [Segment], _ yb: [UInt8]) -> Int {
        var k = 0
        while true {
            let p: Segment? = k < x.count ? x[k] : nil
            let q: Segment? = k < y.count ? y[k] : nil
            k += 1
            switch (p, q) {
            case (.tilde?, .tilde?), (.caret?, .caret?): continue
            case (.tilde?, _): return -1
            case (_, .tilde?): return 1
            case (nil, .caret?): return -1
            case (.caret?, nil): return 1
            case (.caret?, _): return -1
            case (_, .caret?): return 1
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case (.number?, .letters?): return 1
            case (.letters?, .number?): return -1
            case let (.number(m)?, .number(n)?):
                let c = DigitRun.order(m, in: xb, n, in: yb)
                if c != 0 { return c }
            case let (.letters(m)?, .letters(n)?):
                let c = compareBytes(xb, m, yb, n)
                if c != 0 { return c }
            }
        }
    }
}
