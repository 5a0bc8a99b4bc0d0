import ArgumentParser
import CatalogService
import Foundation

struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the depot home and its database; import the demo catalog when the store is empty.")

    @OptionGroup var home: HomeOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "The catalog folder to import when the store is empty.")
    var catalog = "Catalog"

    @Flag(help: "Create an empty store; import nothing.")
    var noCatalog = false

    @Flag(help: "Do not create signing keys (create them later with 'depot keys init').")
    var noKeys = false

    struct Result: Encodable {
        var home: String
        var imported: ImportSummary?
        var admin: NewUser?
        var rootCertificate: String?
    }

    func run() async throws {
        let service = try home.service()
        var imported: ImportSummary?
        if !noCatalog, try await service.isCatalogEmpty() {
            let directory = URL(fileURLWithPath: catalog)
            if FileManager.default.fileExists(atPath: directory.path) {
                imported = try await service.importCatalog(from: directory, by: .system)
            }
        }
        let admin = try await service.bootstrapAdmin()
        var createdRoot: String?
        if !noKeys, !service.keyStore.isInitialised {
            _ = try await service.initialiseKeys(by: .system)
            createdRoot = service.keyStore.rootCertificateURL.path
        }
        if output.json {
            return try Output.json(Result(home: service.home.root.path, imported: imported, admin: admin, rootCertificate: createdRoot))
        }
        print("Depot home: \(service.home.root.path)")
        if let imported {
            print("Imported \(imported.programs) programs, \(imported.versionsAdded) versions and \(imported.profiles) profiles from \(catalog)/")
        }
        if let createdRoot { print("Created the root and the catalog and edu signing keys; clients pin \(createdRoot)") }
        if let admin {
            print("Created the first admin user 'admin'. Its token (shown once, keep it safe):")
            print("  \(admin.token)")
        }
    }
}
