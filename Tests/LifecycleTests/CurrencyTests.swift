import DepotPolicy
import Foundation
import Lifecycle
import Testing

@Suite("Currency: latest or second-latest, grace and violation")
struct CurrencyTests {
    let policy: CurrencyPolicy
    let firefox: BaselineProgram

    init() throws {
        policy = try LifecyclePolicies.currency()
        firefox = try #require(policy.program("mozilla-firefox"))
    }

    func releases(_ list: [(String, String)]) -> [UpstreamRelease] {
        list.map { UpstreamRelease(version: $0.0, released: LifecyclePolicies.day($0.1)) }
    }

    /// The city runs 126.0; upstream had 126.0 and 127.0, then ships 128.0 on 2026-06-03.
    func facts(refused: [RefusedVersion] = []) -> ProgramReleases {
        ProgramReleases(program: "mozilla-firefox", scheme: .dotted, published: ["125.0.2", "126.0"],
                        upstream: releases([("125.0.2", "2026-04-15"), ("126.0", "2026-05-01"),
                                            ("127.0", "2026-05-20"), ("128.0", "2026-06-03")]),
                        refused: refused)
    }

    @Test("a new browser release moves the program to grace, then to violation after the allowed days")
    func graceThenViolation() throws {
        let before = CurrencyEvaluator.evaluate(facts(), baseline: firefox, at: LifecyclePolicies.day("2026-06-02"))
        #expect(before.status == .current)
        #expect(before.upstreamLatest == "127.0")
        #expect(before.upstreamSecondLatest == "126.0")
        #expect(before.reason.contains("second-latest"))

        let grace = CurrencyEvaluator.evaluate(facts(), baseline: firefox, at: LifecyclePolicies.day("2026-06-04"))
        #expect(grace.status == .grace)
        #expect(grace.upstreamLatest == "128.0")
        #expect(grace.upstreamSecondLatest == "127.0")
        // Firefox is allowed 14 days behind (currency.yaml): 2026-06-03 + 14.
        #expect(grace.deadline == LifecyclePolicies.day("2026-06-17"))
        #expect(grace.daysLeft == 13)
        #expect(grace.reason.contains("upgrade to 128.0 by 2026-06-17"))
        #expect(grace.published == ["126.0", "125.0.2"])

        let lastDay = CurrencyEvaluator.evaluate(facts(), baseline: firefox, at: LifecyclePolicies.day("2026-06-17"))
        #expect(lastDay.status == .grace)
        #expect(lastDay.daysLeft == 0)

        let late = CurrencyEvaluator.evaluate(facts(), baseline: firefox, at: LifecyclePolicies.day("2026-06-20"))
        #expect(late.status == .violation)
        #expect(late.daysOverdue == 3)
        #expect(late.deadline == LifecyclePolicies.day("2026-06-17"))
        #expect(late.reason.contains("passed 3 days ago"))
    }

    @Test("refusing the newest release makes a program that runs the previous one current again")
    func refusalRestoresCurrency() throws {
        let refused = [RefusedVersion(version: "128.0", reason: "breaks the case-management system's plug-in")]
        let entry = CurrencyEvaluator.evaluate(facts(refused: refused), baseline: firefox, at: LifecyclePolicies.day("2026-06-20"))
        #expect(entry.status == .current)
        #expect(entry.upstreamLatest == "127.0")
        #expect(entry.upstreamSecondLatest == "126.0")
        #expect(entry.deadline == nil)
        #expect(entry.reason.contains("128.0 is refused (breaks the case-management system's plug-in)"))
    }

    @Test("a release dated after the report day does not count yet")
    func futureReleasesIgnored() {
        let entry = CurrencyEvaluator.evaluate(facts(), baseline: firefox, at: LifecyclePolicies.day("2026-05-25"))
        #expect(entry.status == .current)
        #expect(entry.upstreamLatest == "127.0")
    }

    @Test("the latest rule accepts only the newest; equal spellings count as the same version")
    func latestRuleAndSpellings() {
        var strict = firefox
        strict.terms.rule = .latest
        let facts = ProgramReleases(program: "mozilla-firefox", scheme: .dotted, published: ["127"],
                                    upstream: releases([("126.0", "2026-05-01"), ("127.0.0", "2026-05-20")]))
        #expect(CurrencyEvaluator.evaluate(facts, baseline: strict, at: LifecyclePolicies.day("2026-06-01")).status == .current)
        var newer = facts
        newer.upstream += releases([("127.0.1", "2026-05-28")])
        let entry = CurrencyEvaluator.evaluate(newer, baseline: strict, at: LifecyclePolicies.day("2026-06-01"))
        #expect(entry.status == .grace)
        #expect(entry.deadline == LifecyclePolicies.day("2026-06-11"))
    }

    @Test("nothing recorded upstream is unknown, nothing published is behind since the first release")
    func missingFacts() {
        let none = CurrencyEvaluator.evaluate(ProgramReleases(program: "mozilla-firefox", published: ["1.0"]),
                                              baseline: firefox, at: LifecyclePolicies.day("2026-06-01"))
        #expect(none.status == .unknown)
        #expect(none.reason.contains("depot upstream add"))
        let unpublished = ProgramReleases(program: "mozilla-firefox", upstream: releases([("127.0", "2026-05-01")]))
        let entry = CurrencyEvaluator.evaluate(unpublished, baseline: firefox, at: LifecyclePolicies.day("2026-06-01"))
        #expect(entry.status == .violation)
        #expect(entry.daysOverdue == 17)
        #expect(entry.reason.contains("publishes no version"))
    }

    @Test("a version the scheme refuses falls back to dotted ordering and says so")
    func schemeFallback() {
        let facts = ProgramReleases(program: "mozilla-firefox", scheme: .semver, published: ["1.2.0"],
                                    upstream: releases([("1.2.0", "2026-05-01"), ("1.3", "2026-05-02")]))
        let entry = CurrencyEvaluator.evaluate(facts, baseline: firefox, at: LifecyclePolicies.day("2026-06-01"))
        #expect(entry.scheme == .dotted)
        #expect(entry.status == .current)
        #expect(entry.upstreamLatest == "1.3")
        #expect(entry.reason.contains("ordered as dotted"))
    }

    @Test("the report covers every baseline program in policy order and encodes with the documented keys")
    func reportAndJSON() throws {
        let report = CurrencyEvaluator.report([facts()], policy: policy, at: LifecyclePolicies.day("2026-06-20"))
        #expect(report.programs.map(\.program) == policy.baseline.map(\.program))
        let firefoxEntry = try #require(report.programs.first { $0.program == "mozilla-firefox" })
        #expect(firefoxEntry.status == .violation)
        #expect(report.programs.filter { $0.program != "mozilla-firefox" }.allSatisfy { $0.status == .unknown })
        #expect(report.deadlines == ["mozilla-firefox": LifecyclePolicies.day("2026-06-17")])

        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(firefoxEntry)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["status"] as? String == "violation")
        #expect(object["upstreamLatest"] as? String == "128.0")
        #expect(object["upstreamSecondLatest"] as? String == "127.0")
        #expect(object["published"] as? [String] == ["126.0", "125.0.2"])
        #expect(object["deadline"] as? String == "2026-06-17")
        #expect(object["daysOverdue"] as? Int == 3)
        #expect((object["reason"] as? String)?.isEmpty == false)
        let decoded = try JSONDecoder().decode(ProgramCurrency.self, from: data)
        #expect(decoded == firefoxEntry)
    }
}
