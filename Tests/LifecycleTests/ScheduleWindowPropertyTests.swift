import DepotPolicy
import Foundation
import Lifecycle
import Testing

@Suite("Scheduling: every wave of a year of upgrades lies inside the policy")
struct ScheduleWindowPropertyTests {
    /// Checks a wave minute by minute (every 5 minutes) against the policy, independently of the planner.
    static func violations(of wave: Wave, in policy: MaintenanceWindowPolicy) -> [String] {
        guard let start = wave.start, let end = wave.end, let environment = policy.environment(wave.ring) else {
            return ["\(wave.uid) was not placed"]
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = LifecyclePolicies.stockholm
        func local(_ instant: Date) -> (day: CalendarDate, minutes: Int) {
            let p = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: instant)
            let day = CalendarDate(year: p.year ?? 1, month: p.month ?? 1, day: p.day ?? 1) ?? CalendarDate(daysSinceEpoch: 0)
            return (day, (p.hour ?? 0) * 60 + (p.minute ?? 0))
        }
        func covers(_ w: WeeklyWindow, _ day: CalendarDate, _ minutes: Int) -> Bool {
            if w.crossesMidnight {
                return (w.days.contains(day.weekday) && minutes >= w.start.minutes)
                    || (w.days.contains(day.adding(days: -1).weekday) && minutes < w.end.minutes)
            }
            return w.days.contains(day.weekday) && minutes >= w.start.minutes && minutes < w.end.minutes
        }
        var problems: [String] = []
        var t = start
        while t < end, problems.isEmpty {
            let (day, minutes) = local(t)
            if let blackout = policy.blackout(on: day, in: wave.ring) {
                problems.append("\(wave.uid) runs at \(day) during blackout \(blackout.name)")
            }
            if !environment.windows.contains(where: { covers($0, day, minutes) }) {
                problems.append("\(wave.uid) runs at \(day) \(minutes / 60):\(minutes % 60) outside every window")
            }
            if let exclusion = environment.exclusions.first(where: { covers($0, day, minutes) }) {
                problems.append("\(wave.uid) runs at \(day) \(minutes / 60):\(minutes % 60) during \(exclusion.name)")
            }
            t = t.addingTimeInterval(300)
        }
        return problems
    }

    @Test("no wave runs outside a window, inside an exclusion or on a blackout day; rings follow each other")
    func yearOfUpgrades() throws {
        let policy = try LifecyclePolicies.windows()
        let currency = try LifecyclePolicies.currency()
        let programs = currency.baseline.map(\.program) + ["zoom", "vlc", "gimp"]
        var upgrades: [ScheduledUpgrade] = []
        var day = LifecyclePolicies.day("2025-12-01")
        for i in 0..<60 {
            upgrades.append(ScheduledUpgrade(program: programs[i % programs.count], toVersion: "\(i).0",
                                             rings: ["pilot", "admin", "edu"], start: day))
            day = day.adding(days: 5 + i % 4)
        }
        let waves = UpgradeScheduler.plan(upgrades: upgrades, windows: policy, currency: currency,
                                          now: LifecyclePolicies.local("2025-11-20 12:00"))
        #expect(waves.count == 180)
        var skippedBlackout = false
        for wave in waves {
            let problems = Self.violations(of: wave, in: policy)
            #expect(problems.isEmpty, "\(problems.prefix(3))")
        }
        for index in stride(from: 0, to: waves.count, by: 3) {
            let (pilot, admin, edu) = (waves[index], waves[index + 1], waves[index + 2])
            #expect((pilot.end ?? .distantFuture) <= (admin.start ?? .distantPast))
            #expect((admin.end ?? .distantFuture) <= (edu.start ?? .distantPast))
            let upgrade = upgrades[index / 3]
            if let start = upgrade.start, let pilotStart = pilot.start {
                #expect(pilotStart >= start.start(in: LifecyclePolicies.stockholm))
            }
            // A wave more than two weeks after the one before it has jumped over a blackout.
            if let a = admin.end, let e = edu.start, e.timeIntervalSince(a) > 14 * 86_400 { skippedBlackout = true }
        }
        #expect(skippedBlackout, "the generated year should include waves pushed past a blackout")
    }
}
