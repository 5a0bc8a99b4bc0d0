import ArgumentParser
import CatalogService
import DepotModel
import Foundation

struct UpstreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upstream", abstract: "Record what vendors have released; latest and second-latest are counted among these.",
        subcommands: [Add.self, Import.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record one release of a program by its vendor.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The program id, as in Catalog/ and currency.yaml.") var program: String
        @Argument(help: "The vendor's version string.") var version: String
        @Option(help: "The release day, YYYY-MM-DD.") var released: String

        func run() async throws {
            let service = try home.service()
            let release = try await service.addUpstreamRelease(program: program, version: version, released: released,
                                                               by: try await actor.actor(service))
            if output.json { return try Output.json(release) }
            print("Recorded \(release.program) \(release.version), released \(release.released).")
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record every release in a CSV (program,version,released) or YAML file; all or nothing.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The file: .csv with a header line, or .yaml with a list of program/version/released.") var file: String

        func run() async throws {
            let service = try home.service()
            let summary = try await service.importUpstreamReleases(from: URL(fileURLWithPath: file), by: try await actor.actor(service))
            if output.json { return try Output.json(summary) }
            print("Imported \(summary.file): \(summary.added) release\(summary.added == 1 ? "" : "s") added, "
                + "\(summary.unchanged) already recorded.")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List recorded releases, newest first per program.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "Only this program's releases.") var program: String?

        func run() async throws {
            let service = try home.service()
            let releases = try await service.upstreamReleases(program: program, by: try await actor.reader(service))
            if output.json { return try Output.json(releases) }
            Output.table(["PROGRAM", "VERSION", "RELEASED", "SOURCE", "RECORDED BY"], releases.map {
                [$0.program, $0.version, $0.released, $0.source, $0.recordedBy]
            })
        }
    }
}

extension ActorOptions {
    /// For read-only commands: `--as` when given (their role then limits what they see), else the catalog host's
    /// operator, who may read everything. The local CLI trusts whoever can open the store; separation of duties is
    /// enforced on writes, which always name the actor, and in the API and the portal, where every request carries a
    /// user's token. Only read use cases take this user, so its role never writes.
    func reader(_ service: CatalogService) async throws -> DepotUser {
        name == nil ? DepotUser(name: "cli", role: .admin) : try await actor(service)
    }
}
