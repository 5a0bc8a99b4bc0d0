import DepotModel
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// What an edu request carries: Hummingbird's core storage and, once authenticated, the token.
public struct EduRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var token: EduToken?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        token = nil
    }

    /// Bodies are small JSON orders; anything larger is refused before it is read.
    public var maxUploadSize: Int { EduController.maximumBodySize }
}

/// Builds the edu server's HTTP application; `depot edu serve` runs it. `onListening` receives the bound port.
public func buildEduApplication(
    publication: EduPublication, store: EduStore, host: String, port: Int, logger: Logger,
    grantLifetime: TimeInterval = 3600,
    onListening: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let router = Router(context: EduRequestContext.self)
    let controller = EduController(publication: publication, store: store, grantLifetime: grantLifetime)
    // The devices' hot route comes before the middleware so it does not pay for it; it never throws.
    router.get("edu/v1/schools/:id/whitelist", use: controller.whitelist)
    router.add(middleware: EduErrorMiddleware())
    router.get("healthz") { _, _ in
        EduResponse.json(["status": "ok"])
    }
    controller.addRoutes(to: router.group("edu/v1"))
    return Application(
        router: router,
        configuration: .init(address: .hostname(host, port: port), serverName: "depot-edu"),
        onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
        logger: logger)
}

/// Turns every thrown error into `{"error": {"code", "message"}}` with the status its kind implies; unexpected
/// errors become 500 without internals.
struct EduErrorMiddleware: RouterMiddleware {
    typealias Context = EduRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any DepotError {
            if error.kind == .internal {
                context.logger.error("request failed", metadata: ["code": "\(error.code)", "error": "\(error.message)"])
            }
            return EduResponse.error(status: EduResponse.status(for: error.kind), code: error.code, error.message)
        } catch is NIOTooManyBytesError {
            return EduResponse.error(status: .contentTooLarge, code: "edu.request.too-large",
                                     "the request body is larger than \(EduController.maximumBodySize) bytes; send one order per request")
        } catch let error as HTTPError {
            let message = error.body ?? error.status.reasonPhrase
            return EduResponse.error(status: error.status, code: "http.\(error.status.code)", message)
        } catch {
            context.logger.error("request failed unexpectedly", metadata: ["error": "\(error)"])
            return EduResponse.error(status: .internalServerError, code: "internal",
                                     "the edu server could not complete the request; its log has the details")
        }
    }
}

/// Responses written the same way everywhere.
enum EduResponse {
    static let encoder = DepotJSON.encoder()

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(status: HTTPResponse.Status, code: String, _ message: String) -> Response {
        var response = json(["error": ["code": code, "message": message]], status: status)
        if status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer realm=\"depot-edu\"" }
        return response
    }

    static func status(for kind: ErrorKind) -> HTTPResponse.Status {
        switch kind {
        case .invalidInput: .badRequest
        case .unauthenticated: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .conflict: .conflict
        case .tooLarge: .contentTooLarge
        case .refused: .unprocessableContent
        case .internal: .internalServerError
        }
    }
}
