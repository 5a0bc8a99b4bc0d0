import CatalogService
import DepotModel
import Foundation
import Hummingbird

/// `/api/v1/submissions/:id/tests`, `/api/v1/submissions/:id/signature` and `/api/v1/keys`: certification over HTTP.
/// Publishing stays on the catalog host's command line, where the tree is written.
struct SigningController {
    let service: CatalogService

    struct TestBody: Decodable {
        var passed: Bool
        var notes: String
    }

    func addRoutes(to group: RouterGroup<DepotRequestContext>) {
        group.get("submissions/:id/tests") { _, context in
            try JSONResponse.make(try await service.tests(submission: try context.pathID(), by: try context.requireUser()))
        }
        group.post("submissions/:id/tests") { request, context in
            let user = try context.requireUser()
            let id = try context.pathID()
            let body = try await LicenceController.decode(TestBody.self, request, context)
            return try JSONResponse.make(try await service.recordTest(submission: id, passed: body.passed, notes: body.notes, by: user),
                                         status: .created)
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
