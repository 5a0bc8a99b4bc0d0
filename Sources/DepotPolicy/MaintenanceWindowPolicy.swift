import Foundation

/// When upgrades may reach each environment's computers (`maintenance-windows.yaml`). A wave may run inside a
/// window, never inside an exclusion, and never on a blackout day (the environment's or the city's).
public struct MaintenanceWindowPolicy: PolicyDocument, Codable {
    public static let fileName = "maintenance-windows.yaml"

    /// IANA time zone the times are in, `Europe/Stockholm`.
    public var timeZoneIdentifier: String
    /// Per environment (rollout ring): `pilot`, `admin`, `edu`, in file order.
    public var environments: [MaintenanceEnvironment]
    /// Days no environment is upgraded.
    public var cityWideBlackouts: [BlackoutPeriod]

    /// Builds a policy in code.
    public init(timeZoneIdentifier: String = "Europe/Stockholm", environments: [MaintenanceEnvironment],
                cityWideBlackouts: [BlackoutPeriod] = []) {
        self.timeZoneIdentifier = timeZoneIdentifier
        self.environments = environments
        self.cityWideBlackouts = cityWideBlackouts
    }

    /// The time zone; validated on load, so nil only for a policy built in code with a bad identifier.
    public var timeZone: TimeZone? { TimeZone(identifier: timeZoneIdentifier) }

    /// The environment (ring) with this id.
    public func environment(_ id: String) -> MaintenanceEnvironment? {
        environments.first { $0.id == id }
    }

    /// The blackout that covers a day in an environment, city-wide ones first; nil when the day is open.
    public func blackout(on date: CalendarDate, in environment: String) -> BlackoutPeriod? {
        cityWideBlackouts.first { $0.contains(date) }
            ?? self.environment(environment)?.blackouts.first { $0.contains(date) }
    }

    /// Environments every file must define, because the pipeline publishes to both.
    public static let requiredEnvironments = DeploymentEnvironment.allCases.map(\.rawValue)

    public static func read(from root: PolicyValue) -> MaintenanceWindowPolicy? {
        root.mapping { m in
            let zoneValue = m.required("timezone")
            var zone = zoneValue?.string("an IANA time zone such as Europe/Stockholm")
            if let name = zone, TimeZone(identifier: name) == nil {
                zoneValue?.expected("an IANA time zone such as Europe/Stockholm")
                zone = nil
            }
            let environments = m.required("environments")?.mapping { e -> [MaintenanceEnvironment] in
                var result: [MaintenanceEnvironment] = []
                for entry in e.entries() {
                    guard let id = entry.keyValue.identifier("an environment id") else { continue }
                    if let environment = MaintenanceEnvironment.read(id: id, from: entry.value) {
                        result.append(environment)
                    }
                }
                for id in requiredEnvironments where !e.keys.contains(id) {
                    e.value.report("missing environment '\(id)'; every environment needs its maintenance windows")
                }
                return result
            }
            let blackouts = m.required("cityWideBlackouts")?.list(BlackoutPeriod.read)
            guard let zone, let environments, let blackouts else { return nil }
            return MaintenanceWindowPolicy(timeZoneIdentifier: zone, environments: environments, cityWideBlackouts: blackouts)
        }
    }
}

/// The windows, exclusions and blackouts of one environment (rollout ring).
public struct MaintenanceEnvironment: Sendable, Equatable, Codable {
    /// The ring name: `pilot`, `admin`, `edu`.
    public var id: String
    /// System owners are told at least this many days before a wave in this environment.
    public var noticeDays: Int
    /// Weekly periods in which upgrades may run.
    public var windows: [WeeklyWindow]
    /// Weekly periods cut out of the windows (morning log-in, lessons).
    public var exclusions: [WeeklyWindow]
    /// Days this environment is never upgraded (exam weeks, first school day).
    public var blackouts: [BlackoutPeriod]

    /// Builds an environment in code.
    public init(id: String, noticeDays: Int, windows: [WeeklyWindow], exclusions: [WeeklyWindow] = [],
                blackouts: [BlackoutPeriod] = []) {
        self.id = id
        self.noticeDays = noticeDays
        self.windows = windows
        self.exclusions = exclusions
        self.blackouts = blackouts
    }

