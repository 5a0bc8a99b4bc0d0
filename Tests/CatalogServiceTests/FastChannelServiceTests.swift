import CatalogService
import DepotModel
import DepotTestSupport
import Foundation
import Logging
import Signing
import Testing
import Whitelist

/// The `open` tier's fast channel through the real service: installers still in the pipeline follow an approved
/// version only with the same publisher, signer and licence texts, at the tier's cadence, with reasons for the rest.
@Suite struct FastChannelServiceTests {
    static func whitelist(_ summary: EduPublicationSummary, school: String) throws -> WhitelistPayload {
        let url = URL(fileURLWithPath: summary.directory).appendingPathComponent(EduLayout.schoolWhitelist(school))
        return try SignedDocument.verify(data: Array(try Data(contentsOf: url)),
                                         root: try KeyStore.loadCertificate(at: URL(fileURLWithPath: summary.directory)
                                             .appendingPathComponent(EduLayout.rootFile)),
                                         now: World.start, expectedType: EduLayout.whitelistType, role: .edu)
            .payload(as: WhitelistPayload.self)
    }

    @Test func aNewerSubmittedVersionWithTheSameFactsIsListedAsFastAndEveryDifferenceIsHeldWithItsReason() async throws {
        let dir = try TemporaryDirectory()
        let w = try await World.make(dir)
        let s = w.service
        _ = try await w.signed(try Fixtures.debianPackage(in: dir, name: "class-timer", version: "2.10-3", licence: "MIT"), scope: .edu)
        _ = try await s.publishCatalog(by: w.rel)
        _ = try await s.addSchool(id: "kodskolan", name: "Kodskolan", tier: "open", by: w.ada)
        _ = try await s.addSchool(id: "lugna", name: "Lugna skolan", tier: "standard", by: w.ada)
        // Submitted only: no licence review, no signature yet.
        _ = try await s.submit(file: try Fixtures.debianPackage(in: dir, name: "class-timer", version: "2.11-1", licence: "MIT"),
                               overrides: .init(), by: w.pat)
        _ = try await s.submit(file: try Fixtures.debianPackage(in: dir, name: "class-timer", version: "2.12-1",
                                                                licence: "GPL-3.0-or-later"), overrides: .init(), by: w.pat)
        _ = try await s.submit(file: try Fixtures.debianPackage(in: dir, name: "class-timer", version: "2.13-1", licence: "MIT",
                                                                maintainer: "Someone Else <else@example.org>"),
                               overrides: .init(), by: w.pat)

        let summary = try await s.publishEdu(by: w.rel)
        #expect(summary.fastChannel == ["tier open: class-timer 2.11-1 (follows 2.10-3)"], "\(summary.fastChannel)")
        let held = summary.fastChannelHeld.joined(separator: "\n")
        #expect(held.contains("class-timer 2.12-1") && held.contains("licence texts differ"), "\(held)")
        #expect(held.contains("class-timer 2.13-1") && held.contains("Someone Else"), "\(held)")
        let open = try Self.whitelist(summary, school: "kodskolan")
        #expect(open.entries(for: "class-timer").map(\.version) == ["2.10-3", "2.11-1"])
        let fast = try #require(open.entries(for: "class-timer").last)
        #expect(fast.channel == .fast && fast.followsVersion == "2.10-3" && fast.licenceScope == .edu)
        // The standard tier has no fast channel.
        #expect(try Self.whitelist(summary, school: "lugna").apps.isEmpty)
        // The package is in the published directory for devices to fetch.
        #expect(FileManager.default.fileExists(atPath: URL(fileURLWithPath: summary.directory)
            .appendingPathComponent(fast.downloadPath).path))
    }

    @Test func aWeeklyTierAdmitsNewFastVersionsOnceAWeek() async throws {
        let dir = try TemporaryDirectory()
        // The repository's policies with the open tier updated weekly instead of as released.
        let policies = dir.url.appendingPathComponent("policies")
        try FileManager.default.copyItem(at: repositoryPolicies, to: policies)
        let tiersFile = policies.appendingPathComponent("edu-tiers.yaml")
        let text = try String(contentsOf: tiersFile, encoding: .utf8)
        try text.replacingOccurrences(of: "updateCadence: as-released", with: "updateCadence: weekly")
            .write(to: tiersFile, atomically: true, encoding: .utf8)
        func world(at instant: Date) async throws -> World {
            let made = try await World.make(dir, at: instant)
            let service = try CatalogService.open(home: DepotHome(root: dir.url.appendingPathComponent("home")),
                                                  clock: FixedClock(instant), logger: Logger(label: "test"))
                .applying(try CatalogService.loadPolicies(from: policies))
            return World(service: service, pat: made.pat, rita: made.rita, sam: made.sam, ada: made.ada, rel: made.rel)
        }
        let w = try await world(at: World.start)
        _ = try await w.signed(try Fixtures.debianPackage(in: dir, name: "class-timer", version: "2.10-3", licence: "MIT"), scope: .edu)
        _ = try await w.service.publishCatalog(by: w.rel)
        _ = try await w.service.addSchool(id: "kodskolan", name: "Kodskolan", tier: "open", by: w.ada)
        _ = try await w.service.submit(file: try Fixtures.debianPackage(in: dir, name: "class-timer", version: "2.11-1", licence: "MIT"),
                                       overrides: .init(), by: w.pat)
        let first = try await w.service.publishEdu(by: w.rel)
        #expect(first.fastChannel == ["tier open: class-timer 2.11-1 (follows 2.10-3)"], "\(first)")

        _ = try await w.service.submit(file: try Fixtures.debianPackage(in: dir, name: "class-timer", version: "2.12-1", licence: "MIT"),
                                       overrides: .init(), by: w.pat)
        let sameWeek = try await w.service.publishEdu(by: w.rel)
        #expect(sameWeek.fastChannel == ["tier open: class-timer 2.11-1 (follows 2.10-3)"])
        let waiting = sameWeek.fastChannelHeld.joined(separator: "\n")
        #expect(waiting.contains("class-timer 2.12-1") && waiting.contains("updates weekly") && waiting.contains("on or after"),
                "\(waiting)")
        #expect(try Self.whitelist(sameWeek, school: "kodskolan").entries(for: "class-timer").map(\.version) == ["2.10-3", "2.11-1"])

        let later = try await world(at: World.start.addingTimeInterval(8 * 86_400))
        let nextWeek = try await later.service.publishEdu(by: later.rel)
        #expect(nextWeek.fastChannel.count == 2 && nextWeek.fastChannelHeld.isEmpty, "\(nextWeek)")
    }
}
