import DepotPolicy
import Licensing
import Testing

@Suite("Licence judgement")
struct LicenceJudgementTests {
    let policy = LicencePolicy(
        categories: [
            .permissive: LicenceRule(admin: .allow, edu: .allow, reason: "permissive"),
            .copyleft: LicenceRule(admin: .review, edu: .review, reason: "copyleft needs a look"),
            .nonCommercial: LicenceRule(admin: .deny, edu: .review, reason: "non-commercial terms"),
            .unknown: LicenceRule(admin: .review, edu: .review, reason: "unknown terms"),
        ],
        assignments: [
            LicenceAssignment(pattern: LicencePattern("MIT"), category: .permissive),
            LicenceAssignment(pattern: LicencePattern("Apache-2.0"), category: .permissive),
            LicenceAssignment(pattern: LicencePattern("GPL-*"), category: .copyleft),
            LicenceAssignment(pattern: LicencePattern("LicenseRef-*-NonCommercial"), category: .nonCommercial),
        ])

    func verdict(_ text: String, _ environment: DeploymentEnvironment) throws -> LicenceVerdict {
        LicenceJudgement.judge(try SPDXExpression.parse(text), policy: policy, in: environment)
    }

    @Test("AND takes the worst outcome, OR the best alternative, WITH is judged by its licence")
    func operators() throws {
        #expect(try verdict("MIT AND GPL-3.0-only", .admin).outcome == .review)
        #expect(try verdict("MIT OR GPL-3.0-only", .admin).outcome == .allow)
        #expect(try verdict("MIT OR GPL-3.0-only", .admin).rulings.map(\.identifier) == ["MIT"])
        #expect(try verdict("GPL-2.0-or-later WITH Classpath-exception-2.0", .edu).outcome == .review)
        #expect(try verdict("(MIT OR Apache-2.0) AND LicenseRef-GeoGebra-NonCommercial", .admin).outcome == .deny)
        #expect(try verdict("(MIT OR Apache-2.0) AND LicenseRef-GeoGebra-NonCommercial", .edu).outcome == .review)
    }

    @Test("unknown detected text goes to review with the policy's reason")
    func unknownText() throws {
        let result = try verdict("MIT AND LicenseRef-depot-unknown-1a2b3c4d", .admin)
        #expect(result.outcome == .review)
        #expect(result.reasons.contains { $0.contains("LicenseRef-depot-unknown-1a2b3c4d (unknown): review – unknown terms") })
    }
}
