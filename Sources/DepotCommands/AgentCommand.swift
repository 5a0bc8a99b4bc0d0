import ArgumentParser

/// `depot agent`: the reference device client of the edu server.
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent", abstract: "The device side: sync a school's signed whitelist and install from it.")
}
