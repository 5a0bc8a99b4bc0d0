import CatalogService
import DepotModel
import Hummingbird

/// `/api/v1/catalog`, `/api/v1/programs/{program}`, `/api/v1/profiles`, `/api/v1/me`.
struct CatalogController {
    let service: CatalogService

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
        group.get("profiles") { _, context in
            try JSONResponse.make(try await service.profiles(by: try context.requireUser()))
        }
        group.get("audit") { request, context in
            let limit = request.uri.queryParameters["limit"].flatMap { Int(String($0)) } ?? 100
            return try JSONResponse.make(try await service.auditEvents(limit: limit, by: try context.requireUser()))
        }
    }
}
