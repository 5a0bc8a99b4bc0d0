import DepotModel
import Lifecycle
import Testing

/// Expects `versions` to be strictly increasing under `scheme`, checking every pair, both ways round.
private func expectAscending(_ versions: [String], _ scheme: VersionScheme, sourceLocation: SourceLocation = #_sourceLocation) throws {
    for i in versions.indices {
        for j in versions.indices where i != j {
            let expected: VersionOrder = i < j ? .older : .newer
            let actual = try VersionComparator.compare(versions[i], versions[j], scheme: scheme)
            #expect(actual == expected, "\(scheme.rawValue): '\(versions[i])' vs '\(versions[j])'", sourceLocation: sourceLocation)
        }
    }
    #expect(try VersionComparator.sort(versions.reversed(), scheme: scheme) == versions, sourceLocation: sourceLocation)
}

private func expectSame(_ a: String, _ b: String, _ scheme: VersionScheme, sourceLocation: SourceLocation = #_sourceLocation) throws {
    #expect(try VersionComparator.compare(a, b, scheme: scheme) == .same, "\(scheme.rawValue): '\(a)' vs '\(b)'", sourceLocation: sourceLocation)
}

private func expectRefused(_ version: String, _ scheme: VersionScheme, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        _ = try VersionComparator.compare(version, version, scheme: scheme)
        Issue.record("\(scheme.rawValue) accepted '\(version)'", sourceLocation: sourceLocation)
    } catch {
        #expect(error.scheme == scheme, sourceLocation: sourceLocation)
        #expect(error.version == version, sourceLocation: sourceLocation)
        #expect(error.kind == .invalidInput && error.code == "version.invalid", sourceLocation: sourceLocation)
        #expect(error.message.contains("'\(version)'") && error.message.contains(scheme.rawValue), "\(error.message)", sourceLocation: sourceLocation)
    }
}

@Suite("SemVer 2.0.0 precedence")
struct SemVerTests {
    @Test("the specification's example orderings")
    func specificationExamples() throws {
        try expectAscending(
            ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11",
             "1.0.0-rc.1", "1.0.0"], .semver)
        try expectAscending(["1.0.0", "2.0.0", "2.1.0", "2.1.1"], .semver)
        try expectAscending(["1.9.0", "1.10.0", "1.11.0"], .semver)
    }

    @Test("build metadata is ignored; numbers of any size compare by value")
    func buildMetadataAndLargeNumbers() throws {
        try expectSame("1.0.0+20130313144700", "1.0.0+exp.sha.5114f85", .semver)
        try expectSame("1.0.0-beta+exp.sha.5114f85", "1.0.0-beta", .semver)
        try expectAscending(["18446744073709551615.0.0", "18446744073709551616.0.0", "99999999999999999999999.0.0"], .semver)
        try expectAscending(["1.0.0-2", "1.0.0-10", "1.0.0--", "1.0.0-1a", "1.0.0-a"], .semver)
    }

    @Test("strings that are not SemVer are refused with the string and scheme named")
    func invalidStrings() {
        for bad in ["", "1", "1.0", "1.0.0.0", "v1.0.0", "01.0.0", "1.02.0", "1.0.0-01", "1.0.0-", "1.0.0+",
                    "1.0.0-alpha..1", "1.0.0-alpha_beta", "1.0.0+build..1", " 1.0.0", "1.0.0 ", "1.0.0-é", "a.b.c"] {
            expectRefused(bad, .semver)
        }
    }
}

@Suite("Windows versions")
struct WindowsVersionTests {
    @Test("four numeric parts, missing parts are zero")
    func ordering() throws {
        try expectAscending(["6.1.7600.16385", "6.1.7601.17514", "10.0.19041.1", "10.0.19041.1000", "10.0.22621.0", "65535.65535.65535.65535"], .windows)
        try expectSame("1.2", "1.2.0.0", .windows)
        try expectSame("10", "10.0.0.0", .windows)
        try expectSame("1.02.0003", "1.2.3", .windows)
        try expectSame(" 1.2.3.4 ", "1.2.3.4", .windows)
    }

    @Test("parts above 65535, a fifth part, letters and empty parts are refused")
    func invalidStrings() {
        for bad in ["", "65536.0", "1.2.3.65536", "1.2.3.4.5", "1.2a", "1..2", "1.2.", ".1", "v1.2", "1,2", "1.2.3.4 (x64)",
                    "99999999999999999999999"] {
            expectRefused(bad, .windows)
        }
    }
}

