import ArgumentParser
import CatalogService
import DepotModel
import Foundation
import Signing

struct SignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Certify a tested, licence-approved package with the catalog key (not its submitter or licence reviewer).")

    @OptionGroup var home: HomeOptions
    @OptionGroup var actor: ActorOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The submission id.") var id: Int64

    func run() async throws {
        let service = try home.service()
        let view = try await service.sign(submission: id, by: try await actor.actor(service))
        if output.json { return try Output.json(view) }
        print(view.newlySigned
            ? "Signed submission \(view.submission): \(view.program) \(view.version) (sha256 \(view.sha256))."
            : "Submission \(view.submission) was already signed by \(view.signedBy) at \(view.signedAt); nothing changed.")
        print("Signature: \(view.signatureFile)")
        print("Certificate: \(view.certificateFingerprint)")
    }
}

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Verify a package against its detached CMS signature and the pinned root.")

    @OptionGroup var home: HomeOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The installer file.") var file: String
    @Option(help: "The DER detached CMS signature (.p7s).") var signature: String
    @Option(help: "The root certificate to trust. Defaults to keys/root.pem in the home.") var root: String?
    @Option(help: ArgumentHelp("Check as of this time (YYYY-MM-DDTHH:MM:SSZ) instead of now.", visibility: .hidden))
    var at: String?

    struct Result: Encodable {
        var file: String
        var signature: String
        var valid: Bool
        var signer: SignerIdentity
    }

    func run() async throws {
        let rootURL = root.map { URL(fileURLWithPath: $0) } ?? KeyStore(directory: home.depotHome.keys).rootCertificateURL
        let certificate = try KeyStore.loadCertificate(at: rootURL)
        let identity = try PackageSignature.verify(file: URL(fileURLWithPath: file), signatureFile: URL(fileURLWithPath: signature),
                                                   root: certificate, now: try Moment.parse(at), role: nil)
        if output.json { return try Output.json(Result(file: file, signature: signature, valid: true, signer: identity)) }
        print("Valid: \(file) is signed by \(identity.subject)\(identity.role.map { " (the \($0.rawValue) key)" } ?? ""), "
            + "certificate \(identity.fingerprint), valid until \(identity.notAfter), chained to \(rootURL.path).")
    }
}

struct PublishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Write the signed catalog tree (packages by hash, root.pem, catalog.json and its signature) for any web server.")

    @OptionGroup var home: HomeOptions
    @OptionGroup var actor: ActorOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Where to write the tree. Defaults to published/catalog in the home.") var out: String?
    @Flag(help: "Nightly mode: write only when something changed or the last catalog is near its expiry.") var refresh = false

    func run() async throws {
        let service = try home.service()
        let summary = try await service.publishCatalog(to: out.map { URL(fileURLWithPath: $0, isDirectory: true) },
                                                       refresh: refresh, by: try await actor.actor(service))
        if output.json { return try Output.json(summary) }
        switch summary.action {
        case "unchanged":
            print("Nothing changed and catalog version \(summary.version) is valid until \(summary.expires); nothing written.")
        default:
            print("\(summary.action == "refreshed" ? "Re-signed" : "Published") catalog version \(summary.version) with "
                + "\(summary.packages) package\(summary.packages == 1 ? "" : "s") to \(summary.directory), valid until \(summary.expires).")
            for name in summary.newlyPublished { print("  now orderable: \(name)") }
        }
    }
}

struct VerifyPublicationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-publication",
        abstract: "The client's check of a published tree: signatures, expiry, rollback, and every file's hash and length.")

    @Argument(help: "The published directory.") var directory: String
    @Option(help: "The root certificate the client pins.") var root: String
    @Option(help: "A state file remembering the highest catalog version accepted (created if missing).") var state: String?
    @Flag(help: "Skip the packages' own CMS signatures (hash and length are still checked).") var skipPackageSignatures = false
    @OptionGroup var output: OutputOptions
    @Option(help: ArgumentHelp("Check as of this time (YYYY-MM-DDTHH:MM:SSZ) instead of now.", visibility: .hidden))
    var at: String?

    func run() async throws {
        let certificate = try KeyStore.loadCertificate(at: URL(fileURLWithPath: root))
        let verifier = PublicationVerifier(root: certificate, checkPackageSignatures: !skipPackageSignatures)
        let report = try verifier.verify(directory: URL(fileURLWithPath: directory, isDirectory: true),
                                         stateFile: state.map { URL(fileURLWithPath: $0) }, now: try Moment.parse(at))
        if output.json {
            try Output.json(report)
        } else {
            print("catalog.json version \(report.catalogVersion), issued \(report.issued), expires \(report.expires), "
                + "signed by \(report.signer.subject)")
            if let last = report.lastSeenVersion { print("Last version accepted before: \(last)") }
            print("\(report.packagesChecked) packages, \(report.bytesChecked) bytes checked.")
            for problem in report.problems { Output.error("\(problem.file): \(problem.check): \(problem.message)") }
            print(report.isValid ? "Valid." : "INVALID: \(report.problems.count) file(s) failed; do not install from this tree.")
        }
        if !report.isValid { throw ExitCode(1) }
    }
}

/// `--at` for client checks: a UTC timestamp, or now.
enum Moment {
    static func parse(_ text: String?) throws -> Date {
        guard let text else { return Date() }
        guard let date = Timestamp.parse(text) else {
            throw ValidationError("--at must look like 2026-11-23T12:00:00Z (got '\(text)')")
        }
        return date
    }
}
