import ArgumentParser
import DepotModel
import EduServer
import Foundation
import Hummingbird
import Logging
import Signing
import Whitelist

extension EduCommand {
    /// Commands run on the edu host: serve, tokens.
    static let serverSide: [any ParsableCommand.Type] = [EduServeCommand.self, EduTokensCommand.self]
}

/// `--state DIR`: the edu server's own store.
struct EduStateOptions: ParsableArguments {
    @Option(help: "The edu server's state directory (edu.sqlite: its id, tokens and recorded installs).")
    var state: String

    var directory: URL { URL(fileURLWithPath: state) }
}

struct EduServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a published edu directory to the school network: whitelists, packages and self-install orders.")

    @Option(help: "The directory 'depot edu publish' wrote (root.pem, index.json, schools/, packages/).")
    var from: String

    @OptionGroup var state: EduStateOptions

    @Option(help: "The pinned root certificate every document must chain to. Defaults to DIR/root.pem of --from.")
    var root: String?

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on; 0 picks a free one (printed on start).")
    var port = 8081

    @Option(help: "How long the grant in an install's download URL holds, in minutes; a per-seat app downloads only with it.")
    var grantMinutes = 60

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port \(port) is not a port; use 0–65535") }
        guard (1...10_080).contains(grantMinutes) else {
            throw ValidationError("--grant-minutes \(grantMinutes) must be 1 to 10080 (a week); grants are meant to be short-lived")
        }
    }

    func run() async throws {
        var logger = Logger(label: "depot.edu")
        if ProcessInfo.processInfo.environment["DEPOT_LOG_LEVEL"] == nil { logger.logLevel = .info }
        let directory = URL(fileURLWithPath: from)
        let rootURL = root.map { URL(fileURLWithPath: $0) } ?? directory.appendingPathComponent(EduLayout.rootFile)
        let rootCertificate = try KeyStore.loadCertificate(at: rootURL)
        let publication = try EduPublication(loader: EduPublicationLoader(directory: directory, root: rootCertificate),
                                             logger: logger)
        let store = try EduStore(directory: state.directory)
        let host = self.host
        let app = buildEduApplication(publication: publication, store: store, host: host, port: port, logger: logger,
                                      grantLifetime: TimeInterval(grantMinutes * 60)) { bound in
            // Written straight to the file descriptor so a parent process reading the pipe sees it at once.
            FileHandle.standardOutput.write(Data("Depot edu server listening on http://\(host):\(bound)\n".utf8))
        }
        logger.info("serving the edu directory", metadata: [
            "from": "\(directory.path)", "schools": "\(publication.current().whitelists.count)", "server": "\(store.serverID)"])
        try await app.runService()
    }
}

struct EduTokensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens", abstract: "Manage the school-scoped tokens of the edu server.",
        subcommands: [EduTokensAddCommand.self, EduTokensListCommand.self])
}

struct EduTokensAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Create a token for one school's admin; it is printed once and stored only as its hash.")

    @Argument(help: "A name for the token's holder (for example 'anna-rinkeby').")
    var name: String

    @Option(help: "The school the token may act for; any other school answers 403.")
    var school: String

    @OptionGroup var state: EduStateOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard EduLayout.isValidID(school) else {
            throw ValidationError("--school '\(school)' is not a school id; use lowercase letters, digits and '-'")
        }
        guard (1...64).contains(name.count), !name.contains(where: \.isNewline) else {
            throw ValidationError("the token name '\(name.prefix(70))' must be 1–64 characters on one line")
        }
    }

    func run() async throws {
        let (secret, token) = try EduStore(directory: state.directory).addToken(name: name, school: school)
        if output.json {
            try Output.json(["name": token.name, "school": token.school, "token": secret])
        } else {
            print("token for \(token.name) (school \(token.school)), shown only now:")
            print(secret)
        }
    }
}

struct EduTokensListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the edu server's tokens (never their secrets).")

    @OptionGroup var state: EduStateOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let tokens = try EduStore(directory: state.directory).tokens()
        if output.json {
            try Output.json(tokens.map { ["name": $0.name, "school": $0.school, "createdAt": $0.createdAt] })
        } else {
            Output.table(["NAME", "SCHOOL", "CREATED"], tokens.map { [$0.name, $0.school, $0.createdAt] })
        }
    }
}
