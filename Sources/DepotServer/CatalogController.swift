import CatalogService
import DepotModel
import Foundation
import Hummingbird

/// `/api/v1/catalog`, `/api/v1/programs/{program}`, `/api/v1/profiles`, `/api/v1/me`, `/api/v1/packaging-requests`.
struct CatalogController {
    let service: CatalogService

    /// The body of `POST /api/v1/programs/{program}/packaging-requests`; every field may be left out.
    struct PackagingRequestBody: Decodable {
        var version: String?
        var note: String?
    }

    func addRoutes(to group: RouterGroup<DepotRequestContext>) {
        group.get("me") { _, context in try JSONResponse.make(try context.requireUser()) }
        group.get("catalog") { request, context in
            let state = try request.uri.queryParameters["state"].map { try PackageState(userInput: String($0)) }
            return try JSONResponse.make(try await service.catalog(state: state, by: try context.requireUser()))
        }
        group.get("programs/:program") { _, context in
            let program = try context.parameters.require("program")
            return try JSONResponse.make(try await service.catalog(program: program, by: try context.requireUser()))
        }
        group.post("programs/:program/packaging-requests") { request, context in
            let user = try context.requireUser()
            let program = try context.parameters.require("program")
            let collected = try await request.body.collect(upTo: 64 * 1024)
            var body = PackagingRequestBody()
            if collected.readableBytes > 0 {
                do {
                    body = try JSONDecoder().decode(PackagingRequestBody.self, from: Data(collected.readableBytesView))
                } catch {
                    throw APIError(status: .badRequest, code: "body.invalid",
                        "the body must be JSON like {\"version\": \"134.0\", \"note\": \"why\"} (both optional)")
                }
            }
            let view = try await service.requestPackaging(program: program, version: body.version, note: body.note, by: user)
            return try JSONResponse.make(view, status: .created)
        }
        group.get("packaging-requests") { _, context in
            try JSONResponse.make(try await service.packagingRequests(by: try context.requireUser()))
        }
        group.get("profiles") { _, context in
            try JSONResponse.make(try await service.profiles(by: try context.requireUser()))
        }
        group.get("audit") { request, context in
            let limit = request.uri.queryParameters["limit"].flatMap { Int(String($0)) } ?? 100
            return try JSONResponse.make(try await service.auditEvents(limit: limit, by: try context.requireUser()))
        }
    }
}
