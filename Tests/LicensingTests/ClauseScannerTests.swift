import Foundation
import Licensing
import Testing

@Suite("EULA clauses")
struct ClauseScannerTests {
    let eula = """
    CONTOSO VIEWER END-USER LICENCE AGREEMENT

    1. Grant. Contoso grants you a licence to install the Software on one computer.
    The Software is licensed per device; you must purchase a licence for each
    additional device.
    2. The Software is provided for non-commercial use only and may not be
    used for any commercial purpose.
    3. Evaluation. You may use the trial version for 30 days, after which it
    stops working unless you buy a licence.
    4. The Software collects usage data and diagnostic information and sends it
    to Contoso to improve the product.
    5. The Software downloads and installs updates automatically.
    6. Your subscription will automatically renew each year unless cancelled.
    7. Contoso may audit your use of the Software once a year.
    8. This edition is for educational use only by accredited schools.
    9. This Agreement is governed by the laws of the State of Washington, USA.
    """

    @Test("each kind of clause is flagged on the line where its wording starts")
    func english() {
        let clauses = ClauseScanner().scan(text: eula, file: "EULA.txt")
        func lines(_ kind: LicenceClause.Kind) -> [Int] { clauses.filter { $0.kind == kind }.map(\.line) }
        #expect(lines(.perSeat).contains(3) && lines(.perSeat).contains(4), "\(clauses)")
        #expect(lines(.nonCommercial).contains(6), "\(clauses)")
        #expect(lines(.evaluation) == [8], "\(clauses)")
        #expect(lines(.telemetry).contains(10), "\(clauses)")
        #expect(lines(.automaticUpdates) == [12], "\(clauses)")
        #expect(lines(.automaticRenewal) == [13], "\(clauses)")
        #expect(lines(.auditRights) == [14], "\(clauses)")
        #expect(lines(.educationOnly) == [15], "\(clauses)")
        #expect(lines(.foreignGoverningLaw) == [16], "\(clauses)")
        let law = clauses.first { $0.kind == .foreignGoverningLaw }
        #expect(law?.text.contains("State of Washington") == true)
        #expect(clauses.allSatisfy { $0.file == "EULA.txt" })
    }

    @Test("Swedish wording is flagged; Swedish or EU law is not")
    func swedish() {
        let text = """
        Programvaran får endast användas för icke-kommersiellt bruk.
        Licensen gäller per användare och antal licenser ska rapporteras.
        Programvaran uppdateras automatiskt.
        Abonnemanget förnyas automatiskt varje år.
        Leverantören har rätt att granska kundens användning.
        Programvaran samlar in användningsdata.
        Svensk lag ska tillämpas på detta avtal.
        This Agreement is governed by the laws of Sweden.
        This Agreement shall be governed by the laws of Germany.
        """
        let clauses = ClauseScanner().scan(text: text, file: "villkor.txt")
        let kinds = Set(clauses.map(\.kind))
        #expect(kinds.isSuperset(of: [.nonCommercial, .perSeat, .automaticUpdates, .automaticRenewal, .auditRights, .telemetry]),
                "\(clauses)")
        #expect(!kinds.contains(.foreignGoverningLaw), "\(clauses)")
    }

    @Test("a known open-source licence's own words are not flagged as EULA clauses")
    func notInsideKnownLicences() throws {
        let detector = LicenceDetector(library: try library())
        // EPL-1.0 chooses New York law: alone the scanner flags it, inside a named licence it is not repeated.
        let epl = try referenceText("EPL-1.0")
        #expect(ClauseScanner().scan(text: epl, file: "COPYING").contains { $0.kind == .foreignGoverningLaw })
        let report = detector.detect(files: [("COPYING", Array(epl.utf8)), ("EULA.txt", Array(eula.utf8))])
        #expect(report.clauses.allSatisfy { $0.file == "EULA.txt" }, "\(report.clauses.filter { $0.file == "COPYING" })")
        #expect(report.clauses.count >= 9)
    }
}

@Suite("Licence corpus")
struct LicenceCorpusTests {
    @Test("the labelled corpus meets the issue's accuracy targets")
    func accuracy() throws {
        let library = try library()
        let samples = LicenceCorpus.generate(seed: 7, library: library, unrelated: LicenceCorpus.unrelatedDocuments(limit: 10),
                                             variantsPerReference: 2)
        #expect(Set(samples.map(\.kind)) == Set(LicenceCorpus.SampleKind.allCases))
        #expect(LicenceCorpus.generate(seed: 7, library: library, variantsPerReference: 2).map(\.text)
            == LicenceCorpus.generate(seed: 7, library: library, variantsPerReference: 2).map(\.text))
        let score = LicenceCorpus.evaluate(LicenceDetector(library: library), samples: samples)
        #expect(score.precision >= 0.99, "\(score) \(score.failures)")
        #expect(score.recall >= 0.95, "\(score) \(score.failures)")
        #expect(score.confidentOnNonLicence == 0, "\(score.failures)")
        #expect(score.abstentions >= samples.filter { $0.kind == .unrelated || $0.kind == .truncated }.count)
    }
}
