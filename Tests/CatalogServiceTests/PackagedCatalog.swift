import CatalogService
import DepotModel
import DepotTestSupport
import Foundation

/// Imported manifests are only `catalogued`; tests that order or publish need versions that went through the
/// pipeline. This takes the newest catalogued version of each named program through it with a real .deb built
/// for that program and version: submit, licence approval for the program's environments (narrowed where the
/// policy denies), classification, a passing test, a signature, publication.
enum PackagedCatalog {
    static let people: [(String, Role)] = [("fixture-packager", .packager), ("fixture-reviewer", .licenceReviewer),
                                           ("fixture-signer", .signer), ("fixture-publisher", .releaseManager)]

    @discardableResult
    static func publish(_ service: CatalogService, programs: [String], in dir: TemporaryDirectory) async throws -> [String] {
        var users: [String: DepotUser] = [:]
        for (name, role) in people {
            if (try? await service.user(named: name)) == nil {
                _ = try await service.addUser(name: name, role: role, school: nil, by: .system)
            }
            users[name] = try await service.user(named: name)
        }
        if !service.keyStore.isInitialised { _ = try await service.initialiseKeys(by: .system) }
        let entries = try await service.catalog(by: .system)
        var done: [String] = []
        var seen: Set<String> = []
        for program in programs where seen.insert(program).inserted {
            guard let entry = entries.filter({ $0.program == program && $0.state == .catalogued }).last else { continue }
            let deb = try Fixtures.debianPackage(in: dir, name: program, version: entry.version, licence: entry.licence ?? "MIT",
                                                 payloadBytes: 64)
            let submitted = try await service.submit(file: deb, overrides: SubmissionOverrides(program: program, version: entry.version),
                                                     by: users["fixture-packager"]!)
            let id = submitted.submission.id
            let review = try await service.licenceReview(id: id, by: users["fixture-reviewer"]!)
            let admin = entry.environments.contains("admin") && review.admin.outcome != "deny"
            let edu = entry.environments.contains("edu") && review.edu.outcome != "deny"
            guard let scope: LicenceScope = admin && edu ? .both : admin ? .admin : edu ? .edu : nil else { continue }
            _ = try await service.decideLicence(review: id, LicenceDecision(approve: true, scope: scope, reason: "fixture"),
                                                by: users["fixture-reviewer"]!)
            _ = try await service.classify(submission: id, by: users["fixture-packager"]!)
            _ = try await service.recordTest(submission: id, passed: true, notes: "fixture test", by: users["fixture-packager"]!)
            _ = try await service.sign(submission: id, by: users["fixture-signer"]!)
            done.append(program)
        }
        _ = try await service.publishCatalog(to: dir.url.appendingPathComponent("published-\(UUID().uuidString)"),
                                             by: users["fixture-publisher"]!)
        return done
    }
}
