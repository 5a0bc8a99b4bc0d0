/// A version as Python's `packaging.version.Version` reads it (PEP 440), compared by the same key.
struct PEP440Version: VersionKey {
    /// The trimmed text, lower-cased: PEP 440 ignores case and compares local labels in lower case.
    let bytes: [UInt8]
    let epoch: DigitRun
    /// Release numbers without trailing zeros, so 1.0 and 1.0.0 are one version.
    let release: [DigitRun]
    let pre: (kind: PreKind, number: DigitRun)?
    let post: DigitRun?
    let dev: DigitRun?
    let local: [LocalPart]?

    /// Pre-release kinds in the order `packaging` gives them ("a" < "b" < "rc").
    enum PreKind: Int { case alpha = 1, beta = 2, candidate = 3 }

    enum LocalPart {
        case number(DigitRun)
        case label(Range<Int>)
    }

    init(parsing text: String) throws(VersionError) {
        guard let bytes = Self.trimmedLowercase(text) else {
            throw VersionError(version: text, scheme: .pep440, reason: Self.shape)
        }
        var scanner = Scanner(bytes: bytes)
        guard let parsed = scanner.parse() else {
            throw VersionError(version: text, scheme: .pep440, reason: Self.shape)
        }
        self.bytes = bytes
        (epoch, release, pre, post, dev, local) = parsed
    }

    private static let shape = "PEP 440 expects [N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local], for example 1.4.2rc1"

    /// Drops surrounding white space as the `\s*` of packaging's pattern does; nil when a non-ASCII byte remains.
    private static func trimmedLowercase(_ text: String) -> [UInt8]? {
        let scalars = text.unicodeScalars
        func isSpace(_ s: Unicode.Scalar) -> Bool {
            s.properties.isWhitespace || (0x1C...0x1F).contains(s.value)
        }
        guard let first = scalars.firstIndex(where: { !isSpace($0) }),
              let last = scalars.lastIndex(where: { !isSpace($0) }) else { return [] }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for scalar in scalars[first...last] {
            guard scalar.isASCII else { return nil }
            bytes.append(ASCII.lower(UInt8(scalar.value)))
        }
        return bytes
    }

    /// A hand-written matcher equivalent to packaging's `VERSION_PATTERN`; each optional part is taken greedily,
    /// which is the path the regular expression takes first and the only one that can succeed.
    private struct Scanner {
        let bytes: [UInt8]
        var at = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        typealias Parsed = (DigitRun, [DigitRun], (PreKind, DigitRun)?, DigitRun?, DigitRun?, [LocalPart]?)

        mutating func parse() -> Parsed? {
            if peek == 0x76 { at += 1 }  // "v"
            var epoch = DigitRun(bytes, 0..<0)
            let epochStart = at
            if let run = digits(), peek == ASCII.bang {
                epoch = run
                at += 1
            } else {
                at = epochStart
            }
            guard let first = digits() else { return nil }
            var release = [first]
            while peek == ASCII.dot, at + 1 < bytes.count, ASCII.isDigit(bytes[at + 1]) {
                at += 1
                if let run = digits() { release.append(run) }
            }
            while let last = release.last, last.isZero { release.removeLast() }

            var pre: (PreKind, DigitRun)?
            let preStart = at
            skipSeparator()
            if let kind = preLabel() {
                skipSeparator()
                pre = (kind, digits() ?? zero)
            } else {
                at = preStart
            }

            var post: DigitRun?
            let postStart = at
            if peek == ASCII.hyphen, at + 1 < bytes.count, ASCII.isDigit(bytes[at + 1]) {
                at += 1
                post = digits()
            } else {
                skipSeparator()
                if word("post") || word("rev") || word("r") {
                    skipSeparator()
                    post = digits() ?? zero
                } else {
                    at = postStart
                }
            }

            var dev: DigitRun?
            let devStart = at
            skipSeparator()
            if word("dev") {
                skipSeparator()
                dev = digits() ?? zero
            } else {
                at = devStart
            }

            var local: [LocalPart]?
            if peek == ASCII.plus {
                at += 1
                var parts: [LocalPart] = []
                while true {
                    guard let part = localPart() else { return nil }
                    parts.append(part)
                    guard isSeparator(peek) else { break }
                    at += 1
                }
                local = parts
            }
            return at == bytes.count ? (epoch, release, pre, post, dev, local) : nil
        }

