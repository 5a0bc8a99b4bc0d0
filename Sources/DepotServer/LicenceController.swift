import CatalogService
import DepotModel
import Foundation
import Hummingbird

/// `/api/v1/reviews` (the licence review queue and decisions) and `/api/v1/licences` (seats).
struct LicenceController {
    let service: CatalogService

    /// The body of `POST /api/v1/reviews/{id}/decision`.
    struct DecisionBody: Decodable {
        var decision: String
        var scope: String?
        var conditions: [String]?
        var reason: String
        /// The SPDX expression the reviewer concludes, when the detected one is missing or wrong.
        var licence: String?
    }

    /// The body of `POST /api/v1/licences`.
    struct EntitlementBody: Decodable {
        var program: String
        var seats: Int
        var costReference: String?
        var expires: String?
    }

    func addRoutes(to group: RouterGroup<DepotRequestContext>) {
        group.get("reviews") { request, context in
            let pending = request.uri.queryParameters["pending"].map { $0 == "true" || $0 == "1" } ?? false
            return try JSONResponse.make(try await service.licenceReviews(pending: pending, by: try context.requireUser()))
        }
        group.get("reviews/:id") { _, context in
            try JSONResponse.make(try await service.licenceReview(id: try context.pathID(), by: try context.requireUser()))
        }
        group.get("reviews/:id/texts") { _, context in
            try JSONResponse.make(try await service.licenceTexts(review: try context.pathID(), by: try context.requireUser()))
        }
        group.post("reviews/:id/decision") { request, context in
            let user = try context.requireUser()
            let body = try await Self.decode(DecisionBody.self, request, context)
            guard ["approve", "reject"].contains(body.decision) else {
                throw APIError(status: .badRequest, code: "review.decision", "'decision' must be \"approve\" or \"reject\", not '\(body.decision)'")
            }
            let scope = try body.scope.map { try LicenceScope(userInput: $0) }
            let decision = LicenceDecision(approve: body.decision == "approve", scope: scope, conditions: body.conditions ?? [],
                                           reason: body.reason, licence: body.licence)
            return try JSONResponse.make(try await service.decideLicence(review: try context.pathID(), decision, by: user))
        }
        group.get("licences/usage") { _, context in
            try JSONResponse.make(try await service.seatUsage(by: try context.requireUser()))
        }
        group.post("licences") { request, context in
            let user = try context.requireUser()
            let body = try await Self.decode(EntitlementBody.self, request, context)
            let usage = try await service.addEntitlement(program: body.program, seats: body.seats, costReference: body.costReference,
                                                         expires: body.expires, by: user)
            return try JSONResponse.make(usage, status: .created)
        }
    }

    /// Decodes a small JSON body (at most 64 KiB), naming what is wrong with it.
    static func decode<T: Decodable>(_ type: T.Type, _ request: Request, _ context: DepotRequestContext) async throws -> T {
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let DecodingError.keyNotFound(key, _) {
            throw APIError(status: .badRequest, code: "body.missing", "the JSON body lacks '\(key.stringValue)'")
        } catch let DecodingError.typeMismatch(_, context) {
            throw APIError(status: .badRequest, code: "body.type", "the JSON body has the wrong type at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'")
        } catch {
            throw APIError(status: .badRequest, code: "body.invalid", "the request body must be JSON: \(error.localizedDescription)")
        }
    }
}
