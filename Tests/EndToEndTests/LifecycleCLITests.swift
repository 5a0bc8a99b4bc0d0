import DepotTestSupport
import Foundation
import Testing

/// Issue 8 as a release manager drives it: record releases, read the currency report, refuse a version,
/// schedule an upgrade and subscribe to its calendar, then prune, restore and (refuse to) purge.
@Suite(.serialized) struct LifecycleCLITests {
    func depot(_ arguments: [String], home: String) throws -> ToolResult {
        try DepotBinary.run(arguments + ["--home", home])
    }

    func json(_ result: ToolResult) throws -> Any {
        #expect(result.succeeded, "\(result.stderr)")
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    func firefox(_ report: Any) throws -> [String: Any] {
        let programs = try #require((report as? [String: Any])?["programs"] as? [[String: Any]])
        return try #require(programs.first { $0["program"] as? String == "mozilla-firefox" })
    }

    @Test func releasesRefusalScheduleCalendarAndPruneThroughTheBinary() throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        #expect(try DepotBinary.run(["init", "--home", home]).succeeded)
        #expect(try depot(["users", "add", "rm", "--role", "release-manager", "--as", "admin"], home: home).succeeded)

        for (version, day) in [("134.0", "2025-01-07"), ("135.0", "2025-02-04"), ("136.0", "2025-03-04")] {
            let added = try depot(["upstream", "add", "mozilla-firefox", version, "--released", day, "--as", "rm"], home: home)
            #expect(added.stdout == "Recorded mozilla-firefox \(version), released \(day).\n", "\(added.stderr)")
        }
        let behind = try firefox(try json(try depot(["currency", "report", "--json", "--at", "2025-03-21"], home: home)))
        #expect(behind["status"] as? String == "violation")
        #expect(behind["daysOverdue"] as? Int == 3)
        #expect(behind["upstreamLatest"] as? String == "136.0")

        let refused = try depot(["versions", "refuse", "mozilla-firefox", "136.0", "--reason", "breaks the case-management plug-in",
                                 "--as", "rm"], home: home)
        #expect(refused.succeeded, "\(refused.stderr)")
        let current = try firefox(try json(try depot(["currency", "report", "--json", "--at", "2025-03-21"], home: home)))
        #expect(current["status"] as? String == "current")
        #expect((current["reason"] as? String)?.contains("136.0 is refused (breaks the case-management plug-in)") == true)
        let text = try depot(["currency", "report", "--at", "2025-03-21"], home: home)
        #expect(text.stdout.contains("mozilla-firefox (current):"))

        // The release manager schedules the upgrade ring by ring; a ring without windows is named.
        let badRing = try depot(["schedule", "add", "mozilla-firefox", "--to", "135.0", "--rings", "pilot,skola", "--as", "rm"], home: home)
        #expect(badRing.status == 2 && badRing.stderr.contains("ring 'skola' has no maintenance windows"))
        let scheduled = try json(try depot(["schedule", "add", "mozilla-firefox", "--to", "135.0", "--rings", "pilot,admin,edu",
                                            "--start", "2027-03-01", "--as", "rm", "--json"], home: home))
        #expect((scheduled as? [String: Any])?["rings"] as? [String] == ["pilot", "admin", "edu"])
        let ics = dir.url.appendingPathComponent("schedule.ics").path
        let exported = try depot(["schedule", "export", "--ics", "--out", ics], home: home)
        #expect(exported.stdout == "Wrote 3 events to \(ics).\n", "\(exported.stderr)")
        let script = """
            import json, sys, icalendar
            cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
            print(json.dumps({'zones': [str(z['TZID']) for z in cal.walk('VTIMEZONE')],
                              'events': [{'uid': str(e['UID']), 'summary': str(e['SUMMARY']),
                                          'start': e.decoded('DTSTART').timestamp(), 'end': e.decoded('DTEND').timestamp(),
                                          'tz': str(e.decoded('DTSTART').tzinfo)} for e in cal.walk('VEVENT')]}))
            """
        let parsed = try Tools.run("/usr/bin/python3", ["-c", script, ics])
        #expect(parsed.succeeded, "icalendar could not read the export: \(parsed.stderr)")
        let calendar = try #require(try JSONSerialization.jsonObject(with: Data(parsed.stdout.utf8)) as? [String: Any])
        #expect(calendar["zones"] as? [String] == ["Europe/Stockholm"])
        let events = try #require(calendar["events"] as? [[String: Any]])
        #expect(events.map { $0["uid"] as? String } == ["pilot", "admin", "edu"].map { "mozilla-firefox-135.0-\($0)@depot.schedule" })
        #expect(events.first?["summary"] as? String == "Upgrade Mozilla Firefox to 135.0 (pilot)")
        let starts = events.compactMap { $0["start"] as? Double }, ends = events.compactMap { $0["end"] as? Double }
        #expect(starts.count == 3 && zip(starts, ends).allSatisfy { $0 < $1 })
        #expect(zip(ends.dropLast(), starts.dropFirst()).allSatisfy { $0 <= $1 }, "each ring after the previous one")
        #expect(starts.first.map { $0 >= 1_803_855_600 } == true, "not before 2027-03-01 in Stockholm")
        // Standard output gives the same calendar a subscription would.
        let stdout = try depot(["schedule", "export", "--ics"], home: home)
        #expect(stdout.stdout == (try String(contentsOfFile: ics, encoding: .utf8)))

        // The demo published Firefox 134.0; older ones are only catalogued. Package four through the pipeline as the demo
        // users, so that pruning has an old published version to retire.
        for version in ["115.0", "120.0", "128.0", "133.0"] {
            let deb = try Fixtures.debianPackage(in: dir, name: "mozilla-firefox", version: version, licence: "MPL-2.0")
            let submitted = try #require(try json(try depot(["submit", deb.path, "--json", "--as", "maja"], home: home)) as? [String: Any])
            let number = String(try #require((submitted["submission"] as? [String: Any])?["id"] as? Int))
            for step in [["reviews", "decide", number, "--approve", "--scope", "admin", "--reason", "MPL-2.0", "--as", "olle"],
                         ["classify", number, "--as", "maja"], ["test", number, "--passed", "--notes", "installs", "--as", "tove"],
                         ["sign", number, "--as", "ebba"]] {
                let result = try depot(step, home: home)
                #expect(result.succeeded, "\(step): \(result.stderr)")
            }
        }
        #expect(try depot(["publish", "--as", "hugo"], home: home).succeeded)

        // Pruning on a fixed day: each version with its rule and reason.
        let plan = try #require(try json(try depot(["prune", "--dry-run", "--json", "--at", "2025-06-01"], home: home)) as? [String: Any])
        let decisions = try #require(plan["decisions"] as? [[String: Any]])
        let catalog = try #require(try json(try depot(["catalog", "list", "--json"], home: home)) as? [[String: Any]])
        #expect(decisions.count == catalog.count)
        let old = try #require(decisions.first { $0["program"] as? String == "mozilla-firefox" && $0["version"] as? String == "115.0" })
        #expect(old["action"] as? String == "retire" && old["rule"] as? String == "unused", "\(old)")
        #expect((old["reason"] as? String)?.contains("never ordered or installed since it was published on 2023-07-04") == true)
        #expect(decisions.contains { $0["program"] as? String == "mozilla-firefox" && $0["version"] as? String == "134.0"
            && $0["rule"] as? String == "keep-latest" })

