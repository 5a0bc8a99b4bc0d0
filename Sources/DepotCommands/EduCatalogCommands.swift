import ArgumentParser
import CatalogService
import DepotModel
import EduServer
import Foundation
import Whitelist

extension EduCommand {
    /// Commands run on the catalog host: schools, publish, collect, export.
    static let catalogSide: [any ParsableCommand.Type] = [
        EduSchoolsCommand.self, EduPublishCommand.self, EduCollectCommand.self, EduExportCommand.self,
    ]
}

struct EduSchoolsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schools", abstract: "Schools, their tier and the apps they allow or block within it.",
        subcommands: [Add.self, Set.self, List.self])

    static func print(_ schools: [SchoolView]) {
        Output.table(["ID", "NAME", "TIER", "SELF-INSTALL", "ALLOWED", "BLOCKED", "COST REF"], schools.map {
            [$0.id, $0.name, $0.tier, $0.selfInstall ? "yes" : "no", $0.allowed.joined(separator: ","),
             $0.blocked.joined(separator: ","), $0.costReference]
        })
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a school (admin); the tier defaults to the policy's default.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The school id: lowercase letters, digits and '-'.") var id: String
        @Option(help: "The school's name.") var name: String
        @Option(help: "The tier the principal chose (Policies/edu-tiers.yaml).") var tier: String?
        @Option(name: .customLong("cost-ref"), help: "Who pays the school's self-installs (default ref:ID).") var costReference: String?

        func run() async throws {
            let service = try home.service()
            let school = try await service.addSchool(id: id, name: name, tier: tier, costReference: costReference,
                                                     by: try await actor.actor(service))
            if output.json { return try Output.json(school) }
            EduSchoolsCommand.print([school])
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a school's tier, or allow or block apps within what its tier permits.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The school id.") var id: String
        @Option(help: "The new tier.") var tier: String?
        @Option(help: "A program to add to the school's whitelist; repeat for several.") var allow: [String] = []
        @Option(help: "A program to take off the school's whitelist; repeat for several.") var block: [String] = []
        @Option(name: .customLong("cost-ref"), help: "Who pays the school's self-installs.") var costReference: String?

        func validate() throws {
            guard tier != nil || !allow.isEmpty || !block.isEmpty || costReference != nil else {
                throw ValidationError("say what to change: --tier, --allow, --block or --cost-ref")
            }
        }

        func run() async throws {
            let service = try home.service()
            let school = try await service.updateSchool(id: id, tier: tier, allow: allow, block: block,
                                                        costReference: costReference, by: try await actor.actor(service))
            if output.json { return try Output.json(school) }
            EduSchoolsCommand.print([school])
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the schools.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let service = try home.service()
            let schools = try await service.schools(by: .system)
            if output.json { return try Output.json(schools) }
            EduSchoolsCommand.print(schools)
        }
    }
}

struct EduPublishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Write the signed edu directory (whitelists per tier and school, index, root, packages) for the edu server.")

    @OptionGroup var home: HomeOptions
    @OptionGroup var actor: ActorOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Where to write it. Defaults to published/edu in the home.") var out: String?
    @Flag(help: "Nightly mode: write only when something changed or the lists are near their expiry.") var refresh = false

    func run() async throws {
        let service = try home.service()
        let summary = try await service.publishEdu(to: out.map { URL(fileURLWithPath: $0, isDirectory: true) }, refresh: refresh,
                                                   by: try await actor.actor(service))
        if output.json { return try Output.json(summary) }
        if summary.action == "unchanged" {
            print("Nothing changed and edu version \(summary.version) is valid until \(summary.expires); nothing written.")
        } else {
            print("\(summary.action == "refreshed" ? "Re-signed" : "Published") edu version \(summary.version) to \(summary.directory), "
                + "valid until \(summary.expires): \(summary.whitelists.count) whitelists, \(summary.packages) packages.")
            for (name, count) in summary.whitelists.sorted(by: { $0.key < $1.key }) { print("  \(name): \(count) apps") }
        }
        for line in summary.fastChannel { print("  fast channel: \(SafeText.line(line))") }
        for reason in summary.fastChannelHeld { print("  fast channel held: \(SafeText.line(reason))") }
        for reason in summary.skipped { Output.error("left off: \(reason)") }
    }
}

