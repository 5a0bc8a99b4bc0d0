/// Deterministic pseudo-random numbers (SplitMix64), so every run checks the same generated versions.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ n: Int) -> Int { Int.random(in: 0..<n, using: &self) }
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}

/// Version strings built from tokens, and pairs of them that are often near-identical, so that
/// equal results and single-token differences are as common as wholly different versions.
enum VersionGenerator {
    /// `count` pairs: a quarter unrelated; the rest with `b` made from `a` by changing, adding or dropping one
    /// token, or by respelling one token in a form the scheme should treat as equal (`equivalents`).
    static func pairs(
        _ count: Int, seed: UInt64, make: (inout SeededGenerator) -> [String],
        tokens: (inout SeededGenerator) -> String, equivalents: [[String]]
    ) -> [(String, String)] {
        var rng = SeededGenerator(seed: seed)
        var result: [(String, String)] = []
        result.reserveCapacity(count)
        while result.count < count {
            let a = make(&rng)
            var b = a
            let k = rng.below(b.count)
            switch rng.below(8) {
            case 0, 1: b = make(&rng)
            case 2: b[k] = tokens(&rng)
            case 3: b.insert(tokens(&rng), at: k)
            case 4: if b.count > 1 { b.remove(at: k) } else { b[k] = tokens(&rng) }
            default:
                // Respell every token that has equivalents, each with some chance.
                for i in b.indices {
                    if let group = equivalents.first(where: { $0.contains(b[i]) }), rng.chance(50) {
                        b[i] = rng.pick(group)
                    }
                }
            }
            let left = a.joined(), right = b.joined()
            // Pairs cross the reference tools as tab-separated lines; an empty or dash-led string would be
            // read by dpkg as "no version" or an option, which is not what is being checked.
            if left.isEmpty || right.isEmpty || left.hasPrefix("-") || right.hasPrefix("-") { continue }
            result.append((left, right))
        }
        return result
    }

    static let debianTokens = [
        "0", "1", "2", "9", "10", "01", "00", "123", ".", "+", "~", "~~", "a", "b", "z", "A", "Z",
        "rc", "beta", "dfsg", "-", ":", "ubuntu", "é", "_", " ",
    ]
    /// Mostly the common tokens; the ones dpkg warns about or refuses (":", " ", "é", "_") now and then.
    static func debianToken(_ rng: inout SeededGenerator) -> String {
        rng.pick(rng.chance(10) ? debianTokens : Array(debianTokens.prefix(19)))
    }
    static let debianEquivalents = [["0", "00"], ["1", "01", "001"], ["10", "010"], ["0:", ""]]

    /// Mostly valid Debian versions; epochs, revisions and the odd invalid spelling mixed in.
    static func debian(_ rng: inout SeededGenerator) -> [String] {
        var tokens: [String] = []
        tokens.append(rng.chance(70) ? rng.pick(["", "0:"]) : rng.pick(["1:", "2:", "10:", "1:", "x:", ":", "99999999999:"]))
        tokens.append(rng.pick(["0", "1", "2", "10", "1.0", "2.4", "a"]))
        for _ in 0..<rng.below(6) {
            tokens.append(debianToken(&rng))
        }
        if rng.chance(50) {
            tokens.append("-")
            for _ in 0...rng.below(3) { tokens.append(rng.pick(["0", "1", "2", "10", ".", "+", "~", "a", "deb11u1", "build"])) }
        }
        return tokens
    }

    static let rpmTokens = [
        "0", "1", "2", "9", "10", "01", "007", ".", "-", "_", "+", "~", "^", "a", "b", "Z", "rc",
        "el8", "fc38", "git", ".", ".", "é", " ", ":",
    ]
    static func rpmToken(_ rng: inout SeededGenerator) -> String { rng.pick(rpmTokens) }
    /// rpm treats every run of separators alike and numbers by value.
    static let rpmEquivalents = [["0", "00"], ["1", "01", "001"], ["10", "010"], [".", "_", "+", "..", " "], ["0:", "", ":"]]

