import ArgumentParser
import CatalogService
import DepotModel
import Foundation

struct PurgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge", abstract: "Delete the installers of retired versions whose retention period has passed.")
    @OptionGroup var home: HomeOptions
    @OptionGroup var actor: ActorOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Evaluate retention on this day (YYYY-MM-DD) instead of today.") var at: String?
    @Flag(help: "Delete without asking (needed when standard input is not a terminal).") var yes = false

    func run() async throws {
        let service = try home.service()
        let day = try CatalogService.lifecycleDay(at)
        let user = try await actor.actor(service)
        if !yes {
            guard isatty(STDIN_FILENO) == 1 else {
                throw ServiceError(.invalidInput, code: "purge.confirm",
                    "purge deletes installers for good and standard input is not a terminal, so Depot cannot ask; "
                    + "add --yes to confirm (see 'depot prune --dry-run' and the retired versions first)")
            }
            FileHandle.standardError.write(Data("Delete the installers of retired versions whose retention has passed? [y/N] ".utf8))
            let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased()
            guard answer == "y" || answer == "yes" else {
                return print("Nothing deleted.")
            }
        }
        let result = try await service.purge(at: day, by: user)
        if output.json { return try Output.json(result) }
        for blob in result.purged {
            print("\(blob.program) \(blob.version) (version \(blob.id)): \(blob.outcome.rawValue) — \(blob.detail)")
        }
        print("Purged \(result.purged.count) retired versions on \(result.at); \(result.stillRetained) still within retention.")
    }
}
