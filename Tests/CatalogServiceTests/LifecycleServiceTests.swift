import CatalogService
import DepotModel
import DepotPolicy
import DepotTestSupport
import Foundation
import GRDB
import Lifecycle
import Logging
import Storage
import Testing

/// Issue 8 through the catalog service: upstream releases, refusals, currency, schedules, prune, restore and purge,
/// on the demo catalog and the repository's policies, with the clock fixed at the instant each step happens.
@Suite struct LifecycleServiceTests {
    struct Setup {
        let dir: TemporaryDirectory
        let home: DepotHome
        let policies: PolicySet
        let rm: DepotUser
        let pat: DepotUser

        /// The same home with the clock stopped at `instant` (`YYYY-MM-DDTHH:MM:SSZ`).
        func service(at instant: String) throws -> CatalogService {
            let date = try #require(Timestamp.parse(instant))
            return try CatalogService.open(home: home, clock: FixedClock(date), logger: Logger(label: "test")).applying(policies)
        }
    }

    func setUp(at instant: String = "2026-09-21T10:00:00Z") async throws -> Setup {
        let dir = try TemporaryDirectory()
        let home = DepotHome(root: dir.url.appendingPathComponent("home"))
        let policies = try CatalogService.loadPolicies(from: repositoryPolicies)
        let service = try CatalogService.open(home: home, clock: FixedClock(try #require(Timestamp.parse(instant))),
                                              logger: Logger(label: "test")).applying(policies)
        _ = try await service.importCatalog(from: demoCatalog, by: .system)
        // Fixture: the lifecycle rules under test read published versions and the upstream releases these tests
        // record themselves. Imported versions are only catalogued (and their release days recorded), so the
        // fixture marks them published as if each had passed the pipeline (tested in SigningServiceTests and
        // EvidenceTests) and starts with no upstream releases.
        try await service.database.writer.write { db in
            try db.execute(sql: """
                UPDATE packageVersion SET state = 'published', licenceScope = (
                    SELECT CASE WHEN p.environments LIKE '%admin%' AND p.environments LIKE '%edu%' THEN 'both'
                                WHEN p.environments LIKE '%edu%' THEN 'edu' ELSE 'admin' END
                    FROM program p WHERE p.id = packageVersion.programId)
                """)
            try db.execute(sql: "DELETE FROM upstreamRelease")
        }
        _ = try await service.addUser(name: "rm", role: .releaseManager, school: nil, by: .system)
        _ = try await service.addUser(name: "pat", role: .packager, school: nil, by: .system)
        return Setup(dir: dir, home: home, policies: policies, rm: try await service.user(named: "rm"),
                     pat: try await service.user(named: "pat"))
    }

    func firefox(_ report: CurrencyReport) throws -> ProgramCurrency {
        try #require(report.programs.first { $0.program == "mozilla-firefox" })
    }

    func auditActions(_ service: CatalogService) async throws -> [String] {
        try await service.auditEvents(limit: 1000, by: .system).map(\.action)
    }

    // MARK: Currency

    @Test func aNewBrowserReleaseMovesFirefoxToGraceThenViolationAndRefusingItMakesItCurrent() async throws {
        let s = try await setUp()
        // The demo catalog publishes Firefox 134.0 at newest; the vendor released 134.0 and 135.0.
        let january = try s.service(at: "2025-02-10T09:00:00Z")
        _ = try await january.addUpstreamRelease(program: "mozilla-firefox", version: "134.0", released: "2025-01-07", by: s.rm)
        _ = try await january.addUpstreamRelease(program: "mozilla-firefox", version: "135.0", released: "2025-02-04", by: s.rm)
        let before = try firefox(try await january.currencyReport(by: s.rm))
        #expect(before.status == .current)
        #expect(before.upstreamLatest == "135.0" && before.upstreamSecondLatest == "134.0")
        #expect(before.reason.contains("the second-latest release; the latest is 135.0"))

        // 136.0 comes out: two releases are newer than what the city runs, so Firefox is behind, within 14 days.
        let release = try s.service(at: "2025-03-05T09:00:00Z")
        _ = try await release.addUpstreamRelease(program: "mozilla-firefox", version: "136.0", released: "2025-03-04", by: s.rm)
        let grace = try firefox(try await release.currencyReport(by: s.pat))
        #expect(grace.status == .grace)
        #expect(grace.deadline == CalendarDate(year: 2025, month: 3, day: 18))
        #expect(grace.daysLeft == 13)
        #expect(grace.reason.contains("upgrade to 136.0 by 2025-03-18"))

        // After the deadline it is a violation, with how long.
        let late = try s.service(at: "2025-03-21T09:00:00Z")
        let violation = try firefox(try await late.currencyReport(by: s.pat))
        #expect(violation.status == .violation)
        #expect(violation.daysOverdue == 3)
        #expect(violation.reason.contains("the deadline 2025-03-18 passed 3 days ago"))

        // A packager may not refuse; the release manager refuses 136.0 and Firefox is current again.
        await #expect {
            _ = try await late.refuseVersion(program: "mozilla-firefox", version: "136.0", reason: "x", by: s.pat)
        } throws: { ($0 as? any DepotError)?.message.contains("pat is a packager; to refuse versions you need the role release-manager or admin") == true }
        _ = try await late.refuseVersion(program: "mozilla-firefox", version: "136.0",
                                         reason: "breaks the case-management plug-in", by: s.rm)
        let refused = try firefox(try await late.currencyReport(by: s.pat))
        #expect(refused.status == .current)
        #expect(refused.upstreamLatest == "135.0")
        #expect(refused.reason.contains("136.0 is refused (breaks the case-management plug-in)"))
        // The report can also be asked for another day without moving the clock.
        #expect(try firefox(try await late.currencyReport(at: CalendarDate(year: 2025, month: 2, day: 1), by: s.pat)).upstreamLatest == "134.0")

        let actions = try await auditActions(late)
        #expect(actions.filter { $0 == "upstream.add" }.count == 3)
        #expect(actions.contains("version.refuse"))
    }

