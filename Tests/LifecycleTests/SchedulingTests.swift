import DepotPolicy
import Foundation
import Lifecycle
import Testing

@Suite("Scheduling: waves land in maintenance windows")
struct SchedulingTests {
    let windows: MaintenanceWindowPolicy
    let currency: CurrencyPolicy

    init() throws {
        windows = try LifecyclePolicies.windows()
        currency = try LifecyclePolicies.currency()
    }

    static func browserUpgrade() -> ScheduledUpgrade {
        ScheduledUpgrade(program: "mozilla-firefox", toVersion: "128.0", rings: ["pilot", "admin", "edu"])
    }

    @Test("pilot, admin and edu follow each other after the notice; edu skips the national tests")
    func ringsInOrder() throws {
        let waves = UpgradeScheduler.plan(upgrades: [Self.browserUpgrade()], windows: windows, currency: currency,
                                          now: LifecyclePolicies.local("2026-03-02 10:00"))
        #expect(waves.map(\.ring) == ["pilot", "admin", "edu"])
        // Firefox's notice period is 7 days (currency.yaml), longer than pilot's and admin's own.
        #expect(waves[0].localStart == "2026-03-09T10:00:00+01:00")
        #expect(waves[0].localEnd == "2026-03-09T16:00:00+01:00")
        #expect(waves[0].window == "Pilot, working hours")
        #expect(waves[1].localStart == "2026-03-09T18:00:00+01:00")
        #expect(waves[1].localEnd == "2026-03-09T22:00:00+01:00")
        #expect(waves[1].window == "Weekday evenings")
        // 2026-03-09 … 03-20 are the national tests: the first edu window after them is Saturday 03-21.
        #expect(waves[2].localStart == "2026-03-21T08:00:00+01:00")
        #expect(waves[2].window == "Weekends")
        #expect(waves.allSatisfy { $0.flags.isEmpty })
        #expect(Set(waves.map(\.uid)).count == 3)
        #expect(waves[0].uid == "mozilla-firefox-128.0-pilot@depot.schedule")
    }

    @Test("the notice runs from the announcement, not from the day the plan is looked at")
    func noticeFromAnnouncement() throws {
        var upgrade = Self.browserUpgrade()
        upgrade.announced = LifecyclePolicies.local("2026-03-02 10:00")
        let later = UpgradeScheduler.plan(upgrades: [upgrade], windows: windows, currency: currency,
                                          now: LifecyclePolicies.local("2026-03-06 10:00"))
        #expect(later.first?.localStart == "2026-03-09T10:00:00+01:00")
        let unannounced = UpgradeScheduler.plan(upgrades: [Self.browserUpgrade()], windows: windows, currency: currency,
                                                now: LifecyclePolicies.local("2026-03-06 10:00"))
        #expect(unannounced.first?.localStart != "2026-03-09T10:00:00+01:00")
    }

    @Test("a wave that ends after the currency deadline is flagged as a violation")
    func violationFlag() throws {
        let waves = UpgradeScheduler.plan(upgrades: [Self.browserUpgrade()], windows: windows, currency: currency,
                                          deadlines: ["mozilla-firefox": LifecyclePolicies.day("2026-03-15")],
                                          now: LifecyclePolicies.local("2026-03-02 10:00"))
        #expect(waves[0].flags.isEmpty)
        #expect(waves[1].flags.isEmpty)
        let flag = try #require(waves[2].flags.first)
        #expect(flag.kind == .violation)
        #expect(flag.message.contains("ends on 2026-03-21, 6 days after the currency deadline 2026-03-15"))
    }

