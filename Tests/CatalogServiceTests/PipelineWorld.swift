import CatalogService
import DepotModel
import DepotTestSupport
import Foundation
import Logging
import Testing

/// A service on a temporary home with the repository's policies, signing keys and one user per role, at a fixed
/// time: the pipeline from submission to publication, for tests of the later stages.
struct World {
    static let start = Date(timeIntervalSince1970: 1_790_000_000)

    let service: CatalogService
    let pat: DepotUser
    let rita: DepotUser
    let sam: DepotUser
    let ada: DepotUser
    let rel: DepotUser

    /// Opens (or reopens, at another time) the home in `dir`.
    static func make(_ dir: TemporaryDirectory, at instant: Date = start) async throws -> World {
        let service = try CatalogService.open(home: DepotHome(root: dir.url.appendingPathComponent("home")),
                                              clock: FixedClock(instant), logger: Logger(label: "test"))
            .applying(try CatalogService.loadPolicies(from: repositoryPolicies))
        for (name, role) in [("pat", Role.packager), ("rita", .licenceReviewer), ("sam", .signer), ("ada", .admin),
                             ("rel", .releaseManager)] where (try? await service.user(named: name)) == nil {
            _ = try await service.addUser(name: name, role: role, school: nil, by: .system)
        }
        if !service.keyStore.isInitialised { _ = try await service.initialiseKeys(by: .system) }
        return World(service: service, pat: try await service.user(named: "pat"), rita: try await service.user(named: "rita"),
                     sam: try await service.user(named: "sam"), ada: try await service.user(named: "ada"),
                     rel: try await service.user(named: "rel"))
    }

    /// Submits, approves the licence (as `reviewer`, for `scope`) and classifies; returns the submission id.
    func classified(_ file: URL, submitter: DepotUser? = nil, reviewer: DepotUser? = nil,
                    scope: LicenceScope = .both) async throws -> Int64 {
        let submitted = try await service.submit(file: file, overrides: .init(), by: submitter ?? pat)
        let review = try #require(try await service.licenceReviews(pending: true, by: rita).first)
        _ = try await service.decideLicence(review: review.id, LicenceDecision(approve: true, scope: scope, reason: "ok"),
                                            by: reviewer ?? rita)
        _ = try await service.classify(submission: submitted.submission.id, by: pat)
        return submitted.submission.id
    }

    /// Takes an installer through review, classification, test and signature; returns the submission id.
    func signed(_ file: URL, scope: LicenceScope = .both) async throws -> Int64 {
        let id = try await classified(file, scope: scope)
        _ = try await service.recordTest(submission: id, passed: true, notes: "installs and starts", by: pat)
        _ = try await service.sign(submission: id, by: sam)
        return id
    }
}

/// The refusal a call ends with, as (code, message), or nil when it succeeded.
func refusal<T>(_ body: () async throws -> T) async -> (code: String, message: String)? {
    do {
        _ = try await body()
        return nil
    } catch let error as any DepotError {
        return (error.code, error.message)
    } catch {
        return ("?", "\(error)")
    }
}
