import CatalogService
import DepotModel
import Foundation
import Hummingbird

/// `/api/v1/submissions/:id/tests`, `/api/v1/submissions/:id/signature` and `/api/v1/keys`: certification over HTTP.
/// Publishing stays on the catalog host's command line, where the tree is written.
struct SigningController {
    let service: CatalogService

    /// `{"mode": "auto"}` runs the install sandbox; `{"passed": true, "notes": "…"}` records a person's test.
    struct TestBody: Decodable {
        var mode: String?
        var passed: Bool?
        var notes: String?
    }

    func addRoutes(to group: RouterGroup<DepotRequestContext>) {
        group.get("submissions/:id/tests") { _, context in
            try JSONResponse.make(try await service.tests(submission: try context.pathID(), by: try context.requireUser()))
        }
        group.post("submissions/:id/tests") { request, context in
            let user = try context.requireUser()
            let id = try context.pathID()
            let body = try await LicenceController.decode(TestBody.self, request, context)
            switch body.mode ?? "manual" {
            case "auto":
                return try JSONResponse.make(try await service.autoTest(submission: id, by: user), status: .created)
            case "manual":
                guard let passed = body.passed else {
                    throw ServiceError(.invalidInput, code: "test.body",
                        "say {\"mode\": \"auto\"} to run the install sandbox, or {\"passed\": true|false, \"notes\": \"…\"} to record a test")
                }
                return try JSONResponse.make(try await service.recordTest(submission: id, passed: passed, notes: body.notes ?? "", by: user),
                                             status: .created)
            default:
                throw ServiceError(.invalidInput, code: "test.mode", "unknown test mode '\(body.mode ?? "")'; use \"auto\" or \"manual\"")
            }
        }
        group.get("submissions/:id/tests/:test/evidence") { _, context in
            let test = try context.parameters.require("test", as: Int64.self)
            return try JSONResponse.make(try await service.testEvidence(submission: try context.pathID(), test: test,
                                                                        by: try context.requireUser()))
        }
        group.post("submissions/:id/signature") { _, context in
            let view = try await service.sign(submission: try context.pathID(), by: try context.requireUser())
            return try JSONResponse.make(view, status: view.newlySigned ? .created : .ok)
        }
        group.get("keys") { _, context in
            _ = try context.requireUser()
            return try JSONResponse.make(try service.keys())
        }
    }
}
