import DepotPolicy
import Foundation

/// Places upgrades into maintenance windows, ring after ring, in the policy's time zone (Europe/Stockholm), so
/// summer time moves the instants and never the local times. Pure: `now` is a parameter.
public enum UpgradeScheduler {
    /// The waves of every upgrade, in upgrade order and ring order.
    ///
    /// Each ring's wave begins no earlier than `now` plus the notice (the longer of the ring's `noticeDays` and
    /// the program's `noticePeriodDays` in `currency`), the upgrade's start day, and the end of the previous
    /// ring's wave; it is placed in the first window from then that is not cut by an exclusion or a blackout
    /// (the ring's or the city's) and has at least `minimumMinutes` left. Waves that share a ring and overlap
    /// are flagged as conflicts; waves ending after the program's day in `deadlines` (from
    /// `CurrencyReport.deadlines`) are flagged as violations.
    public static func plan(upgrades: [ScheduledUpgrade], windows policy: MaintenanceWindowPolicy,
                            currency: CurrencyPolicy? = nil, deadlines: [String: CalendarDate] = [:],
                            now: Date, minimumMinutes: Int = 60, horizonDays: Int = 400) -> [Wave] {
        guard let zone = policy.timeZone else {
            return upgrades.flatMap { upgrade in
                upgrade.rings.map { ring in
                    unplaced(upgrade, ring, "the time zone '\(policy.timeZoneIdentifier)' is unknown; "
                        + "set timezone: Europe/Stockholm in maintenance-windows.yaml")
                }
            }
        }
        let clock = LocalClock(zone)
        let minimum = TimeInterval(max(minimumMinutes, 1) * 60)
        let horizon = min(max(horizonDays, 1), 3660)
        var waves: [Wave] = []
        for upgrade in upgrades {
            var previousEnd: Date?
            var previousRing: String?
            var blocked = false
            let programNotice = currency?.program(upgrade.program)?.terms.noticePeriodDays ?? 0
            for ring in upgrade.rings {
                if blocked {
                    waves.append(unplaced(upgrade, ring, "not placed because the \(previousRing ?? "previous") wave was not placed"))
                    continue
                }
                guard let environment = policy.environment(ring) else {
                    let known = policy.environments.map(\.id).joined(separator: ", ")
                    waves.append(unplaced(upgrade, ring, "ring '\(ring)' has no maintenance windows in "
                        + "maintenance-windows.yaml; use one of \(known) or add it there"))
                    blocked = true
                    previousRing = ring
                    continue
                }
                let notice = max(environment.noticeDays, programNotice)
                var earliest = clock.adding(days: notice, to: upgrade.announced ?? now)
                if let start = upgrade.start { earliest = max(earliest, start.start(in: zone)) }
                if let previousEnd { earliest = max(earliest, previousEnd) }
                if let slot = firstSlot(in: environment, policy: policy, from: earliest, minimum: minimum,
                                        horizon: horizon, clock: clock) {
                    waves.append(Wave(program: upgrade.program, version: upgrade.toVersion, ring: ring, window: slot.name,
                                      start: slot.start, end: slot.end, localStart: clock.iso(slot.start),
                                      localEnd: clock.iso(slot.end),
                                      uid: Wave.uid(program: upgrade.program, version: upgrade.toVersion, ring: ring),
                                      flags: []))
                    previousEnd = slot.end
                } else {
                    waves.append(unplaced(upgrade, ring, "no window of ring '\(ring)' with \(Int(minimum / 60)) free minutes "
                        + "within \(horizon) days of \(clock.iso(earliest)); check its windows and blackouts"))
                    blocked = true
                }
                previousRing = ring
            }
        }
        flagConflicts(&waves)
        flagViolations(&waves, deadlines: deadlines, clock: clock)
        return waves
    }

    private static func unplaced(_ upgrade: ScheduledUpgrade, _ ring: String, _ message: String) -> Wave {
        Wave(program: upgrade.program, version: upgrade.toVersion, ring: ring, window: nil, start: nil, end: nil,
             localStart: nil, localEnd: nil, uid: Wave.uid(program: upgrade.program, version: upgrade.toVersion, ring: ring),
             flags: [WaveFlag(kind: .unplaced, message: message)])
    }

    struct Slot {
        var name: String
        var start: Date
        var end: Date
    }

    /// The earliest free stretch of a window from `earliest` on. Days are walked one by one from the day
    /// before (a window may run past midnight), and the walk ends once a day starts after the best found.
    static func firstSlot(in environment: MaintenanceEnvironment, policy: MaintenanceWindowPolicy, from earliest: Date,
                          minimum: TimeInterval, horizon: Int, clock: LocalClock) -> Slot? {
        let firstDay = CalendarDate(earliest, in: clock.zone).adding(days: -1)
        var best: Slot?
        for offset in 0...horizon {
            let day = firstDay.adding(days: offset)
            if let best, clock.instant(day, minutes: 0) > best.start { break }
            for window in environment.windows where window.days.contains(day.weekday) {
                let open = clock.instant(day, minutes: window.start.minutes)
                let close = clock.instant(window.crossesMidnight ? day.adding(days: 1) : day, minutes: window.end.minutes)
                var pieces = [(max(open, earliest), close)]
                for blocked in blockedIntervals(around: day, environment: environment, policy: policy, clock: clock) {
                    pieces = pieces.flatMap { subtract(blocked, from: $0) }
                }
                for piece in pieces where piece.1.timeIntervalSince(piece.0) >= minimum {
                    if best.map({ piece.0 < $0.start }) ?? true {
                        best = Slot(name: window.name, start: piece.0, end: piece.1)
                    }
                }
            }
        }
        return best
    }

