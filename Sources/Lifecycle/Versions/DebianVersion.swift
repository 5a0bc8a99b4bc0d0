/// `[epoch:]upstream[-revision]` as dpkg parses it; ordered as `dpkg --compare-versions`.
struct DebianVersion: VersionKey {
    let bytes: [UInt8]
    let epoch: Int
    let upstream: Range<Int>
    let revision: Range<Int>

    init(parsing text: String) throws(VersionError) {
        func fail(_ reason: String) -> VersionError { VersionError(version: text, scheme: .debian, reason: reason) }
        guard let bytes = cBytes(text) else { throw fail("it contains a NUL character") }
        self.bytes = bytes
        // dpkg trims blanks (space, tab) at both ends and refuses blanks inside.
        var start = 0
        while start < bytes.count && (bytes[start] == ASCII.space || bytes[start] == ASCII.tab) { start += 1 }
        if start == bytes.count { throw fail("the version is empty") }
        var end = start
        while end < bytes.count && bytes[end] != ASCII.space && bytes[end] != ASCII.tab { end += 1 }
        var rest = end
        while rest < bytes.count && (bytes[rest] == ASCII.space || bytes[rest] == ASCII.tab) { rest += 1 }
        if rest != bytes.count { throw fail("it contains spaces") }

        var versionStart = start
        if let colon = bytes[start..<end].firstIndex(of: ASCII.colon) {
            epoch = try Self.parseEpoch(bytes, from: start, colon: colon, fail)
            versionStart = colon + 1
            if versionStart == end { throw fail("nothing follows the epoch's colon") }
        } else {
            epoch = 0
        }
        if let hyphen = bytes[versionStart..<end].lastIndex(of: ASCII.hyphen) {
            if hyphen + 1 == end { throw fail("the revision after the last '-' is empty") }
            upstream = versionStart..<hyphen
            revision = (hyphen + 1)..<end
        } else {
            upstream = versionStart..<end
            revision = end..<end
        }
        if upstream.isEmpty { throw fail("the upstream version is empty") }
        // dpkg only warns about a non-digit start or odd characters and still compares such versions.
    }

    /// The epoch as dpkg reads it with `strtol`: optional space and sign, decimal digits, up to INT_MAX.
    private static func parseEpoch(
        _ bytes: [UInt8], from start: Int, colon: Int, _ fail: (String) -> VersionError
    ) throws(VersionError) -> Int {
        var i = start
        while i < colon && ASCII.isSpace(bytes[i]) { i += 1 }
        var negative = false
        if i < colon && (bytes[i] == ASCII.plus || bytes[i] == ASCII.hyphen) {
            negative = bytes[i] == ASCII.hyphen
            i += 1
        }
        let digitsStart = i
        var value = 0
        var tooBig = false
        while i < bytes.count && ASCII.isDigit(bytes[i]) {
            if !tooBig {
                let (times, o1) = value.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times.addingReportingOverflow(Int(bytes[i] &- 0x30))
                if o1 || o2 || sum > Int(Int32.max) { tooBig = true } else { value = sum }
            }
            i += 1
        }
        if i == digitsStart { throw fail("the epoch before ':' is empty or not a number") }
        if i != colon { throw fail("the epoch before ':' is not a number") }
        if negative && (value != 0 || tooBig) { throw fail("the epoch is negative") }
        if tooBig { throw fail("the epoch is larger than 2147483647") }
        return value
    }

    static func order(_ a: DebianVersion, _ b: DebianVersion) -> Int {
        if a.epoch != b.epoch { return a.epoch < b.epoch ? -1 : 1 }
        let upstream = compareParts(a.bytes, a.upstream, b.bytes, b.upstream)
        if upstream != 0 { return upstream }
        return compareParts(a.bytes, a.revision, b.bytes, b.revision)
    }

    /// dpkg's weight of a non-digit: `~` first, then the end of the string, letters, then everything else.
    @inline(__always) private static func weight(_ c: UInt8?) -> Int {
        guard let c else { return 0 }
        if ASCII.isDigit(c) { return 0 }
        if ASCII.isAlpha(c) { return Int(c) }
        if c == ASCII.tilde { return -1 }
        // dpkg reads bytes as signed chars, so bytes above 0x7F land below ASCII punctuation.
        return c < 0x80 ? Int(c) + 256 : Int(c)
    }

    /// dpkg's `verrevcmp`: alternating non-digit runs (by weight) and digit runs (by value).
    static func compareParts(_ a: [UInt8], _ ar: Range<Int>, _ b: [UInt8], _ br: Range<Int>) -> Int {
        var i = ar.lowerBound, j = br.lowerBound
        while i < ar.upperBound || j < br.upperBound {
            while (i < ar.upperBound && !ASCII.isDigit(a[i])) || (j < br.upperBound && !ASCII.isDigit(b[j])) {
                let wa = weight(i < ar.upperBound ? a[i] : nil), wb = weight(j < br.upperBound ? b[j] : nil)
                if wa != wb { return wa < wb ? -1 : 1 }
                i += 1
                j += 1
            }
            while i < ar.upperBound && a[i] == 0x30 { i += 1 }
            while j < br.upperBound && b[j] == 0x30 { j += 1 }
            var firstDifference = 0
            while i < ar.upperBound && j < br.upperBound && ASCII.isDigit(a[i]) && ASCII.isDigit(b[j]) {
                if firstDifference == 0 && a[i] != b[j] { firstDifference = a[i] < b[j] ? -1 : 1 }
                i += 1
                j += 1
            }
            if i < ar.upperBound && ASCII.isDigit(a[i]) { return 1 }
            if j < br.upperBound && ASCII.isDigit(b[j]) { return -1 }
            if firstDifference != 0 { return firstDifference }
        }
        return 0
    }
}
