/// The loose form most vendors use, ordered the way people read it. Never refuses a string.
///
/// A version is a release (numbers joined by dots; trailing zeros do not count, so 1.2 = 1.2.0) and a tail
/// of words and numbers. In the tail, pre-release words (dev, alpha/a, beta/b, milestone/m, rc/pre/preview)
/// sort before the bare release, so "1.2b3" and "1.2-rc1" come before "1.2"; final/ga/release/stable
/// equal the bare release; any other word (patch, p, sp, u, update, a letter like OpenSSL's "1.1.1k")
/// and any number sort after it. A leading "v" or word ("release-2.0"), build metadata after "+",
/// parenthesised or bracketed notes such as "(64-bit)", and architecture words (x64, 64-bit) are ignored.
struct DottedVersion: VersionKey {
    /// Lower-cased bytes of the text; the ranges below point into it.
    let bytes: [UInt8]
    /// Release numbers without trailing zeros.
    let release: [DigitRun]
    /// Tail items without trailing neutral items.
    let tail: [Item]

    struct Item {
        let tier: Tier
        /// For a pre-release word, its stage; otherwise unused.
        let stage: UInt8
        /// Bytes of a post-release word.
        let range: Range<Int>
        /// The value of a number.
        let number: DigitRun
    }

    /// The order of tail items against each other; `neutral` is also what a shorter tail is padded with.
    enum Tier: UInt8 { case preRelease = 0, neutral = 1, postWord = 2, number = 3 }

    init(parsing text: String) {
        let bytes = text.utf8.map(ASCII.lower)
        self.bytes = bytes
        let end = Self.significantEnd(bytes)
        var at = 0
        // A leading "v" or label ("release-", "version ") is not part of the version when digits follow.
        if let firstDigit = Self.firstDigit(bytes, before: end) { at = firstDigit }

        var release: [DigitRun] = []
        var depth = 0
        if at < end && ASCII.isDigit(bytes[at]) {
            while true {
                let start = at
                while at < end && ASCII.isDigit(bytes[at]) { at += 1 }
                release.append(DigitRun(bytes, start..<at))
                guard at + 1 < end, bytes[at] == ASCII.dot, ASCII.isDigit(bytes[at + 1]) else { break }
                at += 1
            }
        }
        while let last = release.last, last.isZero { release.removeLast() }
        self.release = release

        var tail: [Item] = []
        while at < end {
            let c = bytes[at]
            if c == 0x28 || c == 0x5B { depth += 1; at += 1; continue }  // ( [
            if c == 0x29 || c == 0x5D { depth = max(0, depth - 1); at += 1; continue }  // ) ]
            if depth > 0 || !ASCII.isAlnum(c) { at += 1; continue }
            let runStart = at
            while at < end && ASCII.isAlnum(bytes[at]) { at += 1 }
            Self.appendItems(bytes, runStart..<at, to: &tail)
        }
        while let last = tail.last, last.tier == .neutral { tail.removeLast() }
        self.tail = tail
    }

    /// Where the version proper ends: at build metadata ("+…") outside brackets.
    private static func significantEnd(_ bytes: [UInt8]) -> Int {
        var depth = 0
        for (k, c) in bytes.enumerated() {
            if c == 0x28 || c == 0x5B { depth += 1 }
            else if c == 0x29 || c == 0x5D { depth = max(0, depth - 1) }
            else if c == ASCII.plus && depth == 0 { return k }
        }
        return bytes.count
    }

    private static func firstDigit(_ bytes: [UInt8], before end: Int) -> Int? {
        var depth = 0
        for k in 0..<end {
            let c = bytes[k]
            if c == 0x28 || c == 0x5B { depth += 1 }
            else if c == 0x29 || c == 0x5D { depth = max(0, depth - 1) }
            else if depth == 0 && ASCII.isDigit(c) { return k }
        }
        return nil
    }

