import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The OpenAPI 3.1 contract of `/api/v1`, declared in `Resources/openapi.json` and served as it is, without
/// authentication, at `/api/v1/openapi.json`.
/// `OpenAPIContractTests` fails when a controller registers a route this document lacks, or the document names one
/// the server does not answer; `OpenAPIFuzzTests` runs schemathesis against a running server with it.
enum OpenAPIDocument {
    /// The document's bytes, read once from the module's resources; nil when the resource is missing or not JSON.
    static let data: Data? = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"),
              let data = try? Data(contentsOf: url),
              (try? JSONSerialization.jsonObject(with: data)) is [String: Any]
        else { return nil }
        return data
    }()

    static func response() throws -> Response {
        guard let data else {
            throw APIError(status: .internalServerError, code: "openapi.missing",
                "the API document is missing from this installation; reinstall depot with its resource bundle")
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
