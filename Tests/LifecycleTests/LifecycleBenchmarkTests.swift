import DepotPolicy
import Foundation
import Lifecycle
import Testing

@Suite("The generated benchmark catalog")
struct LifecycleBenchmarkTests {
    @Test("is reproducible for a seed and covers every rule and status")
    func generated() throws {
        let catalog = LifecycleBenchmark.generateCatalog(programs: 400, versionsPerProgram: 10, seed: 42)
        #expect(catalog.versions.count == 4000)
        #expect(catalog.releases.count == 400)
        let again = LifecycleBenchmark.generateCatalog(programs: 400, versionsPerProgram: 10, seed: 42)
        #expect(again.versions == catalog.versions)
        #expect(LifecycleBenchmark.generateCatalog(programs: 400, versionsPerProgram: 10, seed: 43).versions != catalog.versions)

        let (report, plan) = LifecycleBenchmark.run(catalog)
        #expect(report.programs.count == 400)
        #expect(plan.decisions.count == 4000)
        let statuses = Set(report.programs.map(\.status))
        #expect(statuses.isSuperset(of: [.current, .grace, .violation]))
        let rules = Set(plan.decisions.map(\.rule))
        #expect(rules.isSuperset(of: [.refused, .licenceEnded, .unsupportedPlatform, .superseded, .unused,
                                      .keepLatest, .needed, .notPublished]))
        #expect(report.programs.allSatisfy { !$0.reason.isEmpty })
        #expect(plan.decisions.allSatisfy { !$0.reason.isEmpty })
        // Never a program without an orderable version.
        var kept: [String: Int] = [:]
        var published: Set<String> = []
        for (decision, version) in zip(plan.decisions, catalog.versions) where version.state == .published {
            published.insert(version.program)
            if decision.action == .keep { kept[version.program, default: 0] += 1 }
        }
        #expect(published.allSatisfy { kept[$0, default: 0] > 0 })
    }
}