struct EduExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "A school's or tier's whitelist for Santa, AppLocker, Chrome or Munki.")

    @OptionGroup var home: HomeOptions
    @OptionGroup var actor: ActorOptions
    @Option(help: "The school.") var school: String?
    @Option(help: "The tier.") var tier: String?
    @Option(help: "santa, applocker, chrome or munki.") var format: String
    @Option(help: "A folder to write the files into; without it a single file goes to standard output.") var out: String?

    func validate() throws {
        guard (school == nil) != (tier == nil) else { throw ValidationError("name exactly one of --school ID or --tier T") }
        guard ExportFormat(rawValue: format) != nil else {
            throw ValidationError("--format must be one of: \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() async throws {
        let service = try home.service()
        let user = actor.name == nil ? .system : try await actor.actor(service)
        let payload = try await service.eduWhitelist(school: school, tier: tier, by: user)
        let files = try WhitelistExporter.export(payload, as: ExportFormat(rawValue: format)!)
        guard let out else {
            guard files.count == 1 else {
                throw ValidationError("the \(format) export has \(files.count) files (\(files.map(\.name).joined(separator: ", "))); give --out DIR")
            }
            FileHandle.standardOutput.write(files[0].data)
            return
        }
        let directory = URL(fileURLWithPath: out, isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for file in files {
            try file.data.write(to: directory.appendingPathComponent(file.name), options: .atomic)
            print(directory.appendingPathComponent(file.name).path)
        }
    }
}

struct EduCollectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect",
        abstract: "Bring an edu server's recorded installs (seats and invoice lines) and uninstalls (seats back) into the catalog; running it twice counts nothing twice.")

    @OptionGroup var home: HomeOptions
    @OptionGroup var actor: ActorOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "The edu server's --state directory (or a copy of it).") var from: String

    func run() async throws {
        let directory = URL(fileURLWithPath: from, isDirectory: true)
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent(EduStore.fileName).path) else {
            throw DepotFailure(.invalidInput, code: "edu.collect.state",
                "\(directory.path) holds no \(EduStore.fileName); give the --state directory of 'depot edu serve'")
        }
        let store = try EduStore(directory: directory)
        let installs = try store.installs(after: 0).map {
            EduInstallInput(id: $0.id ?? 0, school: $0.school, program: $0.program, version: $0.version, quantity: $0.quantity,
                            devices: $0.deviceList, group: $0.groupName, requestedBy: $0.requestedBy, requestedAt: $0.requestedAt)
        }
        let uninstalls = try store.uninstalls(after: 0).map {
            EduUninstallInput(id: $0.uninstall.id ?? 0, install: $0.uninstall.installId, school: $0.install.school,
                              program: $0.install.program, quantity: $0.uninstall.quantity, reportedBy: $0.uninstall.reportedBy,
                              reportedAt: $0.uninstall.reportedAt)
        }
        let service = try home.service()
        let summary = try await service.collectEduInstalls(serverId: store.serverID, installs: installs, uninstalls: uninstalls,
                                                           by: try await actor.actor(service))
        if output.json { return try Output.json(summary) }
        print("Edu server \(summary.serverId): \(summary.collected) install\(summary.collected == 1 ? "" : "s") collected"
            + (summary.alreadyCollected > 0 ? ", \(summary.alreadyCollected) collected before (counted once)" : "")
            + (summary.uninstallsCollected > 0
                ? "; \(summary.uninstallsCollected) uninstall\(summary.uninstallsCollected == 1 ? "" : "s") gave \(summary.seatsReturned) seats back" : "")
            + ".")
        if !summary.orders.isEmpty { print("Orders: \(summary.orders.joined(separator: ", "))") }
        for line in summary.overuse { Output.error("seats overused: \(line)") }
    }
}
