import ArgumentParser

extension EduCommand {
    /// Commands run on the catalog host: schools, publish, collect, export.
    static let catalogSide: [any ParsableCommand.Type] = []
}
