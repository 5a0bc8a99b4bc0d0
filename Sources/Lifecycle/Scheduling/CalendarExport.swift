import DepotPolicy
import Foundation

/// The upgrade plan as an RFC 5545 calendar (`depot schedule export --ics`, `GET /api/v1/schedule.ics`): one
/// VEVENT per placed wave with a UID derived from program, version and ring, local times with a VTIMEZONE,
/// CRLF line endings and lines folded at 75 octets. The output depends only on the arguments.
public enum CalendarExport {
    /// The calendar text. `stamp` becomes every event's DTSTAMP (pass the plan's time so exports are
    /// reproducible); `names` maps program ids to the names shown in SUMMARY. Unplaced waves are left out.
    public static func ics(waves: [Wave], timeZoneIdentifier: String = "Europe/Stockholm", stamp: Date,
                           names: [String: String] = [:], calendarName: String = "Depot upgrade schedule") -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Depot//Upgrade schedule//EN", "CALSCALE:GREGORIAN",
                     "METHOD:PUBLISH", "X-WR-CALNAME:" + escape(calendarName)]
        let zone = TimeZone(identifier: timeZoneIdentifier)
        if let zone {
            lines.append("X-WR-TIMEZONE:" + timeZoneIdentifier)
            lines += vtimezone(zone, identifier: timeZoneIdentifier)
        }
        let clock = LocalClock(zone ?? TimeZone(secondsFromGMT: 0) ?? .current)
        for wave in waves {
            guard let start = wave.start, let end = wave.end else { continue }
            let name = names[wave.program] ?? wave.program
            var description = "\(name) (\(wave.program)) is upgraded to \(wave.version) in ring \(wave.ring)"
            if let window = wave.window { description += " during the window \"\(window)\"" }
            description += "."
            for flag in wave.flags { description += "\n\(flag.kind.rawValue.uppercased()): \(flag.message)" }
            lines += ["BEGIN:VEVENT", "UID:" + escape(wave.uid), "DTSTAMP:" + utc(stamp)]
            if zone != nil {
                lines.append("DTSTART;TZID=\(timeZoneIdentifier):\(clock.icsLocal(start))")
                lines.append("DTEND;TZID=\(timeZoneIdentifier):\(clock.icsLocal(end))")
            } else {
                lines.append("DTSTART:" + utc(start))
                lines.append("DTEND:" + utc(end))
            }
            lines.append("SUMMARY:" + escape("Upgrade \(name) to \(wave.version) (\(wave.ring))"))
            lines.append("DESCRIPTION:" + escape(description))
            lines.append("CATEGORIES:" + escape(wave.ring))
            lines.append("TRANSP:OPAQUE")
            lines.append("END:VEVENT")
        }
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    /// TEXT escaping (RFC 5545 3.3.11): backslash, semicolon, comma and newlines; other control characters dropped.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var previousCR = false
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n": if !previousCR { out += "\\n" }
            case "\r": out += "\\n"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F { break }
                out.unicodeScalars.append(scalar)
            }
            previousCR = scalar == "\r"
        }
        return out
    }

    /// Folds a content line so no physical line exceeds 75 octets, never splitting a UTF-8 character.
    static func fold(_ line: String) -> String {
        let bytes = Array(line.utf8)
        guard bytes.count > 75 else { return line }
        var pieces: [ArraySlice<UInt8>] = []
        var index = 0
        var limit = 75
        while index < bytes.count {
            var end = min(index + limit, bytes.count)
            // Back up over continuation bytes (10xxxxxx) so the cut falls between characters.
            while end < bytes.count, end > index + 1, bytes[end] & 0xC0 == 0x80 { end -= 1 }
            pieces.append(bytes[index..<end])
            index = end
            limit = 74
        }
        return pieces.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\r\n ")
    }

    static func utc(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? .current
        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", p.year ?? 0, p.month ?? 0, p.day ?? 0,
                      p.hour ?? 0, p.minute ?? 0, p.second ?? 0)
    }

    /// A VTIMEZONE whose STANDARD and DAYLIGHT rules are read from the zone's transitions in a recent year,
    /// written as yearly RRULEs (`BYDAY=-1SU` for "last Sunday"), so Europe/Stockholm gives CET/CEST.
    static func vtimezone(_ zone: TimeZone, identifier: String) -> [String] {
        var lines = ["BEGIN:VTIMEZONE", "TZID:" + identifier]
        let yearStart = CalendarDate(year: 2026, month: 1, day: 1).map { $0.start(in: zone) } ?? Date(timeIntervalSince1970: 1_767_225_600)
        var transitions: [Date] = []
        var cursor = yearStart
        while transitions.count < 2, let next = zone.nextDaylightSavingTimeTransition(after: cursor),
              next < yearStart.addingTimeInterval(366 * 86_400) {
            transitions.append(next)
            cursor = next
        }
        guard transitions.count == 2 else {
            let offset = zone.secondsFromGMT(for: yearStart)
            lines += ["BEGIN:STANDARD", "DTSTART:19700101T000000", "TZOFFSETFROM:" + utcOffset(offset),
                      "TZOFFSETTO:" + utcOffset(offset), "TZNAME:" + (zone.abbreviation(for: yearStart) ?? identifier),
                      "END:STANDARD", "END:VTIMEZONE"]
            return lines
        }
        for transition in transitions {
            let before = zone.secondsFromGMT(for: transition.addingTimeInterval(-1))
            let after = zone.secondsFromGMT(for: transition)
            let kind = zone.isDaylightSavingTime(for: transition) ? "DAYLIGHT" : "STANDARD"
            // The rule is stated in the local time before the change (02:00 in spring, 03:00 in autumn).
            let localBefore = transition.addingTimeInterval(TimeInterval(before))
            var utcCalendar = Calendar(identifier: .gregorian)
            utcCalendar.timeZone = TimeZone(secondsFromGMT: 0) ?? .current
            let p = utcCalendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: localBefore)
            let month = p.month ?? 1, day = p.day ?? 1
            let weekday = CalendarDate(year: p.year ?? 2026, month: month, day: day)?.weekday ?? .sunday
            let monthDays = (1...31).last { CalendarDate(year: p.year ?? 2026, month: month, day: $0) != nil } ?? 31
            let ordinal = day + 7 > monthDays ? -1 : (day - 1) / 7 + 1
            let code = String(weekday.rawValue.prefix(2)).uppercased()
            let first = firstOccurrence(in: 1970, month: month, weekday: weekday, ordinal: ordinal)
            let time = String(format: "T%02d%02d%02d", p.hour ?? 0, p.minute ?? 0, p.second ?? 0)
            lines += ["BEGIN:\(kind)", "DTSTART:" + String(format: "1970%02d%02d", month, first) + time,
                      "RRULE:FREQ=YEARLY;BYMONTH=\(month);BYDAY=\(ordinal)\(code)",
                      "TZOFFSETFROM:" + utcOffset(before), "TZOFFSETTO:" + utcOffset(after),
                      "TZNAME:" + zoneName(identifier, zone, offset: after, at: transition), "END:\(kind)"]
        }
        lines.append("END:VTIMEZONE")
        return lines
    }

    /// Foundation on Linux names offsets `GMT+2`; calendars show the customary name, so the city's zone has its own.
    private static func zoneName(_ identifier: String, _ zone: TimeZone, offset: Int, at date: Date) -> String {
        let customary = ["Europe/Stockholm": [3600: "CET", 7200: "CEST"]]
        if let name = customary[identifier]?[offset] { return name }
        return zone.abbreviation(for: date) ?? utcOffset(offset)
    }

    private static func firstOccurrence(in year: Int, month: Int, weekday: Weekday, ordinal: Int) -> Int {
        let days = (1...31).filter { CalendarDate(year: year, month: month, day: $0)?.weekday == weekday }
        guard !days.isEmpty else { return 1 }
        return ordinal < 0 ? days[days.count - 1] : days[min(ordinal, days.count) - 1]
    }

    private static func utcOffset(_ seconds: Int) -> String {
        let a = abs(seconds)
        return (seconds < 0 ? "-" : "+") + String(format: "%02d%02d", a / 3600, a % 3600 / 60)
    }
}
