import DepotPolicy
import DepotTestSupport
import Foundation
import Lifecycle
import Testing

@Suite("Calendar export: RFC 5545 read back by Python's icalendar")
struct CalendarExportTests {
    let waves: [Wave]
    let stamp = LifecyclePolicies.local("2026-03-02 10:00")
    static let names = ["mozilla-firefox": "Mozilla Firefox; the city's browser, för förvaltningen och skolorna, with a long name"]

    init() throws {
        let upgrades = [
            ScheduledUpgrade(program: "mozilla-firefox", toVersion: "128.0", rings: ["pilot", "admin", "edu"]),
            ScheduledUpgrade(program: "libreoffice", toVersion: "25.8.1", rings: ["admin"],
                             start: LifecyclePolicies.day("2026-04-01")),
        ]
        waves = UpgradeScheduler.plan(upgrades: upgrades, windows: try LifecyclePolicies.windows(),
                                      currency: try LifecyclePolicies.currency(),
                                      deadlines: ["mozilla-firefox": LifecyclePolicies.day("2026-03-15")],
                                      now: stamp)
    }

    func export() -> String {
        CalendarExport.ics(waves: waves, stamp: stamp, names: Self.names)
    }

    @Test("lines end in CRLF, fold at 75 octets without splitting characters, and text is escaped")
    func format() throws {
        let text = export()
        let bytes = Array(text.utf8)
        for (i, byte) in bytes.enumerated() where byte == 0x0A {
            #expect(i > 0 && bytes[i - 1] == 0x0D, "bare LF at octet \(i)")
        }
        let lines = text.components(separatedBy: "\r\n").dropLast()
        #expect(text.hasSuffix("END:VCALENDAR\r\n"))
        for line in lines { #expect(line.utf8.count <= 75, "too long: \(line)") }
        #expect(lines.contains { $0.hasPrefix(" ") }, "nothing was folded")
        let unfolded = text.replacingOccurrences(of: "\r\n ", with: "")
        #expect(unfolded.contains("SUMMARY:Upgrade Mozilla Firefox\\; the city's browser\\, för förvaltningen och skolorna\\, with a long name to 128.0 (pilot)"))
        #expect(unfolded.contains("\\nVIOLATION: the edu wave ends on 2026-03-21"))
        #expect(text == export(), "the export must be reproducible")
    }

    @Test("the VTIMEZONE states Stockholm's CET/CEST rules")
    func timezone() {
        let text = export()
        let expected = [
            "BEGIN:VTIMEZONE", "TZID:Europe/Stockholm",
            "BEGIN:DAYLIGHT", "DTSTART:19700329T020000", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
            "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "TZNAME:CEST", "END:DAYLIGHT",
            "BEGIN:STANDARD", "DTSTART:19701025T030000", "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
            "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "TZNAME:CET", "END:STANDARD", "END:VTIMEZONE",
        ].joined(separator: "\r\n")
        #expect(text.contains(expected))
    }

    @Test("icalendar reads back one event per wave with its UID, times and summary")
    func readBack() throws {
        let python = "/usr/bin/python3"
        let directory = try TemporaryDirectory("lifecycle-ics")
        let file = try directory.write("schedule.ics", export())
        let script = """
            import json, sys, icalendar
            cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
            events = []
            for ev in cal.walk('VEVENT'):
                start, end = ev.decoded('DTSTART'), ev.decoded('DTEND')
                events.append({'uid': str(ev['UID']), 'summary': str(ev['SUMMARY']), 'description': str(ev['DESCRIPTION']),
                               'start': start.timestamp(), 'end': end.timestamp(), 'local': start.isoformat(),
                               'stamp': ev.decoded('DTSTAMP').timestamp()})
            print(json.dumps({'version': str(cal['VERSION']), 'prodid': str(cal['PRODID']),
                              'zones': [str(z['TZID']) for z in cal.walk('VTIMEZONE')], 'events': events}))
            """
        let result = try Tools.run(python, ["-c", script, file.path])
        #expect(result.succeeded, "icalendar failed: \(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["version"] as? String == "2.0")
        #expect((object["prodid"] as? String)?.contains("Depot") == true)
        #expect(object["zones"] as? [String] == ["Europe/Stockholm"])
        let events = try #require(object["events"] as? [[String: Any]])
        let placed = waves.filter { $0.start != nil }
        #expect(events.count == placed.count)
        #expect(placed.count == 4)
        for (event, wave) in zip(events, placed) {
            #expect(event["uid"] as? String == wave.uid)
            #expect(event["start"] as? Double == wave.start?.timeIntervalSince1970)
            #expect(event["end"] as? Double == wave.end?.timeIntervalSince1970)
            #expect(event["local"] as? String == wave.localStart)
            #expect(event["stamp"] as? Double == stamp.timeIntervalSince1970)
        }
        #expect(events.map { $0["uid"] as? String } == [
            "mozilla-firefox-128.0-pilot@depot.schedule", "mozilla-firefox-128.0-admin@depot.schedule",
            "mozilla-firefox-128.0-edu@depot.schedule", "libreoffice-25.8.1-admin@depot.schedule",
        ])
        #expect(events[0]["summary"] as? String == "Upgrade \(Self.names["mozilla-firefox"]!) to 128.0 (pilot)")
        #expect(events[3]["local"] as? String == "2026-04-01T18:00:00+02:00")
        #expect((events[2]["description"] as? String)?.contains("\nVIOLATION: the edu wave ends on 2026-03-21") == true)
    }
}
