/// A Windows file or product version: one to four numbers `a.b.c.d`, each 0–65535; missing numbers are 0.
struct WindowsVersion: VersionKey {
    /// The four numbers packed high to low, so one integer comparison orders two versions.
    let packed: UInt64

    init(parsing text: String) throws(VersionError) {
        func fail(_ reason: String) -> VersionError {
            VersionError(version: text, scheme: .windows, reason: reason)
        }
        let bytes = Array(text.utf8)
        var start = 0, end = bytes.count
        while start < end && ASCII.isSpace(bytes[start]) { start += 1 }
        while end > start && ASCII.isSpace(bytes[end - 1]) { end -= 1 }
        if start == end { throw fail("the version is empty; Windows versions look like 10.0.19041.1") }
        var parts: [UInt64] = []
        var at = start
        while true {
            let partStart = at
            var value: UInt64 = 0
            while at < end && ASCII.isDigit(bytes[at]) {
                // Saturate: anything above 65535 is refused below, however long the run of digits.
                value = min(value &* 10 &+ UInt64(bytes[at] &- 0x30), 1 << 20)
                at += 1
            }
            if at == partStart {
                throw fail("each part must be a number (a.b.c.d, for example 10.0.19041.1)")
            }
            if value > 65535 { throw fail("part \(parts.count + 1) is larger than 65535") }
            parts.append(value)
            if at == end { break }
            guard bytes[at] == ASCII.dot else {
                throw fail("only digits and dots are allowed (a.b.c.d, for example 10.0.19041.1)")
            }
            if parts.count == 4 { throw fail("it has more than four parts") }
            at += 1
        }
        var packed: UInt64 = 0
        for k in 0..<4 { packed = packed << 16 | (k < parts.count ? parts[k] : 0) }
        self.packed = packed
    }

    static func order(_ a: WindowsVersion, _ b: WindowsVersion) -> Int { sign(a.packed, b.packed) }
}
