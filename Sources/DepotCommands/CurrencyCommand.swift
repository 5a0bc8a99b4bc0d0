import ArgumentParser
import CatalogService
import Foundation

struct CurrencyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "currency", abstract: "Check that baseline programs run the latest or second-latest release.",
        subcommands: [Report.self])

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show each baseline program's status (current, grace, violation) with the reason.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Evaluate on this day (YYYY-MM-DD) instead of today.") var at: String?

        func run() async throws {
            let service = try home.service()
            let report = try await service.currencyReport(at: try CatalogService.lifecycleDay(at), by: try await actor.reader(service))
            if output.json { return try Output.json(report) }
            print("Currency on \(report.at):")
            Output.table(["PROGRAM", "STATUS", "PUBLISHED", "LATEST", "SECOND", "DEADLINE"], report.programs.map {
                [$0.program, $0.status.rawValue, $0.published.first ?? "-", $0.upstreamLatest ?? "-",
                 $0.upstreamSecondLatest ?? "-", $0.deadline?.description ?? "-"]
            })
            for entry in report.programs { print("\n\(entry.program) (\(entry.status.rawValue)): \(entry.reason)") }
        }
    }
}
