import DepotModel
import DepotPolicy
import Foundation
import Lifecycle
import Testing

@Suite("Pruning: keep what must be kept, retire the rest with reasons")
struct PruningTests {
    let policy: PruningPolicy
    let day = LifecyclePolicies.day("2026-06-01")

    init() throws {
        policy = try LifecyclePolicies.pruning()
    }

    func version(_ id: String, _ program: String, _ version: String, variant: String = "windows-x64",
                 platforms: [String] = ["windows-11"], used: String? = "2026-05-01", installed: String? = nil,
                 state: PackageState = .published, licenceEnds: String? = nil, refused: Bool = false,
                 neededBy: [String] = []) -> PrunableVersion {
        PrunableVersion(id: id, program: program, variant: variant, version: version, scheme: .dotted, state: state,
                        platforms: platforms, publishedOn: LifecyclePolicies.day("2024-01-01"),
                        lastOrdered: used.map(LifecyclePolicies.day), lastInstalled: installed.map(LifecyclePolicies.day),
                        licenceEnds: licenceEnds.map(LifecyclePolicies.day), refused: refused, neededBy: neededBy)
    }

    var catalog: [PrunableVersion] {
        [
            // Firefox on Windows: eight versions, listed out of order as a database would return them.
            version("ff-3", "firefox", "3.0"),
            version("ff-8", "firefox", "8.0", refused: true),
            version("ff-7", "firefox", "7.0"),
            version("ff-1", "firefox", "1.0", used: "2024-01-10", installed: "2026-04-20"),
            version("ff-6", "firefox", "6.0"),
            version("ff-2", "firefox", "2.0", neededBy: ["upgrade schedule firefox 2.0 → edu"]),
            version("ff-5", "firefox", "5.0"),
            version("ff-4", "firefox", "4.0", licenceEnds: "2026-05-31"),
            version("ff-9", "firefox", "9.0", state: .tested),
            // Firefox on macOS: one version that runs only on an ended macOS.
            version("ff-mac-5", "firefox", "5.0", variant: "macos-arm64", platforms: ["macos-13"]),
            // A second macOS build runs on any supported macOS (a family name is enough).
            version("ff-mac-7", "firefox", "7.0", variant: "macos-arm64", platforms: ["macos"]),
            // Reader: the newer version is in use, the older one nobody touched for two years.
            version("rd-1", "reader", "1.0", used: "2024-05-01"),
            version("rd-2", "reader", "2.0"),
            // A program with one version that is unused, refused and on an ended platform stays.
            version("old-1", "oldtool", "1.0", platforms: ["windows-10"], used: "2020-01-01", refused: true),
        ]
    }

    @Test("each version gets the expected action and rule")
    func decisions() throws {
        let plan = Pruner.plan(catalog, policy: policy, at: day)
        #expect(plan.decisions.map(\.id) == catalog.map(\.id))
        let byID = Dictionary(uniqueKeysWithValues: plan.decisions.map { ($0.id, $0) })
        let expected: [String: (PruneAction, PruneRule)] = [
            "ff-8": (.retire, .refused),
            "ff-7": (.keep, .keepLatest),
            "ff-6": (.keep, .keepLatest),
            "ff-5": (.keep, .keepLatest),
            "ff-4": (.retire, .licenceEnded),
            "ff-3": (.retire, .superseded),
            "ff-2": (.keep, .needed),
            "ff-1": (.keep, .recentlyInstalled),
            "ff-9": (.keep, .notPublished),
            "ff-mac-5": (.retire, .unsupportedPlatform),
            "ff-mac-7": (.keep, .keepLatest),
            "rd-1": (.retire, .unused),
            "rd-2": (.keep, .keepLatest),
            "old-1": (.keep, .onlyVersion),
        ]
        for (id, want) in expected {
            let got = try #require(byID[id], "no decision for \(id)")
            #expect(got.action == want.0 && got.rule == want.1, "\(id): \(got.action) \(got.rule): \(got.reason)")
            #expect(!got.reason.isEmpty)
        }
        #expect(Set(plan.retired.map(\.id)) == ["ff-8", "ff-4", "ff-3", "ff-mac-5", "rd-1"])
    }

    @Test("reasons name the rule's facts, and protections say what they overrode")
    func reasons() throws {
        let plan = Pruner.plan(catalog, policy: policy, at: day)
        let byID = Dictionary(uniqueKeysWithValues: plan.decisions.map { ($0.id, $0) })
        #expect(byID["ff-4"]?.reason.contains("ended on 2026-05-31") == true)
        #expect(byID["ff-mac-5"]?.reason.contains("macOS 13 Ventura (support ended 2025-09-30)") == true)
        #expect(byID["rd-1"]?.reason.contains("since 2024-05-01, more than 18 months") == true)
        #expect(byID["ff-3"]?.reason.contains("the 3 newest versions of firefox for windows-x64 are kept (newest 7.0)") == true)
        #expect(byID["ff-2"]?.reason.contains("still needed by upgrade schedule firefox 2.0 → edu; otherwise retired: superseded") == true)
        #expect(byID["ff-1"]?.reason.contains("installed on 2026-04-20, within the last 90 days") == true)
        let only = try #require(byID["old-1"])
        #expect(only.reason.contains("the city refused oldtool 1.0"))
        #expect(only.reason.contains("runs on no supported platform"))
        #expect(only.reason.contains("not ordered or installed since 2020-01-01"))
    }

    @Test("policy switches turn the refused and licence rules off")
    func switches() {
        var relaxed = policy
        relaxed.retireRefusedVersions = false
        relaxed.retireEndedLicences = false
        let plan = Pruner.plan(catalog, policy: relaxed, at: day)
        let byID = Dictionary(uniqueKeysWithValues: plan.decisions.map { ($0.id, $0) })
        #expect(byID["ff-8"]?.rule == .keepLatest)
        // 8.0 now takes a kept place, so 5.0 is superseded and 4.0 too.
        #expect(byID["ff-5"]?.rule == .superseded)
        #expect(byID["ff-4"]?.rule == .superseded)
    }

    @Test("the plan encodes with action, rule and reason")
    func json() throws {
        let plan = Pruner.plan(catalog, policy: policy, at: day)
        let data = try JSONEncoder().encode(plan)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["at"] as? String == "2026-06-01")
        let first = try #require((object["decisions"] as? [[String: Any]])?.first)
        #expect(first["id"] as? String == "ff-3")
        #expect(first["action"] as? String == "retire")
        #expect(first["rule"] as? String == "superseded")
        #expect(first["reason"] is String)
    }
}
