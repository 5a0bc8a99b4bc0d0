/// A Semantic Versioning 2.0.0 version, `MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]`, compared by its precedence.
struct SemanticVersion: VersionKey {
    let bytes: [UInt8]
    let major: DigitRun
    let minor: DigitRun
    let patch: DigitRun
    /// Dot-separated pre-release identifiers; empty for a release. Build metadata is checked, then dropped.
    let prerelease: [Identifier]

    enum Identifier {
        case number(DigitRun)
        case text(Range<Int>)
    }

    init(parsing text: String) throws(VersionError) {
        let bytes = Array(text.utf8)
        func fail(_ reason: String) -> VersionError {
            VersionError(version: text, scheme: .semver, reason: reason)
        }
        var at = 0
        func core(_ name: String, last: Bool) throws(VersionError) -> DigitRun {
            let start = at
            while at < bytes.count && ASCII.isDigit(bytes[at]) { at += 1 }
            if at == start {
                throw fail("the \(name) version must be a number (SemVer is MAJOR.MINOR.PATCH, for example 1.4.2)")
            }
            if bytes[start] == 0x30 && at - start > 1 { throw fail("the \(name) version has a leading zero") }
            if !last {
                guard at < bytes.count && bytes[at] == ASCII.dot else {
                    throw fail("SemVer needs exactly three numbers, MAJOR.MINOR.PATCH, for example 1.4.2")
                }
                at += 1
            }
            return DigitRun(bytes, start..<at)
        }
        major = try core("major", last: false)
        minor = try core("minor", last: false)
        patch = try core("patch", last: true)

        var identifiers: [Identifier] = []
        if at < bytes.count && bytes[at] == ASCII.hyphen {
            at += 1
            while true {
                let start = at
                var numeric = true
                while at < bytes.count && (ASCII.isAlnum(bytes[at]) || bytes[at] == ASCII.hyphen) {
                    if !ASCII.isDigit(bytes[at]) { numeric = false }
                    at += 1
                }
                if at == start { throw fail("a pre-release identifier is empty or has a character other than [0-9A-Za-z-]") }
                if numeric && bytes[start] == 0x30 && at - start > 1 {
                    throw fail("the numeric pre-release identifier '\(String(decoding: bytes[start..<at], as: UTF8.self))' has a leading zero")
                }
                identifiers.append(numeric ? .number(DigitRun(bytes, start..<at)) : .text(start..<at))
                guard at < bytes.count && bytes[at] == ASCII.dot else { break }
                at += 1
            }
        }
        if at < bytes.count && bytes[at] == ASCII.plus {
            at += 1
            while true {
                let start = at
                while at < bytes.count && (ASCII.isAlnum(bytes[at]) || bytes[at] == ASCII.hyphen) { at += 1 }
                if at == start { throw fail("a build metadata identifier is empty or has a character other than [0-9A-Za-z-]") }
                guard at < bytes.count && bytes[at] == ASCII.dot else { break }
                at += 1
            }
        }
        if at != bytes.count {
            throw fail("unexpected text after MAJOR.MINOR.PATCH; only -PRERELEASE and +BUILD may follow")
        }
        self.bytes = bytes
        prerelease = identifiers
    }

    static func order(_ a: SemanticVersion, _ b: SemanticVersion) -> Int {
        var c = DigitRun.order(a.major, in: a.bytes, b.major, in: b.bytes)
        if c != 0 { return c }
        c = DigitRun.order(a.minor, in: a.bytes, b.minor, in: b.bytes)
        if c != 0 { return c }
        c = DigitRun.order(a.patch, in: a.bytes, b.patch, in: b.bytes)
        if c != 0 { return c }
        // A pre-release comes before its release.
        switch (a.prerelease.isEmpty, b.prerelease.isEmpty) {
        case (true, true): return 0
        case (true, false): return 1
        case (false, true): return -1
        case (false, false): break
        }
        let n = min(a.prerelease.count, b.prerelease.count)
        var k = 0
        while k < n {
            switch (a.prerelease[k], b.prerelease[k]) {
            case let (.number(x), .number(y)): c = DigitRun.order(x, in: a.bytes, y, in: b.bytes)
            case (.number, .text): c = -1
            case (.text, .number): c = 1
            case let (.text(x), .text(y)): c = compareBytes(a.bytes, x, b.bytes, y)
            }
            if c != 0 { return c }
            k += 1
        }
        return sign(a.prerelease.count, b.prerelease.count)
    }
}
