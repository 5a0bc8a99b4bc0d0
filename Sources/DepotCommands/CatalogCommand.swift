import ArgumentParser
import CatalogService
import DepotModel
import Foundation

struct CatalogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog", abstract: "List, import and export the catalog.",
        subcommands: [List.self, Import.self, Export.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every package version in the catalog.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Only versions in this state (submitted, inspected, …, published, retired).")
        var state: String?
        @Option(help: "Only the versions of this program id.")
        var program: String?

        func run() async throws {
            let service = try home.service()
            let state = try self.state.map { try PackageState(userInput: $0) }
            // Listing is read-only; without --as it runs as the auditor would, on the catalog host.
            let user = actor.name == nil ? DepotUser(name: "cli", role: .auditor) : try await actor.actor(service)
            let entries = try await service.catalog(state: state, program: program, by: user)
            if output.json { return try Output.json(entries) }
            Output.table(["PROGRAM", "VERSION", "STATE", "LICENCE", "PLATFORMS", "BASELINE"], entries.map {
                [$0.program, $0.version, $0.state.rawValue, $0.licence ?? "-", $0.platforms.joined(separator: ","), $0.baseline ? "yes" : ""]
            })
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import manifests from DIR (programs/<program>/<version>.yaml, profiles/*.yaml); all or nothing.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The catalog folder, e.g. Catalog.")
        var directory: String

        func run() async throws {
            let service = try home.service()
            let summary = try await service.importCatalog(from: URL(fileURLWithPath: directory), by: try await actor.actor(service))
            if output.json { return try Output.json(summary) }
            print("Imported \(summary.programs) programs: \(summary.versionsAdded) versions added, \(summary.versionsUnchanged) already present, \(summary.profiles) profiles.")
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the catalog as manifests into DIR.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The folder to write; created if missing.")
        var directory: String

        func run() async throws {
            let service = try home.service()
            let summary = try await service.exportCatalog(to: URL(fileURLWithPath: directory), by: try await actor.actor(service))
            if output.json { return try Output.json(summary) }
            print("Wrote \(summary.manifests) manifests and \(summary.profiles) profiles to \(summary.directory)")
        }
    }
}