@Suite("Dotted vendor versions")
struct DottedVersionTests {
    @Test("trailing zeros do not count and numbers compare by value")
    func numbers() throws {
        try expectSame("1.2", "1.2.0", .dotted)
        try expectSame("1.2", "1.2.0.0.0", .dotted)
        try expectAscending(["1.2", "1.9", "1.10", "1.10.1", "2", "10.0", "2024.1"], .dotted)
    }

    @Test("pre-releases come before their release, patches after it")
    func qualifiers() throws {
        try expectAscending(
            ["1.2-SNAPSHOT", "1.2a1", "1.2-alpha.2", "1.2b3", "1.2-beta.11", "1.2-rc1", "1.2rc2", "1.2",
             "1.2-1", "1.2.1"], .dotted)
        try expectAscending(["1.1.1", "1.1.1k", "1.1.1w", "1.1.2"], .dotted)
        try expectAscending(["8u292", "8u301", "9"], .dotted)
        try expectSame("1.2-rc1", "1.2rc1", .dotted)
        try expectSame("1.2.0rc1", "1.2rc1", .dotted)
        try expectSame("1.2-alpha", "1.2a", .dotted)
        try expectSame("2.0 final", "2.0", .dotted)
    }

    @Test("a leading v, build metadata and architecture notes are ignored")
    func decorations() throws {
        try expectSame("v1.2", "1.2", .dotted)
        try expectSame("V2.0.1", "2.0.1", .dotted)
        try expectSame("7.0.1 (64-bit)", "7.0.1", .dotted)
        try expectSame("7.0.1 64-bit", "7.0.1", .dotted)
        try expectSame("23.01 x64", "23.01", .dotted)
        try expectSame("1.2.3+build.45", "1.2.3", .dotted)
        try expectSame("release-3.1", "3.1", .dotted)
        try expectSame("115.0.2 [esr]", "115.0.2", .dotted)
    }

    @Test("any string is accepted and ordered consistently")
    func neverRefuses() throws {
        let odd = ["", "latest", "((((", "))", "+", "…", "1.2.3.4.5.6.7.8.9", "v", "0", "00000000000000000000000001",
                   "1..2", "beta", "1.2-", "-1.2", "\u{0}1.2", "🙂1.0", String(repeating: "9", count: 500)]
        for a in odd {
            try VersionComparator(.dotted).validate(a)
            for b in odd { _ = try VersionComparator.compare(a, b, scheme: .dotted) }
        }
        let sorted = try VersionComparator.sort(odd, scheme: .dotted)
        #expect(sorted.sorted() == odd.sorted())
        for (x, y) in zip(sorted, sorted.dropFirst()) {
            #expect(try VersionComparator.compare(x, y, scheme: .dotted) != .newer, "'\(x)' sorted before '\(y)'")
        }
    }
}

@Suite("Debian, RPM and PEP 440 by example")
struct PackageSchemeExampleTests {
    @Test("debian: epochs, tildes, letters before other punctuation, revisions")
    func debian() throws {
        try expectAscending(["1.0~~", "1.0~~a", "1.0~", "1.0", "1.0-1", "1.0a", "1.0+dfsg-1", "1.1", "1:0.5", "2:0.1"], .debian)
        try expectSame("0:1.0-1", "1.0-1", .debian)
        try expectSame("1.0-01", "1.0-1", .debian)
        for bad in ["", "1.0-", "1:", "a:1.0", "1 2", "-1:2", "1:-2", "99999999999:1", "1.0\u{0}1"] { expectRefused(bad, .debian) }
    }

    @Test("rpm: tilde before, caret after, digits over letters, epoch first, missing release first")
    func rpm() throws {
        try expectAscending(["1.0~rc1", "1.0", "1.0-1", "1.0^git1", "1.0a", "1.0.1", "1:0.1"], .rpm)
        try expectAscending(["1.0", "1.0^", "1.0^git1", "1.0.1"], .rpm)
        try expectSame("1.0_1", "1.0.1", .rpm)
        try expectSame("0:1.0-1", "1.0-1", .rpm)
        for bad in ["", "1:", "1:-2", "-3", "1.0\u{0}1"] { expectRefused(bad, .rpm) }
    }

