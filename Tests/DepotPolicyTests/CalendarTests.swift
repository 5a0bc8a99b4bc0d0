import DepotPolicy
import Foundation
import Testing

@Suite("Calendar dates, times of day and licence patterns")
struct CalendarTests {
    @Test("dates parse strictly and count days exactly")
    func calendarDates() throws {
        let windows10End = try #require(CalendarDate("2025-10-14"))
        #expect(windows10End.weekday == .tuesday)
        #expect(CalendarDate("2024-02-29") != nil)
        for bad in ["2025-02-29", "2025-13-01", "2025-1-01", "25-01-01", "2025/01/01", "0000-01-01", ""] {
            #expect(CalendarDate(bad) == nil, "\(bad) should be refused")
        }
        #expect(CalendarDate("1970-01-01")?.daysSinceEpoch == 0)
        #expect(windows10End.adding(days: 365).description == "2026-10-14")
        #expect(CalendarDate("2025-01-31")?.adding(months: 1).description == "2025-02-28")
        #expect(CalendarDate("2025-12-19")?.days(until: windows10End) == -66)
        // Every day of four centuries survives the round trip through a day count.
        var date = try #require(CalendarDate("1900-01-01"))
        for _ in 0..<(400 * 365 + 97) {
            let next = date.adding(days: 1)
            #expect(next > date && CalendarDate(daysSinceEpoch: next.daysSinceEpoch) == next)
            if next <= date { break }
            date = next
        }
        #expect(date.description == "2300-01-01")
        #expect(CalendarDate("9999-12-31")?.adding(days: Int.max).description == "9999-12-31")
    }

    @Test("the calendar day of an instant depends on the time zone")
    func dayInTimeZone() throws {
        let stockholm = try #require(TimeZone(identifier: "Europe/Stockholm"))
        let lateUTC = Date(timeIntervalSince1970: 1_767_222_000) // 2025-12-31T23:00:00Z
        #expect(CalendarDate(lateUTC, in: stockholm).description == "2026-01-01")
        #expect(CalendarDate(lateUTC, in: TimeZone(identifier: "UTC")!).description == "2025-12-31")
        let newYear = try #require(CalendarDate("2026-01-01"))
        #expect(newYear.start(in: stockholm) == Date(timeIntervalSince1970: 1_767_222_000))
    }

    @Test("times of day parse HH:MM up to 24:00")
    func timesOfDay() {
        #expect(TimeOfDay("07:30")?.minutes == 450)
        #expect(TimeOfDay("24:00")?.minutes == 1440)
        for bad in ["24:01", "7:30", "07:60", "0730", "ab:cd"] {
            #expect(TimeOfDay(bad) == nil, "\(bad) should be refused")
        }
        let night = WeeklyWindow(name: "Night", days: [.friday, .monday], start: TimeOfDay("22:00")!, end: TimeOfDay("05:00")!)
        #expect(night.crossesMidnight && night.minutes == 420 && night.days == [.monday, .friday])
    }

    @Test("licence patterns ignore case; exact entries beat patterns, longer patterns beat shorter")
    func licencePatterns() {
        #expect(LicencePattern("GPL-*").matches("gpl-3.0-or-later"))
        #expect(!LicencePattern("GPL-*").matches("LGPL-2.1-only"))
        #expect(LicencePattern("LicenseRef-*-NonCommercial").matches("LicenseRef-GeoGebra-NonCommercial"))
        #expect(!LicencePattern("LicenseRef-*-NonCommercial").matches("LicenseRef-GeoGebra"))
        let policy = LicencePolicy(
            categories: [
                .permissive: LicenceRule(admin: .allow, edu: .allow, reason: "free"),
                .commercial: LicenceRule(admin: .review, edu: .deny, reason: "paid"),
                .unknown: LicenceRule(admin: .review, edu: .review, reason: "unknown"),
            ],
            assignments: [
                LicenceAssignment(pattern: LicencePattern("LicenseRef-*"), category: .commercial),
                LicenceAssignment(pattern: LicencePattern("LicenseRef-Acme-*"), category: .permissive),
                LicenceAssignment(pattern: LicencePattern("LicenseRef-Acme-Pro"), category: .commercial),
            ])
        #expect(policy.category(of: "LicenseRef-Acme-Lite") == .permissive)
        #expect(policy.category(of: "licenseref-acme-pro") == .commercial)
        #expect(policy.category(of: "LicenseRef-Other") == .commercial)
        #expect(policy.category(of: "MIT") == .unknown)
        #expect(policy.ruling(for: "LicenseRef-Other", in: .edu).outcome == .deny)
        #expect(policy.ruling(for: "LicenseRef-Other", in: .edu).reason == "paid")
    }
}
