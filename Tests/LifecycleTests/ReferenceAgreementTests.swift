import DepotTestSupport
import Foundation
import Lifecycle
import Testing

/// Generated version pairs, ordered by the real reference tools and by Depot; every answer must match,
/// including which strings the reference refuses ("!" below).
@Suite("Version ordering agrees with the reference tools")
struct ReferenceAgreementTests {
    static let debianPairs = VersionGenerator.pairs(
        2_000, seed: 0xDEB1A4, make: VersionGenerator.debian, tokens: VersionGenerator.debianToken,
        equivalents: VersionGenerator.debianEquivalents)
    static let rpmPairs = VersionGenerator.pairs(
        4_000, seed: 0x2E0A, make: VersionGenerator.rpm, tokens: VersionGenerator.rpmToken,
        equivalents: VersionGenerator.rpmEquivalents)
    static let pep440Pairs = VersionGenerator.pairs(
        5_000, seed: 0x9E9440, make: VersionGenerator.pep440, tokens: VersionGenerator.pep440Token,
        equivalents: VersionGenerator.pep440Equivalents)

    @Test("debian ordering matches dpkg --compare-versions")
    func debianMatchesDpkg() throws {
        let dpkg = try #require(Tools.which("dpkg"), "dpkg is needed for this cross-check; run 'make deps'")
        let directory = try TemporaryDirectory("lifecycle-dpkg")
        let input = try directory.write("pairs.tsv", Self.tsv(Self.debianPairs))
        // dpkg exits 0 when the relation holds, 1 when not, 2 when a version is refused.
        let script = """
            while IFS=$'\\t' read -r a b; do
              "$0" --compare-versions "$a" lt "$b" 2>/dev/null; r=$?
              if [ $r -eq 0 ]; then echo '<'
              elif [ $r -eq 1 ]; then
                if "$0" --compare-versions "$a" eq "$b" 2>/dev/null; then echo '='; else echo '>'; fi
              else echo '!'; fi
            done < "$1"
            """
        let output = try Tools.require("/bin/bash", ["-c", script, dpkg, input.path]).stdout
        try Self.expectAgreement(.debian, pairs: Self.debianPairs, reference: output, tool: "dpkg")
    }

    @Test("rpm ordering matches rpm.labelCompare, and pep440 matches packaging.version")
    func rpmAndPEP440MatchPython() throws {
        let python = "/usr/bin/python3"
        let probe = try Tools.run(python, ["-c", "import rpm, packaging.version"])
        try #require(probe.succeeded, "Debian's python3-rpm and python3-packaging are needed; run 'make deps': \(probe.stderr)")
        let directory = try TemporaryDirectory("lifecycle-python")
        let rpmInput = try directory.write("rpm.tsv", Self.tsv(Self.rpmPairs))
        let pepInput = try directory.write("pep440.tsv", Self.tsv(Self.pep440Pairs))
        // rpm.ver splits epoch:version-release the way rpm does; labelCompare then orders the triples.
        let script = """
            import sys, rpm
            from packaging.version import Version, InvalidVersion
            def rows(path):
                with open(path, encoding="utf-8", newline="\\n") as f:
                    for line in f:
                        yield line[:-1].split("\\t")
            def symbol(r):
                return "<" if r < 0 else (">" if r > 0 else "=")
            for a, b in rows(sys.argv[1]):
                try:
                    x, y = rpm.ver(a), rpm.ver(b)
                    print("rpm", symbol(rpm.labelCompare((x.e, x.v, x.r), (y.e, y.v, y.r))))
                except Exception:
                    print("rpm !")
            for a, b in rows(sys.argv[2]):
                try:
                    x, y = Version(a), Version(b)
                except InvalidVersion:
                    print("pep440 !")
                    continue
                print("pep440", symbol((x > y) - (x < y)))
            """
        let output = try Tools.require(python, ["-c", script, rpmInput.path, pepInput.path]).stdout
        var rpmAnswers = "", pepAnswers = ""
        for line in output.split(separator: "\n") {
            if line.hasPrefix("rpm ") { rpmAnswers += line.dropFirst(4) + "\n" }
            if line.hasPrefix("pep440 ") { pepAnswers += line.dropFirst(7) + "\n" }
        }
        try Self.expectAgreement(.rpm, pairs: Self.rpmPairs, reference: rpmAnswers, tool: "rpm.labelCompare")
        try Self.expectAgreement(.pep440, pairs: Self.pep440Pairs, reference: pepAnswers, tool: "packaging.version")
    }

    static func tsv(_ pairs: [(String, String)]) -> String {
        pairs.map { "\($0.0)\t\($0.1)\n" }.joined()
    }

    /// Compares Depot's answer for each pair with the reference's; reports the first disagreements in full.
    static func expectAgreement(
        _ scheme: VersionScheme, pairs: [(String, String)], reference: String, tool: String
    ) throws {
        let answers = reference.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        try #require(answers.count == pairs.count, "\(tool) answered \(answers.count) of \(pairs.count) pairs")
        var disagreements: [String] = []
        var tally: [String: Int] = [:]
        for ((a, b), expected) in zip(pairs, answers) {
            tally[expected, default: 0] += 1
            let actual: String
            do {
                actual = try VersionComparator.compare(a, b, scheme: scheme).symbol
            } catch {
                actual = "!"
            }
            if actual != expected {
                disagreements.append("'\(a)' vs '\(b)': \(tool) says \(expected), Depot says \(actual)")
            }
        }
        for line in disagreements.prefix(15) { Issue.record("\(scheme.rawValue): \(line)") }
        #expect(disagreements.isEmpty, "\(disagreements.count) of \(pairs.count) \(scheme.rawValue) pairs disagree with \(tool)")
        // The generated pairs must exercise every outcome, or agreement would prove little.
        for outcome in ["<", "=", ">"] {
            #expect(tally[outcome, default: 0] >= pairs.count / 20, "too few '\(outcome)' pairs for \(scheme.rawValue): \(tally)")
        }
        #expect(tally["!", default: 0] >= pairs.count / 100, "too few refused pairs for \(scheme.rawValue): \(tally)")
        print("\(tool): \(pairs.count - disagreements.count) of \(pairs.count) generated \(scheme.rawValue) pairs agree \(tally.sorted { $0.key < $1.key })")
    }
}
