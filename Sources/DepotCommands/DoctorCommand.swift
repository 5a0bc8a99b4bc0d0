import ArgumentParser
import CatalogService
import Foundation

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the depot home and repair what a crash can leave: unfinished uploads, blob modes.",
        discussion: """
            Removes what killed uploads left in incoming/, makes every blob read-only again, and reports database \
            integrity, the audit chain, installers whose blob is missing and blobs nothing refers to. Exits non-zero \
            when the home is not healthy.
            """)
    @OptionGroup var home: HomeOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let report = try await home.service().doctor()
        if output.json {
            try Output.json(report)
        } else {
            print("Database integrity: \(report.databaseIntegrity.joined(separator: "; "))")
            print("Audit chain: \(report.auditIntact ? "intact" : "BROKEN (run 'depot audit verify')")")
            print("Unfinished uploads removed from incoming/: \(report.incomingRemoved.files) (\(report.incomingRemoved.bytes) bytes)")
            print("Blobs checked: \(report.blobsChecked); made read-only again: \(report.blobModesRepaired.count)")
            for sha in report.missingBlobs { print("MISSING blob \(sha): restore it from a backup") }
            if !report.unreferencedBlobs.isEmpty {
                print("Blobs no record refers to: \(report.unreferencedBlobs.count) (kept; \(report.unreferencedBlobs.prefix(3).joined(separator: ", ")))")
            }
            print(report.healthy ? "Healthy." : "Not healthy.")
        }
        if !report.healthy { throw ExitCode(1) }
    }
}