    @Test func anUpstreamImportWithProblemsNamesEveryLineAndImportsNothing() async throws {
        let s = try await setUp()
        let service = try s.service(at: "2025-03-05T09:00:00Z")
        let bad = try s.dir.write("releases.csv", """
            program,version,released
            mozilla-firefox,135.0,2025-02-04
            mozilla-firefx,136.0,2025-03-04
            google-chrome,133.0.6943.54,2025-02-04
            mozilla-firefox,135.0,2025-02-05
            """)
        await #expect {
            _ = try await service.importUpstreamReleases(from: bad, by: s.rm)
        } throws: { error in
            let message = (error as? any DepotError)?.message ?? ""
            return message.contains("2 problems") && message.contains("releases.csv:3: there is no program 'mozilla-firefx'")
                && message.contains("releases.csv:5: mozilla-firefox 135.0 is also on line 2")
        }
        #expect(try await service.upstreamReleases(by: s.rm).isEmpty)

        let good = try s.dir.write("releases.yaml", """
            # Firefox releases, from Mozilla's release calendar
            releases:
              - program: mozilla-firefox
                version: "135.0"
                released: 2025-02-04
              - program: google-chrome
                version: "133.0.6943.54"
                released: 2025-02-04
            """)
        let summary = try await service.importUpstreamReleases(from: good, by: s.rm)
        #expect(summary.added == 2 && summary.unchanged == 0)
        let again = try await service.importUpstreamReleases(from: good, by: s.rm)
        #expect(again.added == 0 && again.unchanged == 2)
        #expect(try await service.upstreamReleases(program: "google-chrome", by: s.pat).map(\.version) == ["133.0.6943.54"])

