import DepotPolicy
import Foundation

/// The policies in force (Policies/*.yaml), and dates and instants for tests with a fixed clock.
enum LifecyclePolicies {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Policies")

    static func currency() throws -> CurrencyPolicy {
        try CurrencyPolicy.load(file: directory.appendingPathComponent(CurrencyPolicy.fileName))
    }

    static func pruning() throws -> PruningPolicy {
        try PruningPolicy.load(file: directory.appendingPathComponent(PruningPolicy.fileName))
    }

    static func windows() throws -> MaintenanceWindowPolicy {
        try MaintenanceWindowPolicy.load(file: directory.appendingPathComponent(MaintenanceWindowPolicy.fileName))
    }

    static let stockholm = TimeZone(identifier: "Europe/Stockholm") ?? TimeZone(secondsFromGMT: 3600)!

    /// A day written YYYY-MM-DD.
    static func day(_ text: String) -> CalendarDate {
        CalendarDate(text) ?? CalendarDate(daysSinceEpoch: 0)
    }

    /// An instant given as Stockholm wall-clock time `YYYY-MM-DD HH:MM`.
    static func local(_ text: String) -> Date {
        let parts = text.split(separator: " ")
        let date = day(String(parts[0]))
        let time = parts.count > 1 ? TimeOfDay(String(parts[1])) : nil
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = stockholm
        let components = DateComponents(year: date.year, month: date.month, day: date.day,
                                        hour: time?.hour ?? 0, minute: time?.minute ?? 0)
        return calendar.date(from: components) ?? Date(timeIntervalSince1970: 0)
    }
}
