import ArgumentParser
import CatalogService
import DepotModel

struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "Add users, list them, and issue API tokens.",
        subcommands: [Add.self, List.self, Token.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a user with one role; prints their API token once.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The user's name: lowercase letters, digits, '.', '-', '_'.")
        var name: String
        @Option(help: "One of: \(Role.allCases.map(\.rawValue).joined(separator: ", ")).")
        var role: String
        @Option(help: "The school a school-admin answers for.")
        var school: String?

        func run() async throws {
            let role = try Role(userInput: role)
            let service = try home.service()
            let created = try await service.addUser(name: name, role: role, school: school, by: try await actor.actor(service))
            if output.json { return try Output.json(created) }
            print("Added \(created.user.name) (\(created.user.role.rawValue)\(created.user.school.map { ", school \($0)" } ?? "")).")
            print("Token (shown once): \(created.token)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users and their roles.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let service = try home.service()
            let users = try await service.listUsers(by: try await actor.actor(service))
            if output.json { return try Output.json(users) }
            Output.table(["NAME", "ROLE", "SCHOOL", "CREATED"], users.map { [$0.name, $0.role.rawValue, $0.school ?? "", $0.createdAt] })
        }
    }

    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue a new API token for a user; prints it once.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The user who gets the token.")
        var name: String

        func run() async throws {
            let service = try home.service()
            let token = try await service.issueToken(for: name, by: try await actor.actor(service))
            if output.json { return try Output.json(["user": name, "token": token]) }
            print("Token for \(name) (shown once): \(token)")
        }
    }
}
