import ArgumentParser
import CatalogService
import Foundation

struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the depot home and its database; in the checkout, catalogue Catalog/ and run the demo pipeline.",
        discussion: """
            When the store is empty and ./Catalog exists (the checkout), its manifests become catalogued versions
            (known, searchable, not orderable) and the demo builds real installers (wixl, makensis, dpkg-deb, zip)
            that demo users take through submit, licence review, classify, test, sign and publish. In any other
            folder the store starts empty. --no-demo catalogues without the demo; --no-catalog imports nothing.
            """)

    @OptionGroup var home: HomeOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "The catalog folder to import when the store is empty.")
    var catalog = "Catalog"

    @Flag(help: "Create an empty store; import nothing.")
    var noCatalog = false

    @Flag(help: "Do not create signing keys (create them later with 'depot keys init').")
    var noKeys = false

    @Flag(help: "Catalogue the manifests but build and publish no demo packages.")
    var noDemo = false

    struct Result: Encodable {
        var home: String
        var imported: ImportSummary?
        var admin: NewUser?
        var rootCertificate: String?
        var demo: DemoPipeline.Summary?
        var milliseconds: Int
    }

    func run() async throws {
        let started = Date()
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
        var demo: DemoPipeline.Summary?
        if imported != nil, !noDemo, admin != nil {
            demo = try await DemoPipeline(service: service).run()
        }
        let milliseconds = Int(Date().timeIntervalSince(started) * 1000)
        if output.json {
            return try Output.json(Result(home: service.home.root.path, imported: imported, admin: admin, rootCertificate: createdRoot,
                                          demo: demo, milliseconds: milliseconds))
        }
        print("Depot home: \(service.home.root.path)")
        if let imported {
            print("Catalogued \(imported.programs) programs and \(imported.versionsAdded) versions (no installers yet; not orderable until packaged), \(imported.upstreamReleases) upstream releases and \(imported.profiles) profiles from \(catalog)/")
        }
        if let createdRoot { print("Created the root and the catalog and edu signing keys; clients pin \(createdRoot)") }
        if let demo {
            print("Demo: built \(demo.published.count) installers and took them through submit, licence review, classify, test, sign "
                + "and publish: \(demo.published.joined(separator: ", ")).")
            if let version = demo.catalogPublication { print("Demo: signed catalog publication \(version) in \(service.home.published.path)/catalog") }
            if let version = demo.eduPublication { print("Demo: signed edu publication \(version) in \(service.home.published.path)/edu") }
            if !demo.awaitingReview.isEmpty { print("Demo: awaiting licence review: \(demo.awaitingReview.joined(separator: ", "))") }
            for line in demo.skipped { print("Demo: skipped \(line)") }
            print("Demo users (act as them with --as NAME; a token: depot users token NAME --as admin): "
                + DemoPipeline.users.map { "\($0.name) (\($0.role.rawValue))" }.joined(separator: ", "))
        }
        if let admin {
            print("Created the first admin user 'admin'. Its token (shown once, keep it safe):")
            print("  \(admin.token)")
        }
        print("Done in \(milliseconds) ms.")
    }
}
