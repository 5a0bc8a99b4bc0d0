import CatalogService
import DepotModel
import Hummingbird
import Logging
import NIOCore

/// Builds the catalog's HTTP application; `depot serve` runs it and the end-to-end tests start it on a free port.
/// `onListening` receives the bound port (useful with port 0).
public func buildApplication(
    service: CatalogService, host: String, port: Int, logger: Logger,
    onListening: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let router = Router(context: DepotRequestContext.self)
    router.add(middleware: ErrorMiddleware())
    router.get("healthz") { _, _ in
        try JSONResponse.make(["status": "ok"])
    }
    router.get("api/v1/openapi.json") { _, _ in try OpenAPIDocument.response() }
    PortalController(service: service).addRoutes(to: router)
    let api = router.group("api/v1").add(middleware: AuthMiddleware(service: service))
    CatalogController(service: service).addRoutes(to: api)
    SubmissionController(service: service).addRoutes(to: api)
    LicenceController(service: service).addRoutes(to: api)
    OrderController(service: service).addRoutes(to: api)
    SigningController(service: service).addRoutes(to: api)
    LifecycleController(service: service).addRoutes(to: api)
    return Application(
        router: router,
        configuration: .init(address: .hostname(host, port: port), serverName: "depot"),
        onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
        logger: logger)
}
