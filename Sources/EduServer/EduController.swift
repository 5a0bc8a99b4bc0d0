import DepotModel
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Whitelist

/// A self-install order as a school admin sends it: devices by name, or a class as one group.
public struct InstallOrder: Sendable, Codable, Equatable {
    public struct Group: Sendable, Codable, Equatable {
        public var name: String
        public var size: Int
    }
    public var program: String
    /// A listed version; the newest listed one when absent.
    public var version: String?
    public var devices: [String]?
    public var group: Group?

    /// The seats the order takes, or the reason it is malformed.
    func quantity() throws -> Int {
        guard (1...128).contains(program.utf8.count) else {
            throw EduServerError.invalidRequest("\"program\" must be a program id of 1–128 characters")
        }
        switch (devices, group) {
        case (let devices?, nil):
            guard (1...10_000).contains(devices.count) else {
                throw EduServerError.invalidRequest("\"devices\" must list 1–10000 device names, got \(devices.count)")
            }
            if let bad = devices.first(where: { !(1...128).contains($0.utf8.count) }) {
                throw EduServerError.invalidRequest("device name '\(bad.prefix(40))' must be 1–128 characters")
            }
            guard Set(devices).count == devices.count else {
                throw EduServerError.invalidRequest("\"devices\" names a device twice; list each device once")
            }
            return devices.count
        case (nil, let group?):
            guard (1...64).contains(group.name.utf8.count), (1...10_000).contains(group.size) else {
                throw EduServerError.invalidRequest("\"group\" needs a name of 1–64 characters and a size of 1–10000")
            }
            return group.size
        default:
            throw EduServerError.invalidRequest("send either \"devices\": [\"pc-1\", …] or \"group\": {\"name\": \"7b\", \"size\": 28}, not both or neither")
        }
    }
}

/// The installs a school's token may list.
struct InstallList: Encodable {
    let school: String
    let installs: [InstallView]
}

/// An install as the API shows it.
struct InstallView: Encodable {
    let id: Int64
    let school: String
    let program: String
    let version: String
    let devices: [String]
    let group: InstallOrder.Group?
    let quantity: Int
    let requestedBy: String
    let requestedAt: String

    init(_ install: EduInstall) {
        id = install.id ?? 0
        school = install.school
        program = install.program
        version = install.version
        devices = install.deviceList
        group = install.groupName.map { InstallOrder.Group(name: $0, size: install.groupSize ?? 0) }
        quantity = install.quantity
        requestedBy = install.requestedBy
        requestedAt = install.requestedAt
    }
}

/// The edu API: whitelists and packages for devices (no token), self-install orders for a school's token.
struct EduController {
    /// Largest accepted request body.
    static let maximumBodySize = 64 * 1024

    let publication: EduPublication
    let store: EduStore
    let fileIO = FileIO()

    func addRoutes(to group: RouterGroup<EduRequestContext>) {
        group.get("packages/:sha256", use: package)
        group.post("schools/:id/installs", use: order)
        group.get("schools/:id/installs", use: installs)
    }

