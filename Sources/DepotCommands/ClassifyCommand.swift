import ArgumentParser
import CatalogService
import Foundation

struct ClassifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Classify a licence-approved packaging as simple or complex, with the reasons and the price.")

    @OptionGroup var home: HomeOptions
    @OptionGroup var actor: ActorOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The submission id.") var id: Int64
    @Flag(help: "The program needs configuration per user.") var perUserConfig = false
    @Flag(help: "The program needs a licence key or activation.") var licenceActivation = false
    @Option(help: "How many other programs it needs installed first.") var dependencies = 0
    @Option(help: "How many components or features the packaging has.") var components = 1

    func validate() throws {
        guard dependencies >= 0, components >= 1 else {
            throw ValidationError("--dependencies must be 0 or more and --components 1 or more (got \(dependencies) and \(components))")
        }
    }

    func run() async throws {
        let service = try home.service()
        let answers = PackagingAnswers(perUserConfiguration: perUserConfig, licenceActivation: licenceActivation,
                                       dependencies: dependencies, components: components)
        let view = try await service.classify(submission: id, answers: answers, by: try await actor.actor(service))
        if output.json { return try Output.json(view) }
        print("Submission \(view.submission): \(view.program) \(view.version) is \(view.tier) (\(view.state.rawValue)).")
        for reason in view.reasons { print("  - \(reason)") }
        let amount = NSDecimalNumber(decimal: view.price.amount).stringValue
        print("Price: \(amount) \(view.price.currency) excl. VAT\(view.includedInQuota ? " (included in the month's volume: packaging number \(view.positionInMonth))" : "").")
        // testing.yaml autoTestAfterClassification: the install test follows at once.
        if let outcome = try await service.testAfterClassification(submission: id, by: try await actor.actor(service), progress: { step in
            FileHandle.standardError.write(Data("… \(step)\n".utf8))
        }) {
            print("")
            TestReport.print(outcome)
        }
    }
}
