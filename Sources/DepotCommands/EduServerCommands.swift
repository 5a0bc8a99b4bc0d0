import ArgumentParser

extension EduCommand {
    /// Commands run on the edu host: serve, tokens.
    static let serverSide: [any ParsableCommand.Type] = []
}
