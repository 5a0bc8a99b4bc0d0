import ArgumentParser
import CatalogService
import Foundation

struct ReclassifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reclassify", abstract: "Ask for another tier for a classified packaging, and decide such requests.",
        subcommands: [Request.self, Decide.self, List.self])

    static func print(_ r: ReclassificationView) {
        Swift.print("Request \(r.id) (submission \(r.submission)): \(r.fromTier) → \(r.toTier) by \(r.requestedBy): \(r.reason)"
            + (r.decision.map { " — \($0) by \(r.decidedBy ?? "?"): \(r.decisionReason ?? "")" } ?? " — pending"))
    }

    struct Request: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Ask for a classified packaging to be moved to another tier.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The submission id.") var id: Int64
        @Option(help: "simple or complex.") var tier: String
        @Option(help: "Why the rules got it wrong.") var reason: String

        func run() async throws {
            let service = try home.service()
            let r = try await service.requestReclassification(submission: id, tier: tier, reason: reason, by: try await actor.actor(service))
            if output.json { return try Output.json(r) }
            ReclassifyCommand.print(r)
        }
    }

    struct Decide: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve or reject a reclassification request; not its requester.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The request id.") var id: Int64
        @Flag(help: "Approve: the tier and the price change.") var approve = false
        @Flag(help: "Reject: nothing changes.") var reject = false
        @Option(help: "Why.") var reason: String

        func validate() throws {
            guard approve != reject else { throw ValidationError("say --approve or --reject (exactly one)") }
        }

        func run() async throws {
            let service = try home.service()
            let r = try await service.decideReclassification(request: id, approve: approve, reason: reason, by: try await actor.actor(service))
            if output.json { return try Output.json(r) }
            ReclassifyCommand.print(r)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List reclassification requests, pending first.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let service = try home.service()
            let list = try await service.reclassifications(by: try await actor.reader(service))
            if output.json { return try Output.json(list) }
            list.forEach(ReclassifyCommand.print)
        }
    }
}
