import ArgumentParser
import CatalogService
import Foundation

struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore", abstract: "Bring a retired version back into the orderable catalog.")
    @OptionGroup var home: HomeOptions
    @OptionGroup var actor: ActorOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The package version id, as 'depot prune' lists it.") var id: Int64

    func run() async throws {
        let service = try home.service()
        let restored = try await service.restoreVersion(id: id, by: try await actor.actor(service))
        if output.json { return try Output.json(restored) }
        print("Restored \(restored.program) \(restored.version) (version \(restored.id)); it can be ordered again.")
    }
}
