import CatalogService
import DepotModel
import HTTPTypes
import Hummingbird
import Logging

/// Turns every thrown error into the API's JSON error shape (unexpected ones become 500 without internals) and
/// returns the request id on every response.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = DepotRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // The request id that every log line of this request carries, so a caller can quote it in a report.
        var response = try await respond(request, context, next)
        response.headers[HTTPField.Name("X-Request-Id")!] = context.id
        return response
    }

    private func respond(_ request: Request, _ context: Context, _ next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        } catch let error as any DepotError {
            if error.kind == .internal {
                context.logger.error("request failed", metadata: ["code": "\(error.code)", "error": "\(error.message)"])
            }
            return try APIError(error).response(from: request, context: context)
        } catch let error as HTTPError {
            return try APIError(status: error.status, code: "http.\(error.status.code)", error.body ?? error.status.reasonPhrase)
                .response(from: request, context: context)
        } catch {
            context.logger.error("request failed unexpectedly", metadata: ["error": "\(error)"])
            return try APIError(status: .internalServerError, code: "internal",
                "the server could not complete the request; the request id in the server log has the details")
                .response(from: request, context: context)
        }
    }
}

/// Resolves `Authorization: Bearer TOKEN` to a user; requests without a valid token stop here with 401.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = DepotRequestContext
    let service: CatalogService

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw APIError(status: .unauthorized, code: "auth.missing",
                "this endpoint needs 'Authorization: Bearer TOKEN'; get a token with 'depot users add NAME --role ROLE'")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw APIError(status: .unauthorized, code: "auth.scheme", "the Authorization header must read 'Bearer TOKEN'")
        }
        var context = context
        context.user = try await service.authenticate(token: String(parts[1]).trimmingCharacters(in: .whitespaces))
        context.logger[metadataKey: "user"] = .string(context.user!.name)
        return try await next(request, context)
    }
}
