import ArgumentParser
import CatalogService
import Foundation

struct VersionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "versions", abstract: "Decide which versions of a program the city takes.",
        subcommands: [Refuse.self])

    struct Refuse: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Refuse a version: it no longer counts as latest or second-latest, and pruning retires it.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The program id.") var program: String
        @Argument(help: "The version the city cannot take.") var version: String
        @Option(help: "Why the city cannot take it; shown in the currency report.") var reason: String

        func run() async throws {
            let service = try home.service()
            let refusal = try await service.refuseVersion(program: program, version: version, reason: reason,
                                                          by: try await actor.actor(service))
            if output.json { return try Output.json(refusal) }
            print("Refused \(refusal.program) \(refusal.version): \(refusal.reason)")
        }
    }
}