    private static let architectures: Set<[UInt8]> = Set(
        ["x64", "x86", "amd64", "arm64", "aarch64", "i386", "i686", "win32", "win64", "64bit", "32bit"]
            .map { Array($0.utf8) })

    /// Splits one alphanumeric run ("rc1", "x64", "2b") into items.
    private static func appendItems(_ bytes: [UInt8], _ run: Range<Int>, to tail: inout [Item]) {
        if architectures.contains(Array(bytes[run])) { return }
        if matches(bytes, run, "bit") || matches(bytes, run, "bits") {
            // "64-bit": the number before belongs to the architecture note, not the version.
            if let last = tail.last, last.tier == .number,
               matches(bytes, last.range, "64") || matches(bytes, last.range, "32") {
                tail.removeLast()
            }
            return
        }
        var at = run.lowerBound
        while at < run.upperBound {
            let start = at
            if ASCII.isDigit(bytes[at]) {
                while at < run.upperBound && ASCII.isDigit(bytes[at]) { at += 1 }
                let number = DigitRun(bytes, start..<at)
                tail.append(Item(tier: number.isZero ? .neutral : .number, stage: 0, range: number.digits, number: number))
            } else {
                while at < run.upperBound && !ASCII.isDigit(bytes[at]) { at += 1 }
                tail.append(word(bytes, start..<at))
            }
        }
    }

    private static func word(_ bytes: [UInt8], _ range: Range<Int>) -> Item {
        for (stage, spellings) in preReleaseStages.enumerated() where spellings.contains(where: { matches(bytes, range, $0) }) {
            return Item(tier: .preRelease, stage: UInt8(stage), range: range, number: noNumber)
        }
        if neutralWords.contains(where: { matches(bytes, range, $0) }) {
            return Item(tier: .neutral, stage: 0, range: range, number: noNumber)
        }
        return Item(tier: .postWord, stage: 0, range: range, number: noNumber)
    }

    private static let noNumber = DigitRun([], 0..<0)

    /// Pre-release words by stage, earliest first; spellings in one stage are equal.
    private static let preReleaseStages: [[String]] = [
        ["dev", "snapshot", "nightly"], ["alpha", "a"], ["beta", "b"], ["milestone", "m"], ["rc", "cr", "pre", "preview"],
    ]
    private static let neutralWords = ["final", "ga", "release", "stable"]

    private static func matches(_ bytes: [UInt8], _ range: Range<Int>, _ word: String) -> Bool {
        range.count == word.utf8.count && zip(bytes[range], word.utf8).allSatisfy { $0 == $1 }
    }

    static func order(_ a: DottedVersion, _ b: DottedVersion) -> Int {
        let n = max(a.release.count, b.release.count)
        var k = 0
        while k < n {
            let c: Int
            switch (k < a.release.count, k < b.release.count) {
            case (true, true): c = DigitRun.order(a.release[k], in: a.bytes, b.release[k], in: b.bytes)
            case (true, false): c = 1  // trailing zeros were dropped, so a present part is positive
            case (false, true): c = -1
            case (false, false): c = 0
            }
            if c != 0 { return c }
            k += 1
        }
        let m = max(a.tail.count, b.tail.count)
        k = 0
        let pad = Item(tier: .neutral, stage: 0, range: 0..<0, number: noNumber)
        while k < m {
            let x = k < a.tail.count ? a.tail[k] : pad
            let y = k < b.tail.count ? b.tail[k] : pad
            var c = sign(x.tier.rawValue, y.tier.rawValue)
            if c == 0 {
                switch x.tier {
                case .preRelease: c = sign(x.stage, y.stage)
                case .neutral: c = 0
                case .postWord: c = compareBytes(a.bytes, x.range, b.bytes, y.range)
                case .number: c = DigitRun.order(x.number, in: a.bytes, y.number, in: b.bytes)
                }
            }
            if c != 0 { return c }
            k += 1
        }
        return 0
    }
}
