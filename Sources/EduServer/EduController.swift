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

    /// Seats the install still holds (its quantity less uninstalls reported).
    let remaining: Int
    /// In the answer to an order (and a grant renewal) only: the packages to download, with the grant for a per-seat app.
    var downloads: [InstallDownload]?
    /// Per-seat apps only: the grant in the download URLs stops working at this time (or when the install is uninstalled).
    var grantExpires: String?

    init(_ install: EduInstall, remaining: Int? = nil) {
        self.remaining = remaining ?? install.quantity
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

/// One package a device downloads for an install; for an app that takes a seat, the URL carries the grant.
struct InstallDownload: Encodable {
    let sha256: String
    let size: Int64
    let platforms: [String]
    let installerType: String
    /// Relative to the edu server: `/edu/v1/packages/<sha256>[?grant=…]`.
    let url: String
}

/// The answer to an uninstall report.
struct UninstallAnswer: Encodable {
    let id: Int64
    let install: Int64
    let program: String
    let returned: Int
    let remaining: Int
    let reportedBy: String
    let reportedAt: String
}

/// An uninstall report: named devices of a device install, or a number of seats (all remaining when empty).
struct UninstallReport: Decodable {
    var devices: [String]?
    var quantity: Int?
}

/// The edu API: whitelists and packages for devices (no token), self-install orders for a school's token.
struct EduController {
    /// Largest accepted request body.
    static let maximumBodySize = 64 * 1024

    /// How long an install's download grant holds unless `depot edu serve --grant-minutes` says otherwise.
    static let defaultGrantLifetime: TimeInterval = 3600

    let publication: EduPublication
    let store: EduStore
    var grantLifetime: TimeInterval = EduController.defaultGrantLifetime
    let fileIO = FileIO()

    func addRoutes(to group: RouterGroup<EduRequestContext>) {
        group.get("packages/:sha256", use: package)
        group.post("schools/:id/installs", use: order)
        group.get("schools/:id/installs", use: installs)
        group.post("schools/:id/installs/:install/uninstall", use: uninstall)
        group.post("schools/:id/installs/:install/grant", use: renewGrant)
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
        if snapshot.seatPackages.contains(sha) { try requireGrant(request, sha: sha, snapshot: snapshot) }
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
        let uninstallsCounted = whitelist.uninstallsCollectedThrough[store.serverID] ?? 0
        let published = whitelist.payload.publishedSeats(for: order.program)
        let packages = listed.filter { $0.version == version }
        let needsSeat = packages.contains(where: \.needsSeat)
        let result = try store.record(install, countedThrough: countedThrough, uninstallsCountedThrough: uninstallsCounted,
                                      grantLifetime: needsSeat ? grantLifetime : nil) { taken in
            let decision = WhitelistPolicyCheck.canSelfInstall(
                school: whitelist.school, program: order.program, whitelist: whitelist.payload,
                seatsLeft: published.map { $0 - taken }, devices: quantity)
            return (decision.isAllowed, decision.reason)
        }
        switch result {
        case .success(let (stored, grant)):
            context.logger.info("self-install recorded", metadata: [
                "school": "\(id)", "program": "\(order.program)", "quantity": "\(quantity)", "by": "\(token.name)"])
            return EduResponse.json(Self.answer(stored, packages: packages, grant: grant), status: .created)
        case .failure(let refusal):
            throw refusal
        }
    }

    static func answer(_ install: EduInstall, packages: [WhitelistEntry], grant: (secret: String, expires: Date)?,
                       remaining: Int? = nil) -> InstallView {
        let query = grant.map { "?grant=\($0.secret)" } ?? ""
        var view = InstallView(install, remaining: remaining)
        view.downloads = packages.map {
            InstallDownload(sha256: $0.sha256.lowercased(), size: $0.size, platforms: $0.platforms, installerType: $0.installerType,
                            url: "/edu/v1/packages/\($0.sha256.lowercased())\(query)")
        }
        view.grantExpires = grant.map { Timestamp.string($0.expires) }
        return view
    }

    /// A per-seat package is served only against a current grant of an install of that very package.
    private func requireGrant(_ request: Request, sha: String, snapshot: EduSnapshot) throws {
        let apps = snapshot.whitelists.values.flatMap(\.payload.apps).filter { $0.sha256.lowercased() == sha }
        let label = apps.first.map { "\($0.program) \($0.version)" } ?? sha
        guard let secret = request.uri.queryParameters["grant"].map(String.init), !secret.isEmpty else {
            throw EduServerError(.forbidden, code: "edu.package.grant-required",
                "\(label) takes a licence seat, so it is downloaded only with the grant of an install order: the school admin "
                    + "orders it for this device (POST /edu/v1/schools/ID/installs) and the answer's download URL carries the grant")
        }
        switch try store.checkGrant(secret: secret) {
        case .refused(let reason):
            throw EduServerError(.forbidden, code: "edu.package.grant-refused", reason)
        case .valid(let install):
            let covered = snapshot.whitelists[install.school]?.payload.entries(for: install.program)
                .contains { $0.version == install.version && $0.sha256.lowercased() == sha } ?? false
            guard covered else {
                throw EduServerError(.forbidden, code: "edu.package.grant-refused",
                    "the grant is for \(install.program) \(install.version) at school '\(install.school)', not for \(label); "
                        + "use the download URL the install answer gave")
            }
        }
    }

    @Sendable func uninstall(_ request: Request, context: EduRequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        let token = try authorise(request, school: id)
        guard let installId = context.parameters.get("install").flatMap(Int64.init) else {
            throw EduServerError.invalidRequest("the install id must be a number, as GET /edu/v1/schools/\(id)/installs lists them")
        }
        let body = try await request.body.collect(upTo: Self.maximumBodySize)
        var report = UninstallReport()
        if body.readableBytes > 0 {
            do {
                report = try JSONDecoder().decode(UninstallReport.self, from: Data(buffer: body))
            } catch {
                throw EduServerError.invalidRequest("the body is not an uninstall report: send {\"devices\": [\"pc-1\"]}, "
                    + "{\"quantity\": 3} or nothing to return every seat of the install")
            }
        }
        let (uninstall, remaining) = try store.recordUninstall(install: installId, school: id, devices: report.devices,
                                                               quantity: report.quantity, reportedBy: token.name)
        let program = try store.installs(school: id).first { $0.id == installId }?.program ?? ""
        context.logger.info("uninstall recorded", metadata: [
            "school": "\(id)", "install": "\(installId)", "returned": "\(uninstall.quantity)", "by": "\(token.name)"])
        return EduResponse.json(UninstallAnswer(id: uninstall.id ?? 0, install: installId, program: program, returned: uninstall.quantity,
                                                remaining: remaining, reportedBy: uninstall.reportedBy, reportedAt: uninstall.reportedAt),
                                status: .created)
    }

    @Sendable func renewGrant(_ request: Request, context: EduRequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        _ = try authorise(request, school: id)
        guard let installId = context.parameters.get("install").flatMap(Int64.init) else {
            throw EduServerError.invalidRequest("the install id must be a number, as GET /edu/v1/schools/\(id)/installs lists them")
        }
        guard let install = try store.installs(school: id).first(where: { $0.id == installId }) else {
            throw EduServerError(.notFound, code: "edu.install.unknown",
                                 "school '\(id)' has no install \(installId); GET /edu/v1/schools/\(id)/installs lists them")
        }
        let packages = publication.current().whitelists[id]?.payload.entries(for: install.program)
            .filter { $0.version == install.version } ?? []
        let remaining = try store.remainingSeats(installs: [installId])[installId]
        guard packages.contains(where: \.needsSeat) else {
            return EduResponse.json(Self.answer(install, packages: packages, grant: nil, remaining: remaining))
        }
        let grant = try store.renewGrant(install: installId, school: id, lifetime: grantLifetime)
        return EduResponse.json(Self.answer(install, packages: packages, grant: grant, remaining: remaining))
    }

    @Sendable func installs(_ request: Request, context: EduRequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        _ = try authorise(request, school: id)
        guard publication.current().whitelists[id] != nil else { throw EduServerError.unknownSchool(id) }
        let installs = try store.installs(school: id)
        let remaining = try store.remainingSeats(installs: installs.compactMap(\.id))
        return EduResponse.json(InstallList(school: id, installs: installs.map { InstallView($0, remaining: remaining[$0.id ?? 0]) }))
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
