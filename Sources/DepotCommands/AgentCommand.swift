import ArgumentParser
import EduServer
import Foundation
import Signing

/// `depot agent`: the reference device client of the edu server.
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent", abstract: "The device side: sync a school's signed whitelist and install from it.",
        subcommands: [AgentSyncCommand.self, AgentInstallCommand.self])
}

/// `--state DIR`: the device's last good whitelist and what it remembers.
struct AgentStateOptions: ParsableArguments {
    @Option(help: "The device's state directory (the last good whitelist, its version and ETag, the server URL).")
    var state: String

    var agent: EduAgent { EduAgent(stateDirectory: URL(fileURLWithPath: state)) }
}

struct AgentSyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Fetch a school's whitelist, check it against the pinned root, and print what this device may install.")

    @Option(help: "The edu server's base URL (for example http://edu.school.local:8081).")
    var url: String

    @Option(help: "The school whose whitelist to fetch.")
    var school: String

    @Option(help: "The root certificate this device pins (root.pem); the whitelist must chain to it with the edu role.")
    var root: String

    @OptionGroup var state: AgentStateOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let root = try KeyStore.loadCertificate(at: URL(fileURLWithPath: self.root))
        let result = try await state.agent.sync(baseURL: url, school: school, root: root)
        if output.json {
            try Output.json(result)
            return
        }
        print("school \(result.school): whitelist version \(result.version), valid until \(result.expires)"
            + (result.changed ? "" : " (unchanged)"))
        Output.table(["PROGRAM", "VERSION", "PLATFORMS", "DELIVERY", "INSTALLER"], result.apps.map {
            [$0.program, $0.version, $0.platforms.joined(separator: ","), $0.delivery, $0.installerType]
        })
    }
}

struct AgentInstallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Download the newest listed version of a program, check its length and hash, and place it.")

    @Argument(help: "The program id as the whitelist lists it.")
    var program: String

    @OptionGroup var state: AgentStateOptions

    @Option(help: "The directory to place the installer in.")
    var target: String

    @Option(help: "For an app that takes a licence seat: the download URL an install order answered with (it carries the grant).")
    var grant: String?

    @OptionGroup var output: OutputOptions

    func run() async throws {
        let result = try await state.agent.install(program: program, target: URL(fileURLWithPath: target), grant: grant)
        if output.json {
            try Output.json(result)
            return
        }
        print("placed \(result.program) \(result.version) at \(result.file) (\(result.size) bytes, sha256 \(result.sha256))")
        if let command = result.command { print("silent install: \(command)") }
    }
}
