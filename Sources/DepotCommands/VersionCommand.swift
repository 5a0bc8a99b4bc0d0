import ArgumentParser
import CatalogService
import Foundation

struct VersionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version", abstract: "Compare and sort version strings as dpkg, rpm, Python, SemVer or Windows would.",
        subcommands: [Compare.self, Sort.self])

    struct SchemeOptions: ParsableArguments {
        @Option(help: "debian, rpm, pep440, semver, windows, dotted, or auto (the program's declared scheme, else a guess).")
        var scheme = "auto"
        @Option(help: "With --scheme auto: use this catalog program's declared scheme.")
        var program: String?
    }

    struct Compare: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print <, = or > for versions A and B.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var scheme: SchemeOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The first version.") var a: String
        @Argument(help: "The second version.") var b: String

        func run() async throws {
            let result = try await home.service().compareVersions(a, b, scheme: scheme.scheme, program: scheme.program)
            if output.json { return try Output.json(result) }
            print(result.order)
        }
    }

    struct Sort: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Sort the versions on standard input (one a line), oldest first.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var scheme: SchemeOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            var lines: [String] = []
            while let line = readLine() {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if !trimmed.isEmpty { lines.append(trimmed) }
            }
            let sorted = try await home.service().sortVersions(lines, scheme: scheme.scheme, program: scheme.program)
            if output.json { return try Output.json(sorted) }
            for version in sorted { print(version) }
        }
    }
}