    // Hot path: everything was computed at load, so a request is a lookup and a header comparison.
    @Sendable func whitelist(_ request: Request, context: EduRequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        guard let whitelist = publication.current().whitelists[id] else {
            let error = EduServerError.unknownSchool(id)
            return EduResponse.error(status: .notFound, code: error.code, error.message)
        }
        var headers = HTTPFields()
        headers[.eTag] = whitelist.etag
        headers[.vary] = "Accept-Encoding"
        headers[.cacheControl] = "no-cache"
        if let condition = request.headers[.ifNoneMatch], condition == "*" || condition.contains(whitelist.sha256) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = "application/json"
        if let gzipped = whitelist.gzipped, let accepted = request.headers[.acceptEncoding], accepted.contains("gzip") {
            headers[.contentEncoding] = "gzip"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: gzipped))
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: whitelist.bytes))
    }

    @Sendable func package(_ request: Request, context: EduRequestContext) async throws -> Response {
        let text = context.parameters.get("sha256") ?? ""
        let sha = text.lowercased()
        guard sha.utf8.count == 64, sha.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            throw EduServerError.invalidRequest("'\(text.prefix(80))' is not a SHA-256; packages are addressed by 64 hex digits")
        }
        let snapshot = publication.current()
        guard let size = snapshot.packages[sha] else {
            throw EduServerError(.notFound, code: "edu.package.unknown",
                                 "no whitelist served here lists a package with SHA-256 \(sha)")
        }
        let path = publication.loader.directory.appendingPathComponent(EduLayout.package(sha)).path
        var headers = HTTPFields()
        headers[.contentType] = "application/octet-stream"
        headers[.acceptRanges] = "bytes"
        headers[.eTag] = "\"\(sha)\""
        if size == 0 {
            headers[.contentLength] = "0"
            return Response(status: .ok, headers: headers)
        }
        if let rangeHeader = request.headers[.range] {
            switch ByteRange.parse(rangeHeader, size: size) {
            case .ignore:
                break
            case .unsatisfiable:
                headers[.contentRange] = "bytes */\(size)"
                return EduResponse.error(status: .rangeNotSatisfiable, code: "edu.package.range",
                                         "range '\(rangeHeader.prefix(80))' is not within the package's \(size) bytes")
                    .withHeaders(headers, only: [.contentRange, .acceptRanges])
            case .range(let range):
                headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(size)"
                let body = try await fileIO.loadFile(path: path, range: Int(range.lowerBound)...Int(range.upperBound),
                                                     context: context)
                return Response(status: .partialContent, headers: headers, body: body)
            }
        }
        let body = try await fileIO.loadFile(path: path, context: context)
        return Response(status: .ok, headers: headers, body: body)
    }

    @Sendable func order(_ request: Request, context: EduRequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        let token = try authorise(request, school: id)
        if let length = request.headers[.contentLength].flatMap(Int.init), length > Self.maximumBodySize {
            throw NIOTooManyBytesError(maxBytes: Self.maximumBodySize)
        }
        let body = try await request.body.collect(upTo: Self.maximumBodySize)
        let order: InstallOrder
        do {
            order = try JSONDecoder().decode(InstallOrder.self, from: Data(buffer: body))
        } catch {
            throw EduServerError.invalidRequest("the body is not an install order: send {\"program\": \"…\", \"devices\": [\"pc-1\"]} "
                + "or {\"program\": \"…\", \"group\": {\"name\": \"7b\", \"size\": 28}}")
        }
        let quantity = try order.quantity()
        guard let whitelist = publication.current().whitelists[id] else { throw EduServerError.unknownSchool(id) }
        let listed = whitelist.payload.entries(for: order.program)
        let version: String
        if let wanted = order.version {
            guard listed.contains(where: { $0.version == wanted }) else {
                throw EduServerError(.refused, code: "edu.install.refused",
                                     "'\(order.program)' \(wanted) is not on the whitelist of school '\(id)'"
                                         + (listed.isEmpty ? "" : "; listed: \(listed.map(\.version).joined(separator: ", "))"))
            }
            version = wanted
        } else {
            version = listed.last?.version ?? ""
        }
        let devicesJSON = String(decoding: try JSONEncoder().encode(order.devices ?? []), as: UTF8.self)
        let install = EduInstall(id: nil, school: id, program: order.program, version: version, devices: devicesJSON,
                                 groupName: order.group?.name, groupSize: order.group?.size, quantity: quantity,
                                 requestedBy: token.name, requestedAt: Timestamp.string(Date()))
        let countedThrough = whitelist.collectedThrough[store.serverID] ?? 0
        let published = whitelist.payload.publishedSeats(for: order.program)
        let result = try store.record(install, countedThrough: countedThrough) { taken in
            let decision = WhitelistPolicyCheck.canSelfInstall(
                school: whitelist.school, program: order.program, whitelist: whitelist.payload,
                seatsLeft: published.map { $0 - taken }, devices: quantity)
            return (decision.isAllowed, decision.reason)
        }
        switch result {
        case .success(let stored):
            context.logger.info("self-install recorded", metadata: [
                "school": "\(id)", "program": "\(order.program)", "quantity": "\(quantity)", "by": "\(token.name)"])
            return EduResponse.json(InstallView(stored), status: .created)
        case .failure(let refusal):
            throw refusal
        }
    }

    @Sendable func installs(_ request: Request, context: EduRequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        _ = try authorise(request, school: id)
        guard publication.current().whitelists[id] != nil else { throw EduServerError.unknownSchool(id) }
        return EduResponse.json(InstallList(school: id, installs: try store.installs(school: id).map(InstallView.init)))
    }

    /// The request's token, which must belong to `school`: none or unknown → 401, another school's → 403.
    private func authorise(_ request: Request, school: String) throws -> EduToken {
        guard let header = request.headers[.authorization] else { throw EduServerError.missingToken() }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw EduServerError(.unauthenticated, code: "edu.auth.scheme", "the Authorization header must read 'Bearer TOKEN'")
        }
        guard let token = try store.token(secret: parts[1].trimmingCharacters(in: .whitespaces)) else {
            throw EduServerError(.unauthenticated, code: "edu.auth.unknown",
                                 "the token is not known to this edu server; ask for one with 'depot edu tokens add'")
        }
        guard token.school == school else {
            throw EduServerError(.forbidden, code: "edu.auth.school",
                                 "token '\(token.name)' belongs to school '\(token.school)' and cannot act for school '\(school)'")
        }
        return token
    }
}

/// A single `Range: bytes=…` request (RFC 9110 §14.1.2); several ranges or another unit are served whole.
enum ByteRange: Equatable {
    case ignore
    case unsatisfiable
    case range(ClosedRange<Int64>)

    static func parse(_ header: String, size: Int64) -> ByteRange {
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard trimmed.lowercased().hasPrefix("bytes=") else { return .ignore }
        let spec = trimmed.dropFirst(6).trimmingCharacters(in: .whitespaces)
        if spec.contains(",") { return .ignore }
        let parts = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return .unsatisfiable }
        let first = parts[0].trimmingCharacters(in: .whitespaces), last = parts[1].trimmingCharacters(in: .whitespaces)
        if first.isEmpty {
            guard let suffix = Int64(last), suffix > 0 else { return .unsatisfiable }
            return .range(max(0, size - suffix)...(size - 1))
        }
        guard let start = Int64(first), start >= 0, start < size else { return .unsatisfiable }
        if last.isEmpty { return .range(start...(size - 1)) }
        guard let end = Int64(last), end >= start else { return .unsatisfiable }
        return .range(start...min(end, size - 1))
    }
}

extension Response {
    /// Copies the named headers over (for error bodies that must still carry, say, Content-Range).
    func withHeaders(_ fields: HTTPFields, only names: [HTTPField.Name]) -> Response {
        var response = self
        for name in names { if let value = fields[name] { response.headers[name] = value } }
        return response
    }
}
