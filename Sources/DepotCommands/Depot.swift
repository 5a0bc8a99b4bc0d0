import ArgumentParser
import DepotModel
import Foundation

/// The `depot` command: the operators' tool on the catalog host.
public struct Depot: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "depot",
        abstract: "Run the city's software catalog: intake, licence review, signing, lifecycle and the edu whitelist.",
        subcommands: [
            InitCommand.self, ServeCommand.self, CatalogCommand.self, InspectCommand.self, SubmitCommand.self,
            SubmissionsCommand.self, LicenceCommand.self, ReviewsCommand.self, LicencesCommand.self,
            ClassifyCommand.self, ReclassifyCommand.self, OrdersCommand.self, InvoicesCommand.self, KeysCommand.self,
            TestCommand.self, RetestCommand.self, SignCommand.self, VerifyCommand.self, PublishCommand.self, VerifyPublicationCommand.self,
            VersionCommand.self, VersionsCommand.self, UpstreamCommand.self, CurrencyCommand.self, ScheduleCommand.self,
            PruneCommand.self, RestoreCommand.self, PurgeCommand.self, EduCommand.self, AgentCommand.self, PoliciesCommand.self, UsersCommand.self, AuditCommand.self, DoctorCommand.self,
        ])

    public init() {}

    /// Parses and runs; a failure prints one line (`depot: …`) on stderr and exits non-zero.
    public static func runMain() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as any DepotError {
            Output.error(error.message)
            Foundation.exit(error.kind == .invalidInput ? 2 : 1)
        } catch {
            exit(withError: error)
        }
    }
}