    /// RPM `[epoch:]version[-release]` strings, including tildes, carets and odd separators.
    static func rpm(_ rng: inout SeededGenerator) -> [String] {
        var tokens: [String] = []
        tokens.append(rng.chance(75) ? rng.pick(["", "0:"]) : rng.pick(["1:", "2:", "01:", ":"]))
        tokens.append(rng.pick(["0", "1", "2", "1.0", "2.4", "a", "~", "^"]))
        for _ in 0..<rng.below(6) { tokens.append(rpmToken(&rng)) }
        if rng.chance(50) {
            tokens.append("-")
            for _ in 0..<rng.below(4) { tokens.append(rng.pick(["1", "2", "10", ".", "el9", "fc40", "~", "^", "a"])) }
        }
        return tokens
    }

    static let pep440Tokens = [
        "0", "1", "2", "10", "00", ".", "-", "_", "+", "!", "a", "b", "c", "rc", "alpha", "beta", "pre",
        "preview", "post", "rev", "r", "dev", "v", "local", "RC", "Post", " ", "x",
    ]
    static func pep440Token(_ rng: inout SeededGenerator) -> String { rng.pick(pep440Tokens) }
    /// Spellings PEP 440 normalises to one another.
    static let pep440Equivalents = [
        ["0", "00"], ["1", "01"], ["10", "010"], ["a", "alpha", "A", "Alpha"], ["b", "beta", "B"],
        ["c", "rc", "pre", "preview", "RC"], ["post", "rev", "r", "POST", "Rev"], ["dev", "DEV"],
        ["-", "_", "."], ["", "v", "V"],
    ]

    /// PEP 440 versions from its grammar, in its alternative spellings and cases; `pairs` breaks some of them.
    static func pep440(_ rng: inout SeededGenerator) -> [String] {
        var tokens: [String] = []
        if rng.chance(10) { tokens.append(rng.pick([" ", "\u{0B}", "  "])) }
        if rng.chance(15) { tokens.append(rng.pick(["v", "V"])) }
        if rng.chance(15) { tokens.append(rng.pick(["0", "1", "2", "01"])); tokens.append("!") }
        tokens.append(rng.pick(["0", "1", "2", "10", "01"]))
        for _ in 0..<rng.below(4) {
            tokens.append(".")
            tokens.append(rng.pick(["0", "0", "1", "2", "10", "00"]))
        }
        func separator(_ rng: inout SeededGenerator) -> String { rng.pick(["", "", ".", "-", "_"]) }
        func number(_ rng: inout SeededGenerator) -> String { rng.pick(["", "0", "1", "2", "10", "01"]) }
        if rng.chance(40) {
            tokens.append(separator(&rng))
            tokens.append(rng.pick(["a", "b", "c", "rc", "alpha", "beta", "pre", "preview", "RC", "Alpha", "B"]))
            tokens.append(separator(&rng))
            tokens.append(number(&rng))
        }
        if rng.chance(30) {
            if rng.chance(30) {
                tokens.append("-")
                tokens.append(rng.pick(["0", "1", "2", "10"]))
            } else {
                tokens.append(separator(&rng))
                tokens.append(rng.pick(["post", "rev", "r", "POST", "Rev"]))
                tokens.append(separator(&rng))
                tokens.append(number(&rng))
            }
        }
        if rng.chance(30) {
            tokens.append(separator(&rng))
            tokens.append(rng.pick(["dev", "DEV"]))
            tokens.append(separator(&rng))
            tokens.append(number(&rng))
        }
        if rng.chance(25) {
            tokens.append("+")
            tokens.append(rng.pick(["ubuntu", "1", "abc", "Local", "01", "a1"]))
            for _ in 0..<rng.below(3) {
                tokens.append(rng.pick([".", "-", "_"]))
                tokens.append(rng.pick(["1", "2", "abc", "z", "10", "0"]))
            }
        }
        if rng.chance(10) { tokens.append(rng.pick([" ", "\u{0C}"])) }
        return tokens.filter { !$0.isEmpty }
    }
}
