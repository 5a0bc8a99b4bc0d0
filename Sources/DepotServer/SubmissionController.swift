import CatalogService
import DepotModel
import Foundation
import Hummingbird

/// `/api/v1/submissions`: installers streamed in as the request body, and the submissions made so far.
struct SubmissionController {
    let service: CatalogService

    func addRoutes(to group: RouterGroup<DepotRequestContext>) {
        group.post("submissions") { request, context in try await submit(request, context) }
        group.get("submissions") { request, context in
            let state = request.uri.queryParameters["state"].map(String.init)
            return try JSONResponse.make(try await service.submissions(state: state, by: try context.requireUser()))
        }
        group.get("submissions/:id") { _, context in
            try JSONResponse.make(try await service.submission(id: try context.pathID(), by: try context.requireUser()))
        }
        group.post("submissions/:id/classification") { _, context in
            let user = try context.requireUser()
            let id = try context.pathID()
            let view = try await service.classify(submission: id, by: user)
            // testing.yaml autoTestAfterClassification: the install test runs after the answer; its record and audit
            // event appear under GET /submissions/{id}/tests when it ends.
            if service.testingPolicy.autoTestAfterClassification {
                Task { [service] in _ = try? await service.testAfterClassification(submission: id, by: user) }
            }
            return try JSONResponse.make(view)
        }
    }

    /// Streams the body to a file inside the depot home, never holding it whole in memory; refuses it with 413
    /// as soon as it passes the intake limit.
    func submit(_ request: Request, _ context: DepotRequestContext) async throws -> Response {
        let user = try context.requireUser()
        try user.require(.submit)
        let query = request.uri.queryParameters
        let overrides = SubmissionOverrides(
            program: query["program"].map(String.init), version: query["version"].map(String.init),
            publisher: query["publisher"].map(String.init),
            platforms: query.getAll("platform").map { String($0) },
            costReference: query["cost-ref"].map(String.init), variant: query["variant"].map(String.init),
            name: query["name"].map(String.init), category: query["category"].map(String.init),
            description: query["description"].map(String.init), homepage: query["homepage"].map(String.init))
        let fileName = query["filename"].map(String.init).flatMap(Self.safeFileName) ?? "upload"
        let limit = service.maxInstallerBytes
        if let header = request.headers[.contentLength], let declared = Int64(header), declared > limit {
            throw APIError(status: .contentTooLarge, code: "inspect.too-large",
                "the installer is \(declared) bytes; the intake limit is \(limit) bytes (Policies/intake.yaml maxInstallerBytes)")
        }
        let temporary = service.uploadTemporaryFile()
        // The file exists already, created and locked by the blob store: open it, never replace it.
        guard let handle = try? FileHandle(forWritingTo: temporary) else {
            throw APIError(status: .internalServerError, code: "upload.store", "the server could not store the upload")
        }
        var received: Int64 = 0
        do {
            for try await buffer in request.body {
                received += Int64(buffer.readableBytes)
                if received > limit {
                    throw APIError(status: .contentTooLarge, code: "inspect.too-large",
                        "the installer is larger than the intake limit of \(limit) bytes (Policies/intake.yaml maxInstallerBytes)")
                }
                try buffer.withUnsafeReadableBytes { try handle.write(contentsOf: $0) }
            }
            try handle.close()
        } catch {
            try? handle.close()
            service.discardUpload(temporary)
            throw error
        }
        let result = try await service.submitUploaded(temporary: temporary, fileName: fileName, overrides: overrides, by: user)
        return try JSONResponse.make(result.submission, status: result.created ? .created : .ok)
    }

    /// Keeps only a plain file name from what the client sent (no folders, no control characters).
    static func safeFileName(_ raw: String) -> String? {
        let last = raw.split(separator: "/").last.map(String.init) ?? raw
        let cleaned = String(last.unicodeScalars.filter { $0.value >= 0x20 && $0 != "\\" }.prefix(200))
        return cleaned.isEmpty || cleaned == "." || cleaned == ".." ? nil : cleaned
    }
}