    @Test("pep440: normalised spellings, dev/pre/post/local order")
    func pep440() throws {
        try expectAscending(
            ["1.0.dev0", "1.0a0.dev1", "1.0a0", "1.0b1", "1.0rc1", "1.0", "1.0+local", "1.0+local.1", "1.0+1",
             "1.0.post1.dev0", "1.0.post1", "1.1", "1!0.1"], .pep440)
        try expectSame("1.0", "1.0.0", .pep440)
        try expectSame("1.0alpha1", "1.0a1", .pep440)
        try expectSame("1.0-preview-2", "1.0rc2", .pep440)
        try expectSame("1.0-1", "1.0.post1", .pep440)
        try expectSame("v1.0.REV", "1.0.post0", .pep440)
        try expectSame(" 1.0 ", "1.0", .pep440)
        for bad in ["", "1.0-", "1.0.x", "v", "1.0+", "1.0+a..b", "1.0.dev1.post1", "1.0 1", "1,0", "１.0"] {
            expectRefused(bad, .pep440)
        }
    }
}

@Suite("Choosing a scheme")
struct SchemeGuessTests {
    @Test("guess names the scheme the strings follow")
    func guesses() {
        #expect(VersionComparator.guess(["10.0.19041.1", "10.0.22621.2861"]) == .windows)
        #expect(VersionComparator.guess(["115.0", "115.0.2", "116"]) == .dotted)
        #expect(VersionComparator.guess(["1.0.0", "1.1.0-rc.1"]) == .semver)
        #expect(VersionComparator.guess(["1:2.0-1", "2.1-3"]) == .debian)
        #expect(VersionComparator.guess(["2.0~rc1-1", "2.0-1"]) == .debian)
        #expect(VersionComparator.guess(["1.2.3-1.el9", "1.2.4-2.el9"]) == .rpm)
        #expect(VersionComparator.guess(["1.0.post1", "1.0.dev3", "1.1rc1"]) == .pep440)
        #expect(VersionComparator.guess(["1.1.1k", "3.0.13", "2.0-SNAPSHOT"]) == .dotted)
        #expect(VersionComparator.guess(["70000.1.2.3", "1.2.3.4"]) == .dotted)
        #expect(VersionComparator.guess([]) == .dotted)
    }

    @Test("auto compares and sorts by the guessed scheme, and a declared scheme wins over the guess")
    func autoUsesGuess() throws {
        #expect(try VersionComparator.compare("1.0~rc1", "1.0", scheme: .auto) == .older)
        #expect(try VersionComparator.sort(["1.0.0", "1.0.0-rc.1", "1.0.0-alpha"], scheme: .auto)
            == ["1.0.0-alpha", "1.0.0-rc.1", "1.0.0"])
        #expect(VersionScheme.auto.resolved(for: ["1.0.0"]) == .dotted)
        #expect(VersionScheme.pep440.resolved(for: ["1.0.0"]) == .pep440)
        // A declared strict scheme refuses what the guess would have tolerated.
        #expect(throws: VersionError.self) { try VersionComparator.sort(["1.0", "1.1.1k"], scheme: .pep440) }
        #expect(try VersionComparator.sort(["1.1.1k", "1.0"], scheme: .auto) == ["1.0", "1.1.1k"])
    }

    @Test("sort keeps equal versions in input order")
    func stableSort() throws {
        #expect(try VersionComparator.sort(["1.2.0", "1.0", "1.2", "1.2.0.0"], scheme: .dotted) == ["1.0", "1.2.0", "1.2", "1.2.0.0"])
        #expect(try VersionComparator.sort(["1.2", "1.0", "1.2.0.0", "1.2.0"], scheme: .windows) == ["1.0", "1.2", "1.2.0.0", "1.2.0"])
    }
}

@Suite("Sorting generated versions")
struct GeneratedSortTests {
    @Test("sort returns the same strings, each no newer than the next", arguments: [VersionScheme.debian, .rpm, .pep440, .dotted])
    func sortAgreesWithCompare(scheme: VersionScheme) throws {
        let make: (inout SeededGenerator) -> [String] = switch scheme {
        case .debian: VersionGenerator.debian
        case .rpm: VersionGenerator.rpm
        default: VersionGenerator.pep440
        }
        var rng = SeededGenerator(seed: 42)
        let comparator = VersionComparator(scheme)
        var versions: [String] = []
        while versions.count < 1_000 {
            let candidate = make(&rng).joined()
            if (try? comparator.validate(candidate)) != nil { versions.append(candidate) }
        }
        let sorted = try comparator.sort(versions)
        #expect(sorted.sorted() == versions.sorted())
        for (x, y) in zip(sorted, sorted.dropFirst()) {
            #expect(try comparator.compare(x, y) != .newer, "\(scheme.rawValue): '\(x)' sorted before '\(y)'")
        }
        #expect(try comparator.compare(sorted[0], sorted[sorted.count - 1]) == .older)
    }
}