        let badYAML = try s.dir.write("more.yaml", "releases:\n  - program: mozilla-firefox\n    version: \"137.0\"\n    released: 2025-13-01\n")
        await #expect {
            _ = try await service.importUpstreamReleases(from: badYAML, by: s.rm)
        } throws: { ($0 as? any DepotError)?.message.contains("more.yaml:4:") == true }
    }

    // MARK: Scheduling

    @Test func aScheduleLandsInWindowsSkipsTheExamBlackoutAndFlagsAConflict() async throws {
        let s = try await setUp()
        // Monday 2 March 2026; Firefox's notice is 7 days, and national tests black out edu 9–20 March.
        let monday = try s.service(at: "2026-03-02T09:00:00Z")
        _ = try await monday.scheduleUpgrade(program: "mozilla-firefox", toVersion: "135.0", rings: ["pilot", "admin", "edu"], by: s.rm)
        let plan = try await monday.schedulePlan(by: s.pat)
        #expect(plan.waves.map(\.ring) == ["pilot", "admin", "edu"])
        #expect(plan.waves.map(\.localStart) == ["2026-03-09T10:00:00+01:00", "2026-03-09T18:00:00+01:00", "2026-03-21T08:00:00+01:00"])
        #expect(plan.waves.map(\.window) == ["Pilot, working hours", "Weekday evenings", "Weekends"])
        let windows = s.policies.maintenanceWindows
        let zone = try #require(windows.timeZone)
        for wave in plan.waves {
            let start = try #require(wave.start), end = try #require(wave.end)
            #expect(wave.flags.isEmpty, "\(wave.flags)")
            for day in [CalendarDate(start, in: zone), CalendarDate(end.addingTimeInterval(-1), in: zone)] {
                #expect(windows.blackout(on: day, in: wave.ring) == nil, "\(wave.ring) wave on \(day)")
            }
        }

        // A second upgrade in the pilot ring's same window is a conflict, on both waves.
        _ = try await monday.scheduleUpgrade(program: "mozilla-firefox-esr", toVersion: "128.8.0", rings: ["pilot"], by: s.rm)
        let both = try await monday.schedulePlan(by: s.pat)
        let pilots = both.waves.filter { $0.ring == "pilot" }
        #expect(pilots.count == 2)
        #expect(pilots.allSatisfy { $0.flags.contains { $0.kind == .conflict } })

        // The notice runs from the announcement: a week later the plan and its calendar are unchanged.
        let later = try s.service(at: "2026-03-06T12:00:00Z")
        #expect(try await later.schedulePlan(by: s.pat) == both)
        #expect(try await later.scheduleCalendar(by: s.pat) == (try await monday.scheduleCalendar(by: s.pat)))
        let calendar = try await later.scheduleCalendar(by: s.pat)
        #expect(calendar.components(separatedBy: "BEGIN:VEVENT").count - 1 == 4)
        #expect(calendar.contains("UID:mozilla-firefox-135.0-edu@depot.schedule"))
        #expect(calendar.contains("DTSTART;TZID=Europe/Stockholm:20260321T080000"))

        await #expect {
            _ = try await monday.scheduleUpgrade(program: "mozilla-firefox", toVersion: "136.0", rings: ["pilot", "school"], by: s.rm)
        } throws: { ($0 as? any DepotError)?.message.contains("ring 'school' has no maintenance windows") == true }
        #expect(try await auditActions(monday).filter { $0 == "schedule.add" }.count == 2)
    }

    // MARK: Pruning

    @Test func prunePlanKeepsTheNewestScheduledAndOnlyVersionsAndRetiresTheRestWithReasons() async throws {
        let s = try await setUp()
        let service = try s.service(at: "2025-06-01T10:00:00Z")
        _ = try await service.scheduleUpgrade(program: "mozilla-firefox", toVersion: "120.0", rings: ["edu"], by: s.rm)
        let plan = try await service.prunePlan(by: s.pat)
        func decision(_ program: String, _ version: String) throws -> PruneDecision {
            try #require(plan.decisions.first { $0.program == program && $0.version == version })
        }
        for version in ["134.0", "133.0", "130.0"] {
            #expect(try decision("mozilla-firefox", version).rule == .keepLatest)
        }
        #expect(try decision("mozilla-firefox", "128.0").action == .retire)
        #expect(try decision("mozilla-firefox", "128.0").rule == .superseded)
        #expect(try decision("mozilla-firefox", "115.0").rule == .unused)
        #expect(try decision("mozilla-firefox", "115.0").reason.contains("never ordered or installed since it was published on 2023-07-04"))
        let scheduled = try decision("mozilla-firefox", "120.0")
        #expect(scheduled.action == .keep && scheduled.rule == .needed)
        #expect(scheduled.reason.contains("upgrade schedule 1 (mozilla-firefox 120.0 → edu)"))

        // Years later nothing is used, but every program keeps its newest version.
        let years = try await service.prunePlan(at: CalendarDate(year: 2030, month: 1, day: 1), by: s.pat)
        let programs = Set(years.decisions.map(\.program))
        for program in programs {
            #expect(years.decisions.contains { $0.program == program && $0.action == .keep }, "\(program) keeps a version")
        }
        #expect(years.decisions.contains { $0.program == "7zip" && $0.version == "24.09" && $0.rule == .onlyVersion })

        // A refused version is retired for that reason.
        _ = try await service.refuseVersion(program: "mozilla-firefox", version: "133.0", reason: "crashes on the school images", by: s.rm)
        #expect(try await service.prunePlan(by: s.pat).decisions.first { $0.version == "133.0" && $0.program == "mozilla-firefox" }?.rule == .refused)
    }

    @Test func applyRetiresSoTheVersionCannotBeOrderedAndRestoreUndoesIt() async throws {
        let s = try await setUp()
        let service = try s.service(at: "2025-06-01T10:00:00Z")
        await #expect {
            _ = try await service.applyPrune(by: s.pat)
        } throws: { ($0 as? any DepotError)?.kind == .forbidden }
        let planned = try await service.prunePlan(by: s.rm).retired
        let result = try await service.applyPrune(by: s.rm)
        #expect(result.retired.map { String($0.id) } == planned.map(\.id))
        let old = try #require(result.retired.first { $0.program == "mozilla-firefox" && $0.version == "115.0" })
        #expect(old.rule == "unused" && old.blobRetainedUntil == "2026-06-01")
        #expect(try await service.catalog(state: .retired, program: "mozilla-firefox", by: s.pat).map(\.version) == ["115.0", "120.0", "128.0"])

        // Retired is not orderable; the newest published version still is.
        let request = OrderRequest(programs: ["mozilla-firefox@115.0"], users: ["anna"], costReference: "140:52120", environment: "admin")
        await #expect {
            _ = try await service.quoteOrder(request, by: s.pat)
        } throws: { "\($0)".contains("mozilla-firefox 115.0 is retired, not published") }
        let newest = try await service.quoteOrder(OrderRequest(programs: ["mozilla-firefox"], users: ["anna"], costReference: "140:52120",
                                                               environment: "admin"), by: s.pat)
        #expect(newest.order.items.first?.version == "134.0")

        let restored = try await service.restoreVersion(id: old.id, by: s.rm)
        #expect(restored.restoredBy == "rm")
        #expect(try await service.quoteOrder(request, by: s.pat).order.items.first?.version == "115.0")
        await #expect {
            _ = try await service.restoreVersion(id: old.id, by: s.rm)
        } throws: { ($0 as? any DepotError)?.message.contains("is published, not retired") == true }
        // Applying again retires it again, and nothing else: the rest is already retired.
        #expect(try await service.applyPrune(by: s.rm).retired.map(\.version) == ["115.0"])

        let actions = try await auditActions(service)
        #expect(actions.filter { $0 == "prune.apply" }.count == 2)
        #expect(actions.contains("version.restore"))
        #expect(try await service.verifyAudit().intact)
    }

    @Test func purgeDeletesOnlyInstallersPastRetentionThatNoOtherVersionNeeds() async throws {
        let s = try await setUp()
        let service = try s.service(at: "2026-09-21T10:00:00Z")
        let sevenZip = try await service.catalog(program: "7zip", by: s.pat)
        let oldest = try #require(sevenZip.first { $0.version == "19.00" })
        let second = try #require(sevenZip.first { $0.version == "21.07" })
        let newest = try #require(sevenZip.first { $0.version == "24.09" })
        // Give three versions installers: 19.00 its own, 21.07 the same bytes as the newest (which stays published).
        let blobs = BlobStore(home: s.home)
        let own = String(repeating: "a", count: 64), shared = String(repeating: "b", count: 64)
        for hash in [own, shared] {
            let temporary = blobs.temporaryFile()
            try Data("installer \(hash.prefix(1))".utf8).write(to: temporary)
            try blobs.adopt(temporary, sha256: hash)
        }
        try await service.database.writer.write { db in
            try db.execute(sql: "UPDATE packageVersion SET sha256 = ? WHERE id = ?", arguments: [own, oldest.id])
            try db.execute(sql: "UPDATE packageVersion SET sha256 = ? WHERE id IN (?, ?)", arguments: [shared, second.id, newest.id])
        }
        let retired = try await service.applyPrune(by: s.rm)
        #expect(retired.retired.contains { $0.id == oldest.id } && retired.retired.contains { $0.id == second.id })
        #expect(!retired.retired.contains { $0.id == newest.id })

        // Within the retention year nothing is purged.
        let early = try await service.purge(at: CalendarDate(year: 2027, month: 9, day: 21), by: s.rm)
        #expect(early.purged.isEmpty && early.stillRetained == retired.retired.count)
        #expect(blobs.contains(own) && blobs.contains(shared))

        let late = try await service.purge(at: CalendarDate(year: 2027, month: 9, day: 22), by: s.rm)
        #expect(late.purged.count == retired.retired.count)
        #expect(late.purged.first { $0.id == oldest.id }?.outcome == .deleted)
        #expect(late.purged.first { $0.id == second.id }?.outcome == .shared)
        #expect(late.purged.filter { $0.outcome == .noInstaller }.count == retired.retired.count - 2)
        #expect(!blobs.contains(own))
        #expect(blobs.contains(shared))
        // A purged version whose installer is gone cannot be restored; one without an installer can.
        await #expect {
            _ = try await service.restoreVersion(id: oldest.id, by: s.rm)
        } throws: { ($0 as? any DepotError)?.message.contains("was purged on 2026-09-21; submit it again") == true }
        _ = try await service.restoreVersion(id: second.id, by: s.rm)
        #expect(try await service.purge(at: CalendarDate(year: 2028, month: 1, day: 1), by: s.rm).purged.isEmpty)
        #expect(try await auditActions(service).filter { $0 == "purge" }.count == 1)
    }
}
