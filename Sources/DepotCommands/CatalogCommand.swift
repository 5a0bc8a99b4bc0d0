import ArgumentParser
import CatalogService
import DepotModel
import Foundation

struct CatalogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog", abstract: "List, import and export the catalog.",
        subcommands: [List.self, Import.self, Export.self, RequestPackaging.self, PackagingRequests.self])

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
            let user = actor.name == nil ? DepotUser(name: "cli", role: .admin) : try await actor.actor(service)
            let entries = try await service.catalog(state: state, program: program, by: user)
            if output.json { return try Output.json(entries) }
            // SIGNED, TESTED and ORDERABLE come from the records (a signature that verifies, a passing test), not the state.
            Output.table(["PROGRAM", "VERSION", "STATE", "SIGNED", "TESTED", "ORDERABLE", "LICENCE", "PLATFORMS", "BASELINE"], entries.map {
                [$0.program, $0.version + ($0.variant.isEmpty ? "" : " (\($0.variant))"), $0.state.rawValue, $0.signed ? "yes" : "",
                 $0.tested ? "yes" : "", $0.orderable ? "yes" : "", $0.licence ?? "-", $0.platforms.joined(separator: ","),
                 $0.baseline ? "yes" : ""]
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
            print("Imported \(summary.programs) programs: \(summary.versionsAdded) versions catalogued (no installer yet; not orderable until packaged), \(summary.versionsUnchanged) already present, \(summary.upstreamReleases) upstream releases recorded, \(summary.profiles) profiles.")
        }
    }

    struct RequestPackaging: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "request-packaging",
            abstract: "Ask the packagers to package a catalogued program (a version with no installer yet).")
        @OptionGroup var home: HomeOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The program id.")
        var program: String
        @Option(help: "The catalogued version wanted; the newest release when left out.")
        var version: String?
        @Option(help: "Why it is needed, for the packagers.")
        var note: String?

        func run() async throws {
            let service = try home.service()
            let request = try await service.requestPackaging(program: program, version: version, note: note,
                                                             by: try await actor.actor(service))
            if output.json { return try Output.json(request) }
            print("Packaging request \(request.id): \(request.program) \(request.version ?? "(newest release)"), by \(request.requestedBy).")
        }
    }

    struct PackagingRequests: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "packaging-requests", abstract: "List the requests to package catalogued programs, newest first.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let service = try home.service()
            let user = actor.name == nil ? DepotUser(name: "cli", role: .auditor) : try await actor.actor(service)
            let requests = try await service.packagingRequests(by: user)
            if output.json { return try Output.json(requests) }
            Output.table(["ID", "PROGRAM", "VERSION", "STATE", "BY", "AT", "NOTE"], requests.map {
                [String($0.id), $0.program, $0.version ?? "newest", $0.state?.rawValue ?? "-", $0.requestedBy, $0.requestedAt, $0.note ?? ""]
            })
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