        // Apply, restore one, and refuse to purge without confirmation on a pipe.
        #expect(try depot(["prune", "--apply", "--at", "2025-06-01"], home: home).stderr.contains("--as USER"))
        let applied = try #require(try json(try depot(["prune", "--apply", "--at", "2025-06-01", "--as", "rm", "--json"], home: home))
            as? [String: Any])
        let retired = try #require(applied["retired"] as? [[String: Any]])
        let id = try #require(retired.first { $0["program"] as? String == "mozilla-firefox" && $0["version"] as? String == "115.0" }?["id"] as? Int)
        func state(_ version: String) throws -> String? {
            let list = try #require(try json(try depot(["catalog", "list", "--json", "--program", "mozilla-firefox"], home: home)) as? [[String: Any]])
            return list.first { $0["version"] as? String == version }?["state"] as? String
        }
        #expect(try state("115.0") == "retired")
        let restored = try depot(["restore", String(id), "--as", "rm"], home: home)
        #expect(restored.stdout.contains("Restored mozilla-firefox 115.0"), "\(restored.stderr)")
        #expect(try state("115.0") == "published")
        let purge = try depot(["purge", "--as", "rm"], home: home)
        #expect(purge.status == 2 && purge.stderr.contains("add --yes to confirm"))
        #expect(try depot(["audit", "verify"], home: home).succeeded)
    }

    @Test func theServerServesTheScheduleAsACalendarAndTheCurrencyReport() throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        let initialised = try DepotBinary.run(["init", "--home", home, "--json"])
        let token = try #require(((try json(initialised) as? [String: Any])?["admin"] as? [String: Any])?["token"] as? String)
        #expect(try depot(["upstream", "add", "mozilla-firefox", "135.0", "--released", "2025-02-04", "--as", "admin"], home: home).succeeded)
        #expect(try depot(["schedule", "add", "mozilla-firefox", "--to", "135.0", "--rings", "pilot,admin", "--as", "admin"], home: home).succeeded)
        let server = try RunningServer(arguments: ["serve", "--home", home])
        defer { server.stop() }

        #expect(try HTTPExchange.get(server.baseURL + "/api/v1/schedule.ics").status == 401)
        let calendar = try HTTPExchange.get(server.baseURL + "/api/v1/schedule.ics", token: token)
        #expect(calendar.status == 200)
        #expect(calendar.headers.lowercased().contains("content-type: text/calendar"))
        #expect(calendar.body.hasPrefix("BEGIN:VCALENDAR\r\n"))
        #expect(calendar.body.contains("UID:mozilla-firefox-135.0-admin@depot.schedule"))
        #expect(calendar.body == (try depot(["schedule", "export", "--ics"], home: home)).stdout)

        let report = try HTTPExchange.get(server.baseURL + "/api/v1/currency?at=2025-02-10", token: token)
        #expect(report.status == 200)
        #expect(try firefox(try #require(report.json))["status"] as? String == "current")
        let bad = try HTTPExchange.get(server.baseURL + "/api/v1/currency?at=tomorrow", token: token)
        #expect(bad.status == 400 && bad.body.contains("'tomorrow' is not a date"))
    }
}