    @Test("local times stay put across the change to summer time; the instants move")
    func summerTime() throws {
        let now = LifecyclePolicies.local("2026-03-10 12:00")
        let starts = ["2026-03-27", "2026-03-28", "2026-03-29", "2026-03-30"]
        let upgrades = starts.enumerated().map { i, day in
            ScheduledUpgrade(program: "tool-\(i)", toVersion: "1.0", rings: ["admin"], start: LifecyclePolicies.day(day))
        }
        let waves = UpgradeScheduler.plan(upgrades: upgrades, windows: windows, now: now)
        #expect(waves.map(\.localStart) == ["2026-03-27T18:00:00+01:00", "2026-03-28T08:00:00+01:00",
                                            "2026-03-29T08:00:00+02:00", "2026-03-30T18:00:00+02:00"])
        let utc = waves.map { $0.start.map { Int($0.timeIntervalSince1970) } }
        // 17:00Z, 07:00Z, 06:00Z, 16:00Z.
        #expect(utc == [1_774_630_800, 1_774_681_200, 1_774_764_000, 1_774_886_400])
        // The clocks change at 02:00, before the window: 08:00–20:00 is still twelve hours.
        let sunday = try #require(waves[2].end.flatMap { end in waves[2].start.map { end.timeIntervalSince($0) } })
        #expect(sunday == 12 * 3600)
    }

    @Test("city-wide and environment blackouts are skipped")
    func blackouts() throws {
        let upgrades = [
            ScheduledUpgrade(program: "a", toVersion: "1", rings: ["admin"], start: LifecyclePolicies.day("2025-12-18")),
            ScheduledUpgrade(program: "b", toVersion: "1", rings: ["admin"], start: LifecyclePolicies.day("2025-12-19")),
            ScheduledUpgrade(program: "c", toVersion: "1", rings: ["edu"], start: LifecyclePolicies.day("2026-01-08")),
        ]
        let waves = UpgradeScheduler.plan(upgrades: upgrades, windows: windows, now: LifecyclePolicies.local("2025-12-01 12:00"))
        #expect(waves[0].localStart == "2025-12-18T18:00:00+01:00")
        // Year-end closing runs 2025-12-19 through 2026-01-06.
        #expect(waves[1].localStart == "2026-01-07T18:00:00+01:00")
        // 2026-01-08 is the first school day of the spring term.
        #expect(waves[2].localStart == "2026-01-09T16:30:00+01:00")
        #expect(waves.allSatisfy { $0.flags.isEmpty })
    }

    @Test("two upgrades in one ring and window are flagged as a conflict")
    func conflicts() throws {
        let start = LifecyclePolicies.day("2026-04-07")
        let upgrades = [
            ScheduledUpgrade(program: "google-chrome", toVersion: "140.0", rings: ["admin"], start: start),
            ScheduledUpgrade(program: "libreoffice", toVersion: "25.8", rings: ["admin"], start: start),
            ScheduledUpgrade(program: "zoom", toVersion: "6.5", rings: ["edu"], start: start),
        ]
        let waves = UpgradeScheduler.plan(upgrades: upgrades, windows: windows, now: LifecyclePolicies.local("2026-03-20 12:00"))
        #expect(waves[0].flags.map(\.kind) == [.conflict])
        #expect(waves[0].flags.first?.message.contains("libreoffice to 25.8") == true)
        #expect(waves[1].flags.map(\.kind) == [.conflict])
        #expect(waves[1].flags.first?.message.contains("google-chrome to 140.0") == true)
        #expect(waves[2].flags.isEmpty)
    }

    @Test("exclusions cut windows, a window past midnight stops at a blackout day, and short pieces are skipped")
    func exclusionsAndMidnight() throws {
        func window(_ name: String, _ days: [Weekday], _ start: String, _ end: String) -> WeeklyWindow {
            WeeklyWindow(name: name, days: days, start: TimeOfDay(start)!, end: TimeOfDay(end)!)
        }
        let policy = MaintenanceWindowPolicy(environments: [
            MaintenanceEnvironment(id: "labs", noticeDays: 0, windows: [window("Mornings", [.monday], "06:00", "12:00")],
                                   exclusions: [window("Log-in", [.monday], "07:00", "09:30")]),
            MaintenanceEnvironment(id: "night", noticeDays: 0,
                                   windows: [window("Nights", [.wednesday], "22:00", "05:00")],
                                   blackouts: [BlackoutPeriod(name: "Audit", from: LifecyclePolicies.day("2026-04-02"),
                                                              through: LifecyclePolicies.day("2026-04-02"))]),
        ])
        let now = LifecyclePolicies.local("2026-03-30 00:00")
        let labs = UpgradeScheduler.plan(upgrades: [ScheduledUpgrade(program: "x", toVersion: "1", rings: ["labs"])],
                                         windows: policy, now: now, minimumMinutes: 90)
        #expect(labs[0].localStart == "2026-03-30T09:30:00+02:00")
        #expect(labs[0].localEnd == "2026-03-30T12:00:00+02:00")
        let night = UpgradeScheduler.plan(upgrades: [ScheduledUpgrade(program: "y", toVersion: "1", rings: ["night"],
                                                                     start: LifecyclePolicies.day("2026-04-01"))],
                                          windows: policy, now: now)
        #expect(night[0].localStart == "2026-04-01T22:00:00+02:00")
        #expect(night[0].localEnd == "2026-04-02T00:00:00+02:00")
    }

    @Test("a window across the night of a clock change is an hour shorter in spring and longer in autumn")
    func overnightAcrossClockChange() throws {
        let night = WeeklyWindow(name: "Saturday night", days: [.saturday], start: TimeOfDay("22:00")!, end: TimeOfDay("05:00")!)
        let policy = MaintenanceWindowPolicy(environments: [MaintenanceEnvironment(id: "servers", noticeDays: 0, windows: [night])])
        let upgrades = ["2026-03-28", "2026-10-24"].map {
            ScheduledUpgrade(program: "p-\($0)", toVersion: "1", rings: ["servers"], start: LifecyclePolicies.day($0))
        }
        let waves = UpgradeScheduler.plan(upgrades: upgrades, windows: policy, now: LifecyclePolicies.local("2026-03-01 00:00"))
        #expect(waves.map(\.localStart) == ["2026-03-28T22:00:00+01:00", "2026-10-24T22:00:00+02:00"])
        #expect(waves.map(\.localEnd) == ["2026-03-29T05:00:00+02:00", "2026-10-25T05:00:00+01:00"])
        let hours = waves.map { wave in wave.end.flatMap { end in wave.start.map { end.timeIntervalSince($0) / 3600 } } }
        #expect(hours == [6, 8])
    }

    @Test("an unknown ring is reported, and the rings after it are not placed")
    func unknownRing() {
        let upgrade = ScheduledUpgrade(program: "x", toVersion: "1", rings: ["pilot", "schools", "edu"])
        let waves = UpgradeScheduler.plan(upgrades: [upgrade], windows: windows, now: LifecyclePolicies.local("2026-04-01 12:00"))
        #expect(waves[0].start != nil)
        #expect(waves[1].start == nil)
        #expect(waves[1].flags.first?.kind == .unplaced)
        #expect(waves[1].flags.first?.message.contains("ring 'schools' has no maintenance windows") == true)
        #expect(waves[2].flags.first?.message.contains("not placed because the schools wave was not placed") == true)
    }
}
