import ArgumentParser
import CatalogService
import DepotPolicy
import Foundation

struct PoliciesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policies", abstract: "Check the policy files.", subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load and validate every policy file; list every problem with its file and line.")
        @OptionGroup var output: OutputOptions
        @Argument(help: "The policy folder.")
        var directory = "Policies"

        struct Report: Encodable {
            var directory: String
            var valid: Bool
            var files: [String]
            var problems: [String]
        }

        func run() async throws {
            let url = URL(fileURLWithPath: directory)
            do {
                _ = try CatalogService.loadPolicies(from: url)
                if output.json { return try Output.json(Report(directory: directory, valid: true, files: PolicySet.fileNames, problems: [])) }
                print("\(PolicySet.fileNames.count) policy files in \(directory)/ are valid: \(PolicySet.fileNames.joined(separator: ", "))")
            } catch let error as PolicyError {
                if output.json {
                    try Output.json(Report(directory: directory, valid: false, files: PolicySet.fileNames, problems: error.problems.map(\.description)))
                    throw ExitCode(1)
                }
                throw error
            }
        }
    }
}
