import Classification
import DepotModel
import DepotPolicy
import Foundation
import Testing

@Suite("Classification rules")
struct ClassifierTests {
    let classifier: Classifier

    init() throws {
        classifier = Classifier(policy: try TestPolicies.classification())
    }

    @Test("a single-file silent MSIX is simple, and says why")
    func silentMSIXIsSimple() {
        let facts = InstallerFacts(sha256: String(repeating: "a", count: 64), size: 4_000_000, format: "msix",
                                   installerType: "msix", name: "Notepad Plus", version: "8.6.0", entryCount: 1)
        let result = classifier.classify(ClassificationInput(facts: facts))
        #expect(result.tier == .simple)
        #expect(result.rules.isEmpty)
        #expect(result.reasons.count == 1)
        let reason = result.reasons.first ?? ""
        #expect(reason.hasPrefix("The msix installer installs unattended"))
        #expect(reason.contains("no drivers, no services"))
        #expect(reason.contains("no classification rule fired"))
        #expect(reason.contains("simple work"))
    }

    @Test("an MSI with a service and a driver is complex, with both reasons")
    func msiWithServiceAndDriverIsComplex() {
        var windows = WindowsFacts()
        windows.serviceInstalls = 1
        windows.drivers = 2
        windows.customActions = ["dll": 1, "property": 1]
        windows.schedulesReboot = false
        let facts = InstallerFacts(sha256: String(repeating: "b", count: 64), size: 80_000_000, format: "msi",
                                   installerType: "msi", name: "Label Printer Suite", windows: windows)
        let result = classifier.classify(ClassificationInput(facts: facts))
        #expect(result.tier == .complex)
        #expect(result.rules == ["drivers", "services"])
        #expect(result.reasons.count == 2)
        #expect(result.reasons.first?.contains("device driver") == true)
        #expect(result.reasons.last?.contains("Windows service") == true)
    }

    @Test("a setup program without a silent switch fires both silent-install rules")
    func exeWithoutSilentSwitch() {
        var windows = WindowsFacts()
        windows.framework = "exe"
        let facts = InstallerFacts(sha256: String(repeating: "c", count: 64), size: 1_000, format: "pe",
                                   installerType: "exe", windows: windows)
        let result = classifier.classify(ClassificationInput(facts: facts))
        #expect(result.tier == .complex)
        #expect(result.rules == ["no-silent-install", "unknown-setup-program"])

        var nsis = WindowsFacts()
        nsis.framework = "nsis"
        nsis.silentSwitch = "/S"
        let silent = InstallerFacts(sha256: String(repeating: "d", count: 64), size: 1_000, format: "pe",
                                    installerType: "nsis", windows: nsis)
        let simple = classifier.classify(ClassificationInput(facts: silent))
        #expect(simple.tier == .simple)
        #expect(simple.reasons.first?.contains("installs unattended with '/S'") == true)
    }

    @Test("what only the packager knows counts: activation, per-user settings, dependencies, a suite")
    func packagerFacts() {
        let facts = InstallerFacts(sha256: String(repeating: "e", count: 64), size: 1_000, format: "msi", installerType: "msi")
        let input = ClassificationInput(facts: facts, isUpdate: true, perUserConfiguration: true, licenceActivation: true,
                                        dependencies: 2, components: 4)
        let result = classifier.classify(input)
        #expect(result.tier == .complex)
        #expect(result.rules == ["per-user-settings", "activation", "dependencies", "suite"])
        // One below each threshold: nothing fires.
        let below = ClassificationInput(facts: facts, dependencies: 1, components: 3)
        #expect(classifier.classify(below).rules.isEmpty)
    }

    @Test("hostile counts do not trap")
    func hostileCounts() {
        var windows = WindowsFacts()
        windows.customActions = ["dll": Int.max, "exe": Int.max, "script": -5]
        windows.drivers = -3
        let facts = InstallerFacts(sha256: "", size: 0, format: "msi", installerType: "msi", windows: windows)
        let result = classifier.classify(ClassificationInput(facts: facts, dependencies: -1, components: Int.min))
        #expect(result.rules == ["custom-actions"])
    }

    @Test("the result encodes as tier, reasons and rules")
    func resultJSON() throws {
        let facts = InstallerFacts(sha256: "", size: 0, format: "msix", installerType: "msix")
        let data = try JSONEncoder().encode(classifier.classify(ClassificationInput(facts: facts)))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["tier", "reasons", "rules"])
        #expect(object["tier"] as? String == "simple")
    }
}
