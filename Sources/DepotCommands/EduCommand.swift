import ArgumentParser

/// `depot edu`: the schools' whitelist — schools and their tiers, signed publication from the catalog, the separate
/// edu server, bringing its installs back, and exports for the enforcement tools schools run.
struct EduCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edu", abstract: "The edu whitelist: schools, publication, the edu server, installs and exports.",
        subcommands: EduCommand.catalogSide + EduCommand.serverSide)
}