    /// Exclusions and blackout days that can touch a window starting on `day` (which may run into the next day).
    private static func blockedIntervals(around day: CalendarDate, environment: MaintenanceEnvironment,
                                         policy: MaintenanceWindowPolicy, clock: LocalClock) -> [(Date, Date)] {
        var result: [(Date, Date)] = []
        for delta in -1...1 {
            let d = day.adding(days: delta)
            for exclusion in environment.exclusions where exclusion.days.contains(d.weekday) {
                let end = exclusion.crossesMidnight ? d.adding(days: 1) : d
                result.append((clock.instant(d, minutes: exclusion.start.minutes), clock.instant(end, minutes: exclusion.end.minutes)))
            }
            if delta >= 0, policy.blackout(on: d, in: environment.id) != nil {
                result.append((clock.instant(d, minutes: 0), clock.instant(d.adding(days: 1), minutes: 0)))
            }
        }
        return result
    }

    private static func subtract(_ cut: (Date, Date), from piece: (Date, Date)) -> [(Date, Date)] {
        guard cut.0 < piece.1, piece.0 < cut.1 else { return [piece] }
        var out: [(Date, Date)] = []
        if piece.0 < cut.0 { out.append((piece.0, cut.0)) }
        if cut.1 < piece.1 { out.append((cut.1, piece.1)) }
        return out
    }

    private static func flagConflicts(_ waves: inout [Wave]) {
        var byRing: [String: [Int]] = [:]
        for (i, wave) in waves.enumerated() where wave.start != nil { byRing[wave.ring, default: []].append(i) }
        for (_, members) in byRing {
            let sorted = members.sorted { (waves[$0].start ?? .distantPast) < (waves[$1].start ?? .distantPast) }
            for (position, i) in sorted.enumerated() {
                guard let end = waves[i].end else { continue }
                for j in sorted[(position + 1)...] {
                    guard let otherStart = waves[j].start, otherStart < end else { break }
                    let a = waves[i], b = waves[j]
                    waves[i].flags.append(WaveFlag(kind: .conflict, message: "ring \(a.ring) also upgrades \(b.program) to "
                        + "\(b.version) in this window (\(b.localStart ?? "?")); move one with `--start`"))
                    waves[j].flags.append(WaveFlag(kind: .conflict, message: "ring \(b.ring) also upgrades \(a.program) to "
                        + "\(a.version) in this window (\(a.localStart ?? "?")); move one with `--start`"))
                }
            }
        }
    }

    private static func flagViolations(_ waves: inout [Wave], deadlines: [String: CalendarDate], clock: LocalClock) {
        for i in waves.indices {
            guard let deadline = deadlines[waves[i].program] else { continue }
            let wave = waves[i]
            guard let end = wave.end else {
                waves[i].flags.append(WaveFlag(kind: .violation, message: "ring \(wave.ring) has no wave, so it stays "
                    + "behind past the currency deadline \(deadline) for \(wave.program)"))
                continue
            }
            let lastDay = CalendarDate(end.addingTimeInterval(-1), in: clock.zone)
            if lastDay > deadline {
                let late = deadline.days(until: lastDay)
                waves[i].flags.append(WaveFlag(kind: .violation, message: "the \(wave.ring) wave ends on \(lastDay), "
                    + "\(late) day\(late == 1 ? "" : "s") after the currency deadline \(deadline) for \(wave.program): "
                    + "ring \(wave.ring) would be out of policy; start earlier or shorten the notice"))
            }
        }
    }
}

/// Local wall-clock times in one zone turned into instants, with summer time handled by Foundation's Calendar.
struct LocalClock {
    let zone: TimeZone
    let calendar: Calendar

    init(_ zone: TimeZone) {
        self.zone = zone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        self.calendar = calendar
    }

    /// The instant of a local time on a day; 24:00 is the next midnight, and a time skipped by the spring
    /// change (02:30) becomes the first valid time after it.
    func instant(_ day: CalendarDate, minutes: Int) -> Date {
        let target = minutes >= 1440 ? day.adding(days: 1) : day
        let m = minutes >= 1440 ? 0 : max(minutes, 0)
        let parts = DateComponents(year: target.year, month: target.month, day: target.day, hour: m / 60, minute: m % 60)
        return calendar.date(from: parts) ?? target.start(in: zone).addingTimeInterval(TimeInterval(m * 60))
    }

    /// `days` calendar days later at the same local time.
    func adding(days: Int, to date: Date) -> Date {
        calendar.date(byAdding: .day, value: days, to: date) ?? date.addingTimeInterval(TimeInterval(days) * 86_400)
    }

    /// `2026-03-02T18:00:00+01:00`.
    func iso(_ date: Date) -> String {
        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let offset = zone.secondsFromGMT(for: date)
        let sign = offset < 0 ? "-" : "+"
        let a = abs(offset)
        let local = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", p.year ?? 0, p.month ?? 0, p.day ?? 0,
                           p.hour ?? 0, p.minute ?? 0, p.second ?? 0)
        return local + sign + String(format: "%02d:%02d", a / 3600, a % 3600 / 60)
    }

    /// `20260302T180000`, local time for a `TZID=` property.
    func icsLocal(_ date: Date) -> String {
        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02d", p.year ?? 0, p.month ?? 0, p.day ?? 0,
                      p.hour ?? 0, p.minute ?? 0, p.second ?? 0)
    }
}