        private var zero: DigitRun { DigitRun(bytes, at..<at) }
        private var peek: UInt8 { at < bytes.count ? bytes[at] : 0 }
        private func isSeparator(_ c: UInt8) -> Bool { c == ASCII.hyphen || c == ASCII.underscore || c == ASCII.dot }
        private mutating func skipSeparator() { if isSeparator(peek) { at += 1 } }

        private mutating func digits() -> DigitRun? {
            let start = at
            while at < bytes.count && ASCII.isDigit(bytes[at]) { at += 1 }
            return at > start ? DigitRun(bytes, start..<at) : nil
        }

        private mutating func word(_ w: StaticString) -> Bool {
            let n = w.utf8CodeUnitCount
            guard at + n <= bytes.count else { return false }
            let matches = w.withUTF8Buffer { buffer in
                var k = 0
                while k < n {
                    if bytes[at + k] != buffer[k] { return false }
                    k += 1
                }
                return true
            }
            if matches { at += n }
            return matches
        }

        /// Longest spelling first: a shorter one ("pre" of "preview") could never complete the match.
        private mutating func preLabel() -> PreKind? {
            if word("alpha") || word("a") { return .alpha }
            if word("beta") || word("b") { return .beta }
            if word("preview") || word("pre") || word("rc") || word("c") { return .candidate }
            return nil
        }

        private mutating func localPart() -> LocalPart? {
            let start = at
            var allDigits = true
            while at < bytes.count && ASCII.isAlnum(bytes[at]) {
                if !ASCII.isDigit(bytes[at]) { allDigits = false }
                at += 1
            }
            if at == start { return nil }
            return allDigits ? .number(DigitRun(bytes, start..<at)) : .label(start..<at)
        }
    }

    static func order(_ a: PEP440Version, _ b: PEP440Version) -> Int {
        var c = DigitRun.order(a.epoch, in: a.bytes, b.epoch, in: b.bytes)
        if c != 0 { return c }
        c = compareRelease(a, b)
        if c != 0 { return c }
        c = sign(a.preRank, b.preRank)
        if c != 0 { return c }
        if let pa = a.pre, let pb = b.pre {
            c = DigitRun.order(pa.number, in: a.bytes, pb.number, in: b.bytes)
            if c != 0 { return c }
        }
        // No post-release sorts first; no dev release sorts last.
        switch (a.post, b.post) {
        case (nil, nil): break
        case (nil, _): return -1
        case (_, nil): return 1
        case let (x?, y?):
            c = DigitRun.order(x, in: a.bytes, y, in: b.bytes)
            if c != 0 { return c }
        }
        switch (a.dev, b.dev) {
        case (nil, nil): break
        case (nil, _): return 1
        case (_, nil): return -1
        case let (x?, y?):
            c = DigitRun.order(x, in: a.bytes, y, in: b.bytes)
            if c != 0 { return c }
        }
        return compareLocal(a, b)
    }

    /// `packaging`'s trick: a bare dev release (1.0.dev1) sorts before every pre-release of its version.
    private var preRank: Int {
        if let pre { return pre.kind.rawValue }
        return post == nil && dev != nil ? 0 : 4
    }

    private static func compareRelease(_ a: PEP440Version, _ b: PEP440Version) -> Int {
        let n = min(a.release.count, b.release.count)
        var k = 0
        while k < n {
            let c = DigitRun.order(a.release[k], in: a.bytes, b.release[k], in: b.bytes)
            if c != 0 { return c }
            k += 1
        }
        return sign(a.release.count, b.release.count)
    }

    /// Local labels: absent first; then part by part, labels before numbers, labels as text, numbers by value.
    private static func compareLocal(_ a: PEP440Version, _ b: PEP440Version) -> Int {
        guard let la = a.local else { return b.local == nil ? 0 : -1 }
        guard let lb = b.local else { return 1 }
        let n = min(la.count, lb.count)
        var k = 0
        while k < n {
            let c: Int
            switch (la[k], lb[k]) {
            case let (.number(x), .number(y)): c = DigitRun.order(x, in: a.bytes, y, in: b.bytes)
            case (.label, .number): c = -1
            case (.number, .label): c = 1
            case let (.label(x), .label(y)): c = compareBytes(a.bytes, x, b.bytes, y)
            }
            if c != 0 { return c }
            k += 1
        }
        return sign(la.count, lb.count)
    }
}
