import ArgumentParser
import CatalogService
import DepotModel
import Foundation

struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Inspect an installer, store it and record the submission; flags confirm or correct what was read.")

    @OptionGroup var home: HomeOptions
    @OptionGroup var actor: ActorOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The installer file.")
    var file: String
    @Option(help: "The program id or name, when the installer does not say or says it wrongly.")
    var program: String?
    @Option(help: "The version, when the installer does not say or says it wrongly.")
    var version: String?
    @Option(help: "The publisher, for a program new to the catalog.")
    var publisher: String?
    @Option(help: "A platform the package is for (windows, macos, linux, …); repeat for several.")
    var platform: [String] = []
    @Option(name: .customLong("cost-ref"), help: "Who pays: ADMIN:IKB (administration number and cost bearer) or ref:TEXT.")
    var costRef: String?
    @Option(help: "What tells this installer apart from another of the same version: an architecture, locale or platform (x64, sv-SE, macos).")
    var variant: String?
    @Option(help: "The program's display name, when the installer says it wrongly.")
    var name: String?
    @Option(help: "The program's catalog category (browser, office, education, utility, …).")
    var category: String?
    @Option(help: "A sentence that says what the program is for.")
    var description: String?
    @Option(help: "The program's homepage (https://…).")
    var homepage: String?
    @Flag(help: "No progress bar.")
    var quiet = false

    func run() async throws {
        let service = try home.service()
        let user = try await actor.actor(service)
        let url = URL(fileURLWithPath: file)
        let progress = ProgressBar.callback(label: "submit", totalBytes: url.fileSize,
                                            threshold: service.progressThresholdBytes, quiet: quiet)
        let overrides = SubmissionOverrides(program: program, version: version, publisher: publisher,
                                            platforms: platform, costReference: costRef, variant: variant, name: name,
                                            category: category, description: description, homepage: homepage)
        let result = try await service.submit(file: url, overrides: overrides, by: user, progress: progress)
        if output.json { return try Output.json(result) }
        let s = result.submission
        print(result.created
              ? "Submission \(s.id): \(s.program ?? "?") \(s.version ?? "?") is \(s.state)."
              : "These bytes were already submitted as submission \(s.id) (\(s.state)); nothing new was stored.")
        if let facts = s.facts { FactsPrinter.print(facts) }
    }
}

struct SubmissionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submissions", abstract: "List and show submissions.", subcommands: [List.self, Show.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List submissions, newest first.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Only submissions in this state (inspected, quarantined, …).")
        var state: String?

        func run() async throws {
            let service = try home.service()
            let list = try await service.submissions(state: state, by: try await actor.reader(service))
            if output.json { return try Output.json(list) }
            Output.table(["ID", "STATE", "PROGRAM", "VERSION", "FILE", "SUBMITTER", "AT"], list.map {
                [String($0.id), $0.state, $0.program ?? "-", $0.version ?? "-", $0.fileName, $0.submitter, $0.submittedAt]
            })
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one submission with its inspected facts.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The submission id.")
        var id: Int64

        func run() async throws {
            let service = try home.service()
            let s = try await service.submission(id: id, by: try await actor.reader(service))
            if output.json { return try Output.json(s) }
            print("Submission \(s.id): \(s.state), \(s.fileName), by \(s.submitter) at \(s.submittedAt)")
            if let cost = s.costReference { print("cost reference   \(cost)") }
            if let error = s.error { print("quarantined      \(error)") }
            if let facts = s.facts { FactsPrinter.print(facts) }
            if let tier = s.tier {
                print("packaging        \(tier)")
                for reason in s.tierReasons ?? [] { print("  - \(SafeText.line(reason, limit: 300))") }
            }
            if let test = s.lastTest { print("last test        \(SafeText.line(test, limit: 300))") }
        }
    }
}
