import DepotPolicy
import DepotTestSupport
import Foundation
import Testing

@Suite("The policies in Policies/")
struct PolicySetTests {
    @Test("the repository's policy files load without a problem")
    func repositoryPoliciesLoad() throws {
        #expect(loadProblems(repositoryPolicies) == [])
        let set = try PolicySet.load(from: repositoryPolicies)
        #expect(set.intake.maxInstallerBytes == 8 << 30)
        #expect(set.intake.progressThresholdBytes == 50_000_000)
        #expect(set.pricing.currency == "SEK")
        #expect(set.pricing.vatRate == Decimal(string: "0.25"))
        #expect(set.currency.program("mozilla-firefox")?.terms.maxDaysBehind == 14)
        #expect(set.currency.program("libreoffice")?.terms.rule == .secondLatest)
        #expect(set.pruning.platform("windows-10")?.endOfSupport == CalendarDate("2025-10-14"))
        #expect(set.eduTiers.tiers.map(\.id) == ["locked", "standard", "open"])
        #expect(set.maintenanceWindows.timeZone?.identifier == "Europe/Stockholm")
        #expect(set.classification.rules.contains { $0.conditions == [.driversAtLeast(1)] && $0.tier == .complex })
        #expect(PolicySet.fileNames.count == 10)
    }

    @Test("the in-code defaults of intake and signing match the shipped files")
    func defaultsMatchFiles() throws {
        let set = try PolicySet.load(from: repositoryPolicies)
        #expect(set.intake == IntakePolicy())
        #expect(set.signing == SigningPolicy())
        #expect(set.testing == TestingPolicy())
    }

    @Test("testing.yaml: the install time limit is a number of seconds, and a wrong failure action is named")
    func testingPolicy() throws {
        let temp = try TemporaryDirectory("policy")
        let folder = try copyOfPolicies(temp)
        #expect(try PolicySet.load(from: folder).testing.installTimeoutSeconds == 300)
        try edit(folder, "testing.yaml", replacing: "sandboxFailure: block", with: "sandboxFailure: ignore")
        try edit(folder, "testing.yaml", replacing: "installTimeoutSeconds: 300", with: "installTimeoutSeconds: 2")
        let problems = loadProblems(folder).joined(separator: "\n")
        #expect(problems.contains("testing.yaml"))
        #expect(problems.contains("block or warn"))
        #expect(problems.contains("installTimeoutSeconds"))
    }

    @Test("licence rulings follow categories, overrides and seats")
    func licenceRulings() throws {
        let licences = try PolicySet.load(from: repositoryPolicies).licences
        #expect(licences.ruling(for: "MIT", in: .admin).outcome == .allow)
        #expect(licences.ruling(for: "gpl-3.0-or-later", in: .edu).category == .copyleft)
        #expect(licences.category(of: "LGPL-2.1-only") == .weakCopyleft)
        let geoGebraAdmin = licences.ruling(for: "LicenseRef-GeoGebra-NonCommercial", in: .admin)
        let geoGebraEdu = licences.ruling(for: "LicenseRef-GeoGebra-NonCommercial", in: .edu)
        #expect(geoGebraAdmin.outcome == .deny && !geoGebraAdmin.overridden)
        #expect(geoGebraEdu.outcome == .allow && geoGebraEdu.overridden)
        #expect(licences.ruling(for: "AGPL-3.0-only", in: .admin).outcome == .review)
        #expect(licences.ruling(for: "LicenseRef-Someone-Special", in: .admin).category == .unknown)
        #expect(licences.needsSeats("LicenseRef-Microsoft-365-Subscription"))
        #expect(!licences.needsSeats("LicenseRef-Microsoft-Edge-EULA"))
        #expect(licences.ruling(for: "LicenseRef-Microsoft-Edge-EULA", in: .admin).outcome == .allow)
        #expect(licences.category(of: "LicenseRef-Newvendor-Tool-EULA") == .proprietaryFree)
    }

