import ArgumentParser
import CatalogService
import DepotModel
import Foundation

struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Inspect an installer without storing anything.")

    @OptionGroup var home: HomeOptions
    @OptionGroup var output: OutputOptions
    @Flag(help: "No progress bar.")
    var quiet = false
    @Argument(help: "The installer file.")
    var file: String

    func run() async throws {
        let service = try home.service()
        let url = URL(fileURLWithPath: file)
        let progress = ProgressBar.callback(label: "inspect", totalBytes: url.fileSize,
                                            threshold: service.progressThresholdBytes, quiet: quiet)
        let facts = try service.inspect(file: url, progress: progress)
        if output.json { return try Output.json(facts) }
        FactsPrinter.print(facts)
    }
}

/// The inspected facts as a packager reads them.
enum FactsPrinter {
    static func print(_ facts: InstallerFacts) {
        var rows: [(String, String)] = [
            ("format", facts.format), ("installer type", facts.installerType ?? "?"), ("name", facts.name ?? "?"),
            ("version", facts.version ?? "?"), ("publisher", facts.publisher ?? "?"),
            ("platforms", facts.platforms.joined(separator: ", ")), ("architectures", facts.architectures.joined(separator: ", ")),
            ("declared licence", facts.declaredLicense ?? "-"), ("size", ProgressBar.bytes(facts.size)),
            ("entries", facts.entryCount.map(String.init) ?? "-"), ("sha256", facts.sha256),
        ]
        if let switchText = facts.windows?.silentSwitch { rows.append(("silent switch", switchText)) }
        if let signature = facts.windows?.signature {
            rows.append(("signature", "\(signature.status)\(signature.subject.map { " — \($0)" } ?? "")"))
        }
        for (key, value) in rows { Swift.print(key.padding(toLength: 17, withPad: " ", startingAt: 0) + value) }
        for file in facts.licenseFiles { Swift.print("licence file     \(file)") }
        for warning in facts.warnings { Swift.print("warning          \(warning)") }
    }
}
