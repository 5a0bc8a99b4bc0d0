import CatalogService
import Classification
import DepotModel
import Foundation
import Hummingbird

/// `/api/v1/orders` (quote, place, list) and `/api/v1/invoices` (finance).
struct OrderController {
    let service: CatalogService

    /// The body of `POST /api/v1/orders` and `POST /api/v1/orders/quote`.
    struct OrderBody: Decodable {
        var programs: [String]?
        var profiles: [String]?
        var users: [String]?
        var devices: [String]?
        var group: RecipientGroup?
        var costReference: String
        var environment: String?
        var school: String?

        var request: OrderRequest {
            OrderRequest(programs: programs ?? [], profiles: profiles ?? [], users: users ?? [], devices: devices ?? [],
                         group: group, costReference: costReference, environment: environment ?? "admin", school: school)
        }
    }

    func addRoutes(to group: RouterGroup<DepotRequestContext>) {
        group.get("orders") { _, context in
            try JSONResponse.make(try await service.orders(by: try context.requireUser()))
        }
        group.post("orders/quote") { request, context in
            let body = try await LicenceController.decode(OrderBody.self, request, context)
            return try JSONResponse.make(try await service.quoteOrder(body.request, by: try context.requireUser()))
        }
        group.post("orders") { request, context in
            let body = try await LicenceController.decode(OrderBody.self, request, context)
            return try JSONResponse.make(try await service.placeOrder(body.request, by: try context.requireUser()), status: .created)
        }
        group.get("invoices") { request, context in
            let query = request.uri.queryParameters
            guard let period = query["period"].map(String.init) else {
                throw APIError(status: .badRequest, code: "invoice.period", "add ?period=YYYY-MM")
            }
            let format = query["format"].map(String.init) ?? "json"
            guard format != "ubl" else {
                throw APIError(status: .badRequest, code: "invoice.format",
                    "UBL invoices are one file per cost reference; get them with 'depot invoices generate --format ubl'")
            }
            let parties = InvoiceParties(supplier: InvoiceParty(name: "Depot packaging service", organisationNumber: "202100-5489"),
                                         customer: InvoiceParty(name: "Stockholms stad", organisationNumber: "212000-0142"))
            let files = try await service.invoices(period: period, format: format, parties: parties, by: try context.requireUser())
            var headers = HTTPFields()
            headers[.contentType] = format == "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: files.files.first?.data ?? Data())))
        }
    }
}
