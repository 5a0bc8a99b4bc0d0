import ArgumentParser
import CatalogService
import Foundation
import Signing

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "The city's root and the catalog and edu signing keys (keys/ in the home).",
        subcommands: [Init.self, Rotate.self, Show.self])

    static func print(_ keys: [KeyInfo]) {
        Output.table(["ROLE", "GEN", "STATUS", "NOT AFTER", "FINGERPRINT (SHA-256)", "SUBJECT"], keys.map {
            [$0.role, String($0.generation), $0.status.rawValue, $0.notAfter, $0.fingerprint, $0.subject]
        })
    }

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the root (keys/root.pem is what clients pin) and the catalog and edu signing keys.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let service = try home.service()
            let keys = try await service.initialiseKeys(by: try await actor.actor(service))
            if output.json { return try Output.json(keys) }
            KeysCommand.print(keys)
            Swift.print("Clients pin \(service.keyStore.rootCertificateURL.path). Key files are readable by their owner only.")
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A new signing key certified by the root; what the old one signed stays verifiable until it expires.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "catalog or edu.") var role: String

        func run() async throws {
            guard let keyRole = KeyRole(rawValue: role.lowercased()) else {
                throw ValidationError("--role must be catalog or edu (got '\(role)')")
            }
            let service = try home.service()
            let info = try await service.rotateKey(role: keyRole, by: try await actor.actor(service))
            if output.json { return try Output.json(info) }
            Swift.print("The \(info.role) key is now generation \(info.generation), valid until \(info.notAfter).")
            Swift.print("Fingerprint: \(info.fingerprint)")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Certificates, public keys and fingerprints; never private keys.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let keys = try KeyStore(directory: home.depotHome.keys).show()
            if output.json { return try Output.json(keys) }
            KeysCommand.print(keys)
        }
    }
}