    @Test("a price list applies from its date on, never before")
    func priceListByDate() throws {
        let pricing = try PolicySet.load(from: repositoryPolicies).pricing
        let lastDayBefore = try #require(CalendarDate("2024-12-31"))
        let lastDayOfFirst = try #require(CalendarDate("2025-12-31"))
        let firstDayOfSecond = try #require(CalendarDate("2026-01-01"))
        #expect(pricing.priceList(on: lastDayBefore) == nil)
        let december = try #require(pricing.priceList(on: lastDayOfFirst))
        let january = try #require(pricing.priceList(on: firstDayOfSecond))
        #expect(december.price(for: .simple, isUpdate: false) == 4200)
        #expect(january.price(for: .simple, isUpdate: false) == 4350)
        #expect(january.price(for: .complex, isUpdate: true) == 7150)
    }

    @Test("a missing file is named")
    func missingFile() throws {
        let temp = try TemporaryDirectory("policy")
        let folder = try copyOfPolicies(temp)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("signing.yaml"))
        #expect(loadProblems(folder) == [
            "Policies/signing.yaml: missing file: every policy file must exist; restore it from the repository's Policies/ folder",
        ])
    }

    @Test("a misspelt file name is reported with the name it should have")
    func strayFile() throws {
        let temp = try TemporaryDirectory("policy")
        let folder = try copyOfPolicies(temp)
        try FileManager.default.moveItem(at: folder.appendingPathComponent("licences.yaml"),
                                         to: folder.appendingPathComponent("licenses.yaml"))
        let found = loadProblems(folder)
        #expect(found.contains("Policies/licences.yaml: missing file: every policy file must exist; restore it from the repository's Policies/ folder"))
        #expect(found.contains("Policies/licenses.yaml: not a policy file Depot knows; did you mean 'licences.yaml'?"))
    }

    @Test("a directory that does not exist is one clear problem")
    func missingDirectory() throws {
        let temp = try TemporaryDirectory("policy")
        let found = loadProblems(temp.url.appendingPathComponent("Nowhere"))
        #expect(found.count == 1)
        #expect(found.first?.contains("expected a directory holding the policy files") == true)
    }

    @Test("problems in several files are all reported, each with file, line and column")
    func everyProblemAtOnce() throws {
        let temp = try TemporaryDirectory("policy")
        let folder = try copyOfPolicies(temp)
        try edit(folder, "intake.yaml", replacing: "maxEntries: 250000", with: "maxEntrys: 250000")
        try edit(folder, "intake.yaml", replacing: "maxNestingDepth: 3", with: "maxNestingDepth: deep")
        try edit(folder, "pricing.yaml", replacing: "new: 4200", with: "new: -5")
        try edit(folder, "pruning.yaml", replacing: "endOfSupport: 2025-10-14", with: "endOfSupport: 2025-10-41")
        try edit(folder, "edu-tiers.yaml", replacing: "updateCadence: weekly", with: "updateCadence: weekley")
        let entriesLine = try lineNumber(of: "maxEntrys", in: folder, "intake.yaml")
        let depthLine = try lineNumber(of: "maxNestingDepth", in: folder, "intake.yaml")
        let priceLine = try lineNumber(of: "new: -5", in: folder, "pricing.yaml")
        let dateLine = try lineNumber(of: "2025-10-41", in: folder, "pruning.yaml")
        let cadenceLine = try lineNumber(of: "weekley", in: folder, "edu-tiers.yaml")

        let found = loadProblems(folder)
        #expect(found.contains("Policies/intake.yaml:\(entriesLine):1: unknown key 'maxEntrys'; did you mean 'maxEntries'?"))
        #expect(found.contains { $0.hasPrefix("Policies/intake.yaml:") && $0.hasSuffix("missing required key 'maxEntries'") })
        #expect(found.contains("Policies/intake.yaml:\(depthLine):18: maxNestingDepth: expected a nesting depth from 0 to 16, got 'deep'"))
        #expect(found.contains("Policies/pricing.yaml:\(priceLine):14: priceLists[0].packaging.simple.new: expected a non-negative amount in SEK, got '-5'"))
        #expect(found.contains("Policies/pruning.yaml:\(dateLine):19: platforms[0].endOfSupport: expected a date as YYYY-MM-DD, got '2025-10-41'"))
        #expect(found.contains("Policies/edu-tiers.yaml:\(cadenceLine):20: tiers.standard.updateCadence: expected an update cadence: one of central-monthly, weekly, as-released, got 'weekley'; did you mean 'weekly'?"))
        #expect(found.count == 6)
    }

    @Test("the error's message lists every problem under a count")
    func errorMessage() throws {
        let temp = try TemporaryDirectory("policy")
        let folder = try copyOfPolicies(temp)
        try edit(folder, "signing.yaml", replacing: "eduExpiryDays: 3", with: "eduExpiryDays: -3")
        try edit(folder, "currency.yaml", replacing: "rule: second-latest", with: "rule: newest")
        let error = try #require(throws: PolicyError.self) { try PolicySet.load(from: folder) }
        #expect(error.code == "policy.invalid")
        let lines = error.message.components(separatedBy: "\n")
        #expect(lines.first == "2 problems in the policy files:")
        #expect(lines.dropFirst().map { String($0.prefix(while: { $0 != ":" })) } == ["Policies/currency.yaml", "Policies/signing.yaml"])
    }
}

