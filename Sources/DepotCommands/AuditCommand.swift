import ArgumentParser
import CatalogService
import Foundation

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Read and verify the audit log.", subcommands: [List.self, Verify.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the newest audit records.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "How many records to show, newest first.")
        var limit = 50

        func run() async throws {
            let service = try home.service()
            let events = try await service.auditEvents(limit: limit, by: try await actor.reader(service))
            if output.json { return try Output.json(events) }
            Output.table(["SEQ", "AT", "ACTOR", "ACTION", "SUBJECT"], events.map { [String($0.seq), $0.at, $0.actor, $0.action, $0.subject] })
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the audit chain; exits non-zero and names the first broken record if any was changed or removed.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let result = try await home.service().verifyAudit()
            if output.json { try Output.json(result) }
            guard result.intact else {
                if !output.json { Output.error("audit chain broken at record \(result.firstBroken ?? 0): \(result.reason ?? "")") }
                throw ExitCode(1)
            }
            if !output.json { print("Audit chain intact: \(result.count) records, head \(result.headHash ?? "-")") }
        }
    }
}
