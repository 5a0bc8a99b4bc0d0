import ArgumentParser
import CatalogService
import Foundation

struct ScheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule", abstract: "Schedule upgrades ring by ring into the maintenance windows.",
        subcommands: [Add.self, Plan.self, Export.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Schedule an upgrade of a program through rings in order.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The program id.") var program: String
        @Option(name: .customLong("to"), help: "The version the rings are upgraded to.") var version: String
        @Option(help: "Rings in rollout order, comma-separated, e.g. pilot,admin,edu.") var rings: String
        @Option(help: "The first day the first wave may run (YYYY-MM-DD); default as soon as the notice allows.")
        var start: String?

        func run() async throws {
            let service = try home.service()
            let upgrade = try await service.scheduleUpgrade(
                program: program, toVersion: version, rings: rings.split(separator: ",").map(String.init),
                start: try CatalogService.lifecycleDay(start, option: "--start"), by: try await actor.actor(service))
            if output.json { return try Output.json(upgrade) }
            print("Scheduled upgrade \(upgrade.id): \(upgrade.program) to \(upgrade.toVersion) through \(upgrade.rings.joined(separator: ", "))"
                + (upgrade.start.map { ", from \($0)" } ?? "") + ". 'depot schedule plan' shows the waves.")
        }
    }

    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show every wave with its window, and conflicts and violations.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let service = try home.service()
            let plan = try await service.schedulePlan(by: try await actor.reader(service))
            if output.json { return try Output.json(plan) }
            if plan.waves.isEmpty { return print("No upgrades are scheduled; add one with 'depot schedule add'.") }
            Output.table(["PROGRAM", "VERSION", "RING", "START", "END", "WINDOW"], plan.waves.map {
                [$0.program, $0.version, $0.ring, $0.localStart ?? "not placed", $0.localEnd ?? "-", $0.window ?? "-"]
            })
            for wave in plan.waves {
                for flag in wave.flags { print("\(flag.kind.rawValue.uppercased()) \(wave.program) \(wave.version) \(wave.ring): \(flag.message)") }
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the plan as an iCalendar file (RFC 5545).")
        @OptionGroup var home: HomeOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions
        @Flag(help: "iCalendar, the one export format (for calendar subscriptions).") var ics = false
        @Option(help: "Write to this file instead of standard output.") var out: String?

        struct CalendarFile: Encodable {
            var file: String
            var events: Int
        }

        func validate() throws {
            guard ics else { throw ValidationError("say --ics: iCalendar is the export format") }
        }

        func run() async throws {
            let service = try home.service()
            let calendar = try await service.scheduleCalendar(by: try await actor.reader(service))
            guard let out else { return FileHandle.standardOutput.write(Data(calendar.utf8)) }
            do {
                try Data(calendar.utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
            } catch {
                throw ServiceError(.invalidInput, code: "schedule.out", "cannot write \(out): \(error.localizedDescription); choose another --out")
            }
            let events = calendar.components(separatedBy: "BEGIN:VEVENT").count - 1
            if output.json { return try Output.json(CalendarFile(file: out, events: events)) }
            print("Wrote \(events) events to \(out).")
        }
    }
}
