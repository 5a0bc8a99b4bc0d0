import ArgumentParser
import CatalogService
import DepotModel

struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "Add users, list them, issue and revoke API tokens, disable and enable users.",
        subcommands: [Add.self, List.self, Token.self, Tokens.self, RevokeToken.self, Disable.self, Enable.self, CalendarReset.self])

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
            print("API token, shown once on the next line:")
            print(created.token)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users and their roles.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let service = try home.service()
            let users = try await service.listUsers(by: try await actor.reader(service))
            if output.json { return try Output.json(users) }
            Output.table(["NAME", "ROLE", "SCHOOL", "CREATED", "DISABLED"], users.map {
                [$0.name, $0.role.rawValue, $0.school ?? "", $0.createdAt, $0.disabledAt ?? ""]
            })
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
            print("API token for \(name), shown once on the next line:")
            print(token)
        }
    }

    struct Tokens: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a user's API tokens by id, with created and last-used times (never the secret).")
        @OptionGroup var home: HomeOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The user whose tokens to list.")
        var name: String

        func run() async throws {
            let service = try home.service()
            let tokens = try await service.tokens(of: name, by: try await actor.reader(service))
            if output.json { return try Output.json(tokens) }
            Output.table(["ID", "CREATED", "LAST USED", "REVOKED"], tokens.map {
                [String($0.id), $0.createdAt, $0.lastUsedAt ?? "never", $0.revokedAt ?? ""]
            })
        }
    }

    struct RevokeToken: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke-token",
            abstract: "Revoke one API token of a user; it stops working with the next request.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The user the token belongs to.")
        var name: String
        @Argument(help: "The token's id, from 'depot users tokens NAME'.")
        var id: Int64

        func run() async throws {
            let service = try home.service()
            let token = try await service.revokeToken(of: name, id: id, by: try await actor.actor(service))
            if output.json { return try Output.json(token) }
            print("Token \(token.id) of \(name) is revoked (since \(token.revokedAt ?? "now")).")
        }
    }

    /// Disable and enable differ only in direction.
    static func setDisabled(_ disabled: Bool, name: String, home: HomeOptions, actor: ActorOptions, output: OutputOptions) async throws {
        let service = try home.service()
        let user = try await service.setUserDisabled(name, disabled, by: try await actor.actor(service))
        if output.json { return try Output.json(user) }
        print(disabled ? "\(name) is disabled: their tokens, portal sessions and calendar feed no longer work."
                       : "\(name) is enabled: their tokens work again.")
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a user: their tokens, portal sessions and calendar feed stop at once.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The user to disable.")
        var name: String

        func run() async throws { try await UsersCommand.setDisabled(true, name: name, home: home, actor: actor, output: output) }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled user again.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The user to enable.")
        var name: String

        func run() async throws { try await UsersCommand.setDisabled(false, name: name, home: home, actor: actor, output: output) }
    }

    struct CalendarReset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "calendar-reset",
            abstract: "Give a user a new private calendar-feed address; the old one stops working at once.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var actor: ActorOptions
        @Argument(help: "The user whose calendar feed to reset.")
        var name: String

        func run() async throws {
            let service = try home.service()
            let secret = try await service.resetCalendarFeed(of: name, by: try await actor.actor(service))
            print("The old calendar address of \(name) no longer works. The new one (path on the server) is on the next line:")
            print("/calendar/\(secret).ics")
        }
    }
}
