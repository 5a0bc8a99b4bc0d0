import ArgumentParser
import CatalogService
import Foundation

struct PruneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune", abstract: "Retire stale versions by the rules in pruning.yaml; each with its rule and reason.")
    @OptionGroup var home: HomeOptions
    @OptionGroup var actor: ActorOptions
    @OptionGroup var output: OutputOptions
    @Flag(name: .customLong("dry-run"), help: "List every version with what the rules would do, and change nothing.")
    var dryRun = false
    @Flag(help: "Retire what the rules retire: no longer orderable, installers kept for the retention period.")
    var apply = false
    @Option(help: "Evaluate on this day (YYYY-MM-DD) instead of today.") var at: String?

    func validate() throws {
        guard dryRun != apply else { throw ValidationError("say --dry-run to see the plan or --apply to retire (exactly one)") }
    }

    func run() async throws {
        let service = try home.service()
        let day = try CatalogService.lifecycleDay(at)
        if dryRun {
            let plan = try await service.prunePlan(at: day, by: try await actor.reader(service))
            if output.json { return try Output.json(plan) }
            Output.table(["ID", "PROGRAM", "VERSION", "VARIANT", "ACTION", "RULE", "REASON"], plan.decisions.map {
                [$0.id, $0.program, $0.version, $0.variant, $0.action.rawValue, $0.rule.rawValue, $0.reason]
            })
            print("\n\(plan.retired.count) of \(plan.decisions.count) versions would be retired on \(plan.at); "
                + "'depot prune --apply --as USER' retires them.")
            return
        }
        let result = try await service.applyPrune(at: day, by: try await actor.actor(service))
        if output.json { return try Output.json(result) }
        Output.table(["ID", "PROGRAM", "VERSION", "RULE", "REASON"], result.retired.map {
            [String($0.id), $0.program, $0.version, $0.rule, $0.reason]
        })
        print("\nRetired \(result.retired.count) versions; installers kept through \(result.retired.first?.blobRetainedUntil ?? "-"). "
            + "'depot restore ID' brings one back.")
    }
}