    static func read(id: String, from value: PolicyValue) -> MaintenanceEnvironment? {
        value.mapping { e in
            let notice = e.required("noticeDays")?.int(in: 0...90, "a number of days")
            let windowsValue = e.required("windows")
            let windows = windowsValue?.list(WeeklyWindow.read)
            let exclusions = e.optional("exclusions")?.list(WeeklyWindow.read)
            let blackouts = e.optional("blackouts")?.list(BlackoutPeriod.read)
            if windowsValue?.isEmptyList == true { windowsValue?.expected("at least one maintenance window") }
            guard let notice, let windows else { return nil }
            return MaintenanceEnvironment(id: id, noticeDays: notice, windows: windows,
                                          exclusions: exclusions ?? [], blackouts: blackouts ?? [])
        }
    }
}

/// A period on some days of every week, in local time. When `end` is not after `start`, the period runs past
/// midnight into the next day (22:00–05:00).
public struct WeeklyWindow: Sendable, Equatable, Codable {
    /// Shown in the release calendar.
    public var name: String
    /// The days the period starts on, Monday first.
    public var days: [Weekday]
    /// Local start time.
    public var start: TimeOfDay
    /// Local end time; not after `start` means the next day.
    public var end: TimeOfDay

    /// Builds a window in code.
    public init(name: String, days: [Weekday], start: TimeOfDay, end: TimeOfDay) {
        self.name = name
        self.days = days.sorted()
        self.start = start
        self.end = end
    }

    /// True when the period runs past midnight.
    public var crossesMidnight: Bool { end <= start }

    /// Length in minutes.
    public var minutes: Int { crossesMidnight ? 1440 - start.minutes + end.minutes : end.minutes - start.minutes }

    static func read(from value: PolicyValue) -> WeeklyWindow? {
        value.mapping { w in
            let name = w.required("name")?.string("a name shown in the release calendar")
            let daysValue = w.required("days")
            let days = daysValue?.list { item -> Weekday? in
                guard let text = item.rawText, let day = Weekday(name: text) else {
                    item.expected("a weekday: mon, tue, wed, thu, fri, sat or sun",
                                  hint: Suggestion.nearest(to: item.rawText ?? "", in: Weekday.allCases.map(\.rawValue))
                                      .map { "did you mean '\($0)'?" })
                    return nil
                }
                return day
            }
            let start = w.required("start")?.time()
            let endValue = w.required("end")
            let end = endValue?.time()
            if daysValue?.isEmptyList == true { daysValue?.expected("at least one weekday") }
            if let days, Set(days).count != days.count { daysValue?.expected("each weekday once") }
            if let start, let end, start == end {
                endValue?.expected("an end different from the start (\(start))")
            }
            guard let name, let days, !days.isEmpty, let start, let end, start != end else { return nil }
            return WeeklyWindow(name: name, days: days, start: start, end: end)
        }
    }
}

/// Days, first and last included, on which no upgrade runs.
public struct BlackoutPeriod: Sendable, Equatable, Codable {
    /// Shown in the release calendar.
    public var name: String
    /// The first day of the blackout (included).
    public var from: CalendarDate
    /// The last day of the blackout (included).
    public var through: CalendarDate

    /// Builds a period in code.
    public init(name: String, from: CalendarDate, through: CalendarDate) {
        self.name = name
        self.from = from
        self.through = through
    }

    /// Whether the period includes a day.
    public func contains(_ date: CalendarDate) -> Bool { from <= date && date <= through }

    static func read(from value: PolicyValue) -> BlackoutPeriod? {
        value.mapping { b in
            let name = b.required("name")?.string("a name shown in the release calendar")
            let from = b.required("from")?.date()
            let throughValue = b.required("through")
            let through = throughValue?.date()
            if let from, let through, through < from {
                throughValue?.expected("a date on or after \(from) (the blackout's first day)")
                return nil
            }
            guard let name, let from, let through else { return nil }
            return BlackoutPeriod(name: name, from: from, through: through)
        }
    }
}
