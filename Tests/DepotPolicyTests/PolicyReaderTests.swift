import DepotPolicy
import DepotTestSupport
import Foundation
import Testing

@Suite("Reading one policy file")
struct PolicyReaderTests {
    static let intake = """
        maxInstallerBytes: 8 GiB
        maxUncompressedBytes: 32 GiB
        maxCompressionRatio: 200
        maxEntries: 250000
        maxPathLength: 1024
        maxNestingDepth: 3
        maxMetadataBytes: 16 MiB
        progressThresholdBytes: 50 MB
        """

    @Test("a wrong type names line, column, expectation and what was found")
    func wrongType() {
        let yaml = Self.intake.replacingOccurrences(of: "maxEntries: 250000", with: "maxEntries: [1, 2]")
        #expect(problems(IntakePolicy.self, yaml) == [
            "Policies/intake.yaml:4:13: maxEntries: expected a number of entries from 1 to 100000000, got a list",
        ])
    }

    @Test("sizes take units, and nonsense or overflow is refused")
    func byteSizes() throws {
        let policy = try IntakePolicy.parse(yaml: Self.intake.replacingOccurrences(of: "32 GiB", with: "1_000 kB"))
        #expect(policy.maxInstallerBytes == 8 * 1024 * 1024 * 1024)
        #expect(policy.maxUncompressedBytes == 1_000_000)
        #expect(policy.progressThresholdBytes == 50_000_000)
        let bad = Self.intake
            .replacingOccurrences(of: "8 GiB", with: "8 gigs")
            .replacingOccurrences(of: "32 GiB", with: "99999999999 TiB")
        let expectation = "expected a size such as 8 GiB, 50 MB or a number of bytes, of at least 1 bytes"
        #expect(problems(IntakePolicy.self, bad) == [
            "Policies/intake.yaml:1:20: maxInstallerBytes: \(expectation), got '8 gigs'",
            "Policies/intake.yaml:2:23: maxUncompressedBytes: \(expectation), got '99999999999 TiB'",
        ])
    }

    @Test("a negative amount is refused in the words of the policy")
    func negativeAmount() {
        let yaml = """
            currency: SEK
            vatRate: 0.25
            priceLists:
              - effectiveFrom: 2025-01-01
                includedPerMonth: 12
                packaging:
                  simple: {new: 4200, update: 1600.505}
                  complex:
                    new: 16800
                    update: -5
                installOrders:
                  perInstall: 95
            """
        #expect(problems(PricingPolicy.self, yaml) == [
            "Policies/pricing.yaml:7:35: priceLists[0].packaging.simple.update: expected an amount in SEK with at most two decimals (whole öre), got '1600.505'",
            "Policies/pricing.yaml:10:17: priceLists[0].packaging.complex.update: expected a non-negative amount in SEK, got '-5'",
        ])
    }

    @Test("an unknown key gets the nearest known key, or the list of known keys")
    func unknownKeys() {
        let yaml = Self.intake
            .replacingOccurrences(of: "maxPathLength", with: "maxPathLenght")
            .appending("\ncolour: blue")
        #expect(problems(IntakePolicy.self, yaml) == [
            "Policies/intake.yaml:1:1: missing required key 'maxPathLength'",
            "Policies/intake.yaml:5:1: unknown key 'maxPathLenght'; did you mean 'maxPathLength'?",
            "Policies/intake.yaml:9:1: unknown key 'colour'; expected one of: maxInstallerBytes, maxUncompressedBytes, "
                + "maxCompressionRatio, maxEntries, maxPathLength, maxNestingDepth, maxMetadataBytes, progressThresholdBytes, "
                + "maxReadMultiple, maxMsiTableRows, maxRpmHeaderTags, maxWarningExamples, maxSecondsPerInstaller",
        ])
    }

    @Test("a missing required key and an empty value are both named")
    func missingKey() {
        let yaml = """
            keyAlgorithm: ec-p256
            digest:
            rootCertificateDays: 3650
            signingCertificateDays: 730
            catalogExpiryDays: 7
            refreshWhenDaysLeft: 2
            """
        #expect(problems(SigningPolicy.self, yaml) == [
            "Policies/signing.yaml:1:1: missing required key 'eduExpiryDays'",
            "Policies/signing.yaml:2:8: digest: expected a value, got nothing",
        ])
    }

    @Test("a date that does not exist is refused with its line")
    func badDate() {
        let yaml = """
            name: Blackout
            from: 2026-02-29
            through: 2026-13-01
            """
        let wrapped = "timezone: Europe/Stockholm\nenvironments:\n  admin:\n    noticeDays: 5\n    windows:\n"
            + "      - {name: Evenings, days: [mon], start: \"18:00\", end: \"22:00\"}\n"
            + "  edu:\n    noticeDays: 5\n    windows:\n      - {name: Evenings, days: [mon], start: \"18:00\", end: \"22:00\"}\n"
            + "cityWideBlackouts:\n  - " + yaml.replacingOccurrences(of: "\n", with: "\n    ")
        #expect(problems(MaintenanceWindowPolicy.self, wrapped) == [
            "Policies/maintenance-windows.yaml:13:11: cityWideBlackouts[0].from: expected a date as YYYY-MM-DD, got '2026-02-29'",
            "Policies/maintenance-windows.yaml:14:14: cityWideBlackouts[0].through: expected a date as YYYY-MM-DD, got '2026-13-01'",
        ])
    }

    @Test("windows check times, weekdays, ranges and the required environments")
    func maintenanceWindows() {
        let yaml = """
            timezone: Europe/Stokholm
            environments:
              admin:
                noticeDays: 5
                windows:
                  - name: Evenings
                    days: [mon, tuesday, fry]
                    start: "25:00"
                    end: "22:00"
            cityWideBlackouts:
              - {name: Closing, from: 2025-12-19, through: 2025-12-01}
            """
        #expect(problems(MaintenanceWindowPolicy.self, yaml) == [
            "Policies/maintenance-windows.yaml:1:11: timezone: expected an IANA time zone such as Europe/Stockholm, got 'Europe/Stokholm'",
            "Policies/maintenance-windows.yaml:3:3: environments: missing environment 'edu'; every environment needs its maintenance windows",
            "Policies/maintenance-windows.yaml:7:30: environments.admin.windows[0].days[2]: expected a weekday: mon, tue, wed, thu, fri, sat or sun, got 'fry'; did you mean 'fri'?",
            "Policies/maintenance-windows.yaml:8:16: environments.admin.windows[0].start: expected a time of day as HH:MM from 00:00 to 24:00, got '25:00'",
            "Policies/maintenance-windows.yaml:11:48: cityWideBlackouts[0].through: expected a date on or after 2025-12-19 (the blackout's first day), got '2025-12-01'",
        ])
    }

    @Test("malformed YAML is reported with the parser's line")
    func malformedYAML() {
        let yaml = """
            defaultTier: simple
            rules:
              - id: drivers
                when: {driversAtLeast: 1
                tier: complex
            """
        #expect(problems(ClassificationPolicy.self, yaml) == [
            "Policies/classification.yaml:5:9: not valid YAML: did not find expected ',' or '}' "
                + "(while parsing a flow mapping that began at line 4, column 11)",
        ])
        let tabbed = "maxInstallerBytes: 8 GiB\n\tmaxEntries: 5\n"
        #expect(problems(IntakePolicy.self, tabbed).first?.hasPrefix("Policies/intake.yaml:2:") == true)
    }

    @Test("a key written twice in one mapping is refused")
    func duplicateKey() {
        let yaml = Self.intake + "\nmaxEntries: 10"
        let found = problems(IntakePolicy.self, yaml)
        #expect(found.count == 1)
        #expect(found.first?.hasSuffix("key 'maxEntries' appears more than once in the same mapping; keep one") == true)
        #expect(found.first?.hasPrefix("Policies/intake.yaml:4:1:") == true || found.first?.hasPrefix("Policies/intake.yaml:9:1:") == true)
    }

    @Test("aliases are refused before parsing, while an asterisk in prose is text")
    func aliases() throws {
        let laughs = """
            a: &a [x, x, x, x, x, x, x, x, x]
            b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
            c: [*b, *b, *b, *b, *b, *b, *b, *b, *b]
            """
        #expect(problems(IntakePolicy.self, laughs) == [
            "Policies/intake.yaml:2:8: aliases (*name) are not allowed in policy files: write the value out where it is used",
        ])
        let prose = """
            defaultTier: simple
            rules:
              - id: drivers
                when: {driversAtLeast: 1}
                tier: complex
                reason: Drivers are a *lot* of work  # and a "*comment"
              - id: services
                when: {servicesAtLeast: 1}
                tier: complex
                reason: |
                  *Services* run with system rights.
                  * They need accounts.
            """
        let policy = try ClassificationPolicy.parse(yaml: prose)
        #expect(policy.rules.map(\.reason) == ["Drivers are a *lot* of work", "*Services* run with system rights.\n* They need accounts."])
    }

    @Test("an unknown choice suggests the nearest valid one")
    func badChoice() {
        let yaml = """
            defaultTier: simple
            rules:
              - id: drivers
                when: {driversAtLeast: 1, installerTypeIn: [msi, nsiss]}
                tier: complx
                reason: Drivers.
            """
        #expect(problems(ClassificationPolicy.self, yaml) == [
            "Policies/classification.yaml:4:54: rules[0].when.installerTypeIn[1]: expected an installer type: one of msix, nupkg, wheel, jar, crx, deb, rpm, pkg, portable, msi, nsis, inno, burn, installshield, exe, got 'nsiss'; did you mean 'nsis'?",
            "Policies/classification.yaml:5:11: rules[0].tier: expected a tier: one of simple, complex, got 'complx'; did you mean 'complex'?",
        ])
    }

    @Test("classification rules need unique ids and at least one condition")
    func classificationRules() {
        let yaml = """
            defaultTier: simple
            rules:
              - id: drivers
                when: {driversAtLeast: 1}
                tier: complex
                reason: Drivers.
              - id: drivers
                when: {}
                tier: complex
                reason: Again.
              - id: reboots
                when: {schedulesReboot: yes}
                tier: complex
                reason: Reboots.
            """
        #expect(problems(ClassificationPolicy.self, yaml) == [
            "Policies/classification.yaml:7:9: rules[1].id: rule id 'drivers' is already used on line 3; ids must be unique",
            "Policies/classification.yaml:8:11: rules[1].when: a rule needs at least one condition under 'when'",
            "Policies/classification.yaml:12:29: rules[2].when.schedulesReboot: expected true or false, got 'yes'",
        ])
    }

    @Test("price lists must go oldest first")
    func priceListOrder() {
        let list = { (date: String) in
            "  - effectiveFrom: \(date)\n    includedPerMonth: 12\n    packaging:\n"
                + "      simple: {new: 1, update: 1}\n      complex: {new: 2, update: 2}\n    installOrders: {perInstall: 0}\n"
        }
        let yaml = "currency: SEK\nvatRate: 0.25\npriceLists:\n" + list("2026-01-01") + list("2025-01-01")
        #expect(problems(PricingPolicy.self, yaml) == [
            "Policies/pricing.yaml:10:20: priceLists[1].effectiveFrom: expected a date after 2026-01-01 (price lists go oldest first, one per effective date), got '2025-01-01'",
        ])
    }

    @Test("licence files refuse an identifier listed twice and a missing category")
    func licenceCategories() {
        let yaml = """
            categories:
              permissive:
                admin: allow
                edu: allow
                reason: Free.
                identifiers: [MIT, Apache-2.0]
              copyleft:
                admin: allow
                edu: allow
                reason: Share alike.
                identifiers: [GPL-*, mit]
            """
        let found = problems(LicencePolicy.self, yaml)
        #expect(found.first == "Policies/licences.yaml:2:3: categories: missing category 'weak-copyleft'; every category needs an outcome for admin and edu")
        #expect(found.contains("Policies/licences.yaml:11:26: categories.copyleft.identifiers[1]: 'mit' is already listed under permissive on line 6; list each identifier once"))
        #expect(found.count == 7)
    }

    @Test("a notice period longer than the allowed delay is refused")
    func currencyTerms() {
        let yaml = """
            defaults: {rule: second-latest, noticePeriodDays: 14, maxDaysBehind: 30}
            baseline:
              - program: mozilla-firefox
                name: Mozilla Firefox
                systemOwner: Klientplattform
                noticePeriodDays: 21
                maxDaysBehind: 14
              - program: Google Chrome
                name: Google Chrome
                systemOwner: Klientplattform
            """
        #expect(problems(CurrencyPolicy.self, yaml) == [
            "Policies/currency.yaml:3:5: baseline[0]: expected noticePeriodDays (21) to be at most maxDaysBehind (14): the notice to system owners must end before the program falls out of policy",
            "Policies/currency.yaml:8:14: baseline[1].program: expected a program id from Catalog/ of lowercase letters, digits, '.', '+' and '-', starting with a letter or digit, got 'Google Chrome'",
        ])
    }

    @Test("empty, non-UTF-8 and oversized files are refused by name")
    func unreadableFiles() throws {
        let temp = try TemporaryDirectory("policy")
        let empty = try temp.write("Policies/intake.yaml", "# nothing here\n")
        let latin1 = try temp.write("Policies/signing.yaml", Data([0x6B, 0x65, 0x79, 0x3A, 0x20, 0xE5, 0xE4, 0xF6, 0x0A]))
        let huge = try temp.write("Policies/pruning.yaml", String(repeating: "# padding\n", count: 120_000))
        #expect(throws: PolicyError.self) { try IntakePolicy.load(file: empty) }
        func message<P: PolicyDocument>(_ type: P.Type, _ url: URL) -> String {
            do { _ = try P.load(file: url); return "" } catch { return "\(error)" }
        }
        #expect(message(IntakePolicy.self, empty) == "Policies/intake.yaml: the file is empty; expected a mapping of policy settings")
        #expect(message(SigningPolicy.self, latin1) == "Policies/signing.yaml: expected UTF-8 text; save the file as UTF-8")
        #expect(message(PruningPolicy.self, huge) == "Policies/pruning.yaml: expected a policy file of at most 1048576 bytes, got 1200000 bytes")
    }

    @Test("a file full of mistakes stops after a bounded number of problems")
    func problemCap() {
        let yaml = (0..<500).map { "unknownKey\($0): 1" }.joined(separator: "\n")
        let found = problems(SigningPolicy.self, yaml)
        #expect(found.count == PolicyReader.maxProblems + 1)
        #expect(found.last == "Policies/signing.yaml: more problems not shown; fix the ones above first")
    }
}
