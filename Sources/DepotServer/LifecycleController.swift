import CatalogService
import DepotModel
import Foundation
import Hummingbird

/// `/api/v1/schedule.ics` (a calendar to subscribe to) and `/api/v1/currency` (the currency report).
struct LifecycleController {
    let service: CatalogService

    func addRoutes(to group: RouterGroup<DepotRequestContext>) {
        group.get("schedule.ics") { _, context in
            let calendar = try await service.scheduleCalendar(by: try context.requireUser())
            var headers = HTTPFields()
            headers[.contentType] = "text/calendar; charset=utf-8"
            headers[.contentDisposition] = "inline; filename=\"depot-schedule.ics\""
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: Data(calendar.utf8))))
        }
        group.get("currency") { request, context in
            let user = try context.requireUser()
            let day = try request.uri.queryParameters["at"].map { text in
                guard let day = try CatalogService.lifecycleDay(String(text), option: "at") else {
                    throw APIError(status: .badRequest, code: "date.invalid", "'at' is empty; write it as YYYY-MM-DD")
                }
                return day
            }
            return try JSONResponse.make(try await service.currencyReport(at: day, by: user))
        }
    }
}