@Suite("Policies and the demo catalog agree")
struct PolicyCatalogTests {
    /// Top-level `key: value` lines of every manifest in Catalog/programs.
    static func manifestValues(_ key: String) throws -> [(program: String, value: String)] {
        let programs = repositoryPolicies.deletingLastPathComponent().appendingPathComponent("Catalog/programs")
        var result: [(String, String)] = []
        for program in try FileManager.default.contentsOfDirectory(atPath: programs.path) {
            let folder = programs.appendingPathComponent(program)
            for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file.hasSuffix(".yaml") {
                let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
                for line in text.components(separatedBy: "\n") where line.hasPrefix("\(key): ") {
                    result.append((program, String(line.dropFirst(key.count + 2)).trimmingCharacters(in: .whitespaces)))
                }
            }
        }
        return result
    }

    @Test("every licence in the demo catalog has a category other than unknown")
    func catalogLicencesAreKnown() throws {
        let licences = try PolicySet.load(from: repositoryPolicies).licences
        let expressions = try Self.manifestValues("licence")
        #expect(expressions.count > 100)
        let operators: Set<String> = ["AND", "OR", "WITH"]
        var unknown: Set<String> = []
        for (_, expression) in expressions {
            let tokens = expression.split(whereSeparator: { " ()".contains($0) }).map(String.init)
            var afterWith = false
            for token in tokens {
                defer { afterWith = token == "WITH" }
                // An exception after WITH modifies the licence before it; it is not a licence of its own.
                if operators.contains(token) || afterWith { continue }
                if licences.category(of: token) == .unknown { unknown.insert(token) }
            }
        }
        #expect(unknown.isEmpty, "not in licences.yaml: \(unknown.sorted())")
    }

    @Test("the baseline in currency.yaml is exactly the catalog's baseline programs")
    func baselineMatchesCatalog() throws {
        let currency = try PolicySet.load(from: repositoryPolicies).currency
        let catalogBaseline = Set(try Self.manifestValues("baseline").filter { $0.value == "true" }.map(\.program))
        #expect(catalogBaseline.count >= 7)
        #expect(Set(currency.baseline.map(\.program)) == catalogBaseline)
    }
}

@Suite("Policies as JSON")
struct PolicyJSONTests {
    @Test("every policy survives a JSON round trip, with dates and conditions written as in the files")
    func jsonRoundTrip() throws {
        let set = try PolicySet.load(from: repositoryPolicies)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let classification = try encoder.encode(set.classification)
        #expect(String(decoding: classification, as: UTF8.self).contains(#"{"driversAtLeast":1}"#))
        #expect(try JSONDecoder().decode(ClassificationPolicy.self, from: classification) == set.classification)
        let pruning = try encoder.encode(set.pruning)
        #expect(String(decoding: pruning, as: UTF8.self).contains(#""endOfSupport":"2025-10-14""#))
        #expect(try JSONDecoder().decode(PruningPolicy.self, from: pruning) == set.pruning)
        #expect(try JSONDecoder().decode(LicencePolicy.self, from: encoder.encode(set.licences)) == set.licences)
        #expect(try JSONDecoder().decode(PricingPolicy.self, from: encoder.encode(set.pricing)) == set.pricing)
        #expect(try JSONDecoder().decode(MaintenanceWindowPolicy.self, from: encoder.encode(set.maintenanceWindows))
            == set.maintenanceWindows)
    }
}
