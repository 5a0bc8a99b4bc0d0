import DepotTestSupport
import Foundation
import Testing

@Suite struct VersionCLITests {
    @Test(arguments: [
        ("1.0~rc1", "1.0", "debian", "<"), ("1:0.9", "2.0", "debian", ">"), ("1.10", "1.9", "dotted", ">"),
        ("1.0.0-alpha", "1.0.0", "semver", "<"), ("1.0", "1.0.0", "pep440", "="), ("10.0.19045.1", "10.0.19045", "windows", ">"),
    ])
    func compareAnswersLikeTheReference(a: String, b: String, scheme: String, expected: String) throws {
        let dir = try TemporaryDirectory()
        let result = try DepotBinary.run(["version", "compare", a, b, "--scheme", scheme, "--home", dir.path])
        #expect(result.stdout == expected + "\n", "\(result.stderr)")
        if scheme == "debian" {
            // dpkg itself agrees.
            let op = expected == "<" ? "lt" : expected == ">" ? "gt" : "eq"
            #expect(try Tools.run("dpkg", ["--compare-versions", a, op, b]).succeeded)
        }
    }

    @Test func sortReadsStandardInputAndInvalidVersionsAreNamed() throws {
        let dir = try TemporaryDirectory()
        let sorted = try DepotBinary.run(["version", "sort", "--scheme", "semver", "--home", dir.path],
                                         stdin: Data("1.0.0\n1.0.0-beta.11\n1.0.0-beta.2\n1.0.0-alpha\n".utf8))
        #expect(sorted.stdout == "1.0.0-alpha\n1.0.0-beta.2\n1.0.0-beta.11\n1.0.0\n")
        let invalid = try DepotBinary.run(["version", "compare", "1.x", "2.0.0", "--scheme", "semver", "--home", dir.path])
        #expect(invalid.status != 0)
        #expect(invalid.stderr.hasPrefix("depot: '1.x' is not a valid semver version"))
    }
}
