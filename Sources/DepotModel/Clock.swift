import Foundation

/// The source of "now" for every rule that depends on the date; tests and `--at DATE` pass a fixed one.
public protocol DepotClock: Sendable {
    func now() -> Date
}

/// The wall clock.
public struct SystemClock: DepotClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock stopped at one instant.
public struct FixedClock: DepotClock {
    public let instant: Date
    public init(_ instant: Date) { self.instant = instant }
    public func now() -> Date { instant }
}

/// ISO 8601 timestamps as Depot writes them (UTC, seconds precision), and calendar dates (YYYY-MM-DD).
public enum Timestamp {
    public static func string(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        return format(seconds)
    }

    /// Formats Unix seconds as `YYYY-MM-DDTHH:MM:SSZ` without a DateFormatter (which is slow and locale-bound).
    static func format(_ seconds: Int64) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let rest = seconds - days * 86_400
        let (y, m, d) = civil(fromDays: days)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, Int(rest / 3600), Int(rest % 3600 / 60), Int(rest % 60))
    }

    /// `YYYY-MM-DD` of a date in UTC.
    public static func day(_ date: Date) -> String { String(string(date).prefix(10)) }

    /// Parses `YYYY-MM-DD` (midnight UTC) or a full `YYYY-MM-DDTHH:MM:SSZ`.
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            var value = 0
            for b in bytes[range] {
                guard b >= 48 && b <= 57 else { return nil }
                value = value * 10 + Int(b - 48)
            }
            return value
        }
        guard bytes.count == 10 || bytes.count == 20,
              let y = number(0..<4), bytes[4] == 45, let m = number(5..<7), bytes[7] == 45, let d = number(8..<10),
              (1...12).contains(m), (1...daysIn(month: m, year: y)).contains(d) else { return nil }
        var seconds = days(fromCivil: y, m, d) * 86_400
        if bytes.count == 20 {
            guard bytes[10] == 84, let hh = number(11..<13), bytes[13] == 58, let mm = number(14..<16), bytes[16] == 58,
                  let ss = number(17..<19), bytes[19] == 90, hh < 24, mm < 60, ss < 61 else { return nil }
            seconds += Int64(hh * 3600 + mm * 60 + ss)
        }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    // Howard Hinnant's civil-from-days algorithms: exact for the proleptic Gregorian calendar.
    static func civil(fromDays z0: Int64) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(m <= 2 ? y + 1 : y), Int(m), Int(d))
    }

    static func days(fromCivil y0: Int, _ m: Int, _ d: Int) -> Int64 {
        let y = Int64(m <= 2 ? y0 - 1 : y0)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64(m > 2 ? m - 3 : m + 9)
        let doy = (153 * mp + 2) / 5 + Int64(d) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
