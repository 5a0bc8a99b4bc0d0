import DepotCrypto
import DepotModel
import Foundation
import Signing
import Whitelist
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// What the agent remembers between runs, beside the last good whitelist (`STATE/whitelist.json`).
public struct AgentState: Sendable, Codable, Equatable {
    /// The edu server's base URL, as given to `sync`.
    public var url: String
    public var school: String
    /// The version of the last accepted whitelist; a lower one is refused as a rollback.
    public var version: Int
    public var etag: String?
    public var syncedAt: String
}

/// What the device may install, as `sync` prints it.
public struct AgentApp: Sendable, Codable, Equatable {
    public var program: String
    public var name: String
    public var version: String
    public var platforms: [String]
    public var delivery: String
    public var installerType: String
}

/// The outcome of a sync.
public struct AgentSyncResult: Sendable, Codable, Equatable {
    public var school: String
    public var version: Int
    public var expires: String
    /// False when the server answered 304 and the kept copy is still current.
    public var changed: Bool
    public var apps: [AgentApp]
}

/// The outcome of an install.
public struct AgentInstallResult: Sendable, Codable, Equatable {
    public var program: String
    public var version: String
    public var file: String
    public var size: Int64
    public var sha256: String
    /// The silent install command for Windows and macOS installers (printed, not run).
    public var command: String?
}

/// The reference device client: fetches a school's signed whitelist, accepts it only when it chains to the pinned
/// root with the edu role, is current and not older than the last accepted one, and installs from it.
/// Any failure leaves the last good copy untouched.
public struct EduAgent: Sendable {
    public let stateDirectory: URL
    /// Per request; a device on a slow school network still gets an answer in bounded time.
    public var timeout: TimeInterval = 30

    public init(stateDirectory: URL) {
        self.stateDirectory = stateDirectory
    }

    var stateURL: URL { stateDirectory.appendingPathComponent("agent.json") }
    var whitelistURL: URL { stateDirectory.appendingPathComponent("whitelist.json") }

    /// The remembered state, or nil before the first good sync.
    public func state() throws -> AgentState? {
        guard let data = try? Data(contentsOf: stateURL) else { return nil }
        do {
            return try JSONDecoder().decode(AgentState.self, from: data)
        } catch {
            throw EduServerError(.internal, code: "edu.agent.state",
                                 "\(stateURL.path) is damaged (\(error)); remove it and sync again")
        }
    }

    /// Fetches and checks the whitelist of `school` from `baseURL`; on success it becomes the last good copy.
    public func sync(baseURL: String, school: String, root: Certificate, now: Date = Date()) async throws -> AgentSyncResult {
        guard EduLayout.isValidID(school) else {
            throw EduServerError(.invalidInput, code: "edu.agent.school", "'\(school)' is not a school id (lowercase letters, digits, '-')")
        }
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        guard let url = URL(string: "\(base)/edu/v1/schools/\(school)/whitelist"), url.scheme == "http" || url.scheme == "https" else {
            throw EduServerError(.invalidInput, code: "edu.agent.url", "'\(baseURL)' is not an http(s) URL of an edu server")
        }
        let previous = try state()
        let sameSchool = previous?.school == school
        let kept = sameSchool ? (try? Data(contentsOf: whitelistURL)) : nil
        let keptNote = previous.map { sameSchool ? "; the last good whitelist (version \($0.version)) is kept" : "" } ?? ""

        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        if kept != nil, let etag = previous?.etag { request.setValue(etag, forHTTPHeaderField: "If-None-Match") }
        let (body, response) = try await fetch(request, what: "the whitelist of school '\(school)'", note: keptNote)

        let bytes: [UInt8]
        let changed: Bool
        switch response.statusCode {
        case 200:
            bytes = Array(body)
            changed = true
        case 304 where kept != nil:
            bytes = Array(kept!)
            changed = false
        default:
            throw EduServerError(.refused, code: "edu.agent.http",
                                 "\(url.absoluteString) answered \(response.statusCode)\(Self.serverMessage(body))\(keptNote)")
        }
        let source = "the whitelist of school '\(school)' from \(base)"
        let document: VerifiedDocument
        let payload: WhitelistPayload
        do {
            document = try SignedDocument.verify(data: bytes, root: root, now: now, expectedType: EduLayout.whitelistType,
                                                 role: .edu, lastSeenVersion: sameSchool ? previous?.version : nil,
                                                 source: source)
            payload = try document.payload(as: WhitelistPayload.self)
        } catch let error as any DepotError {
            throw EduServerError(.refused, code: "edu.agent.refused", "refused \(error.message)\(keptNote)")
        } catch {
            throw EduServerError(.refused, code: "edu.agent.refused", "refused \(source): not a whitelist (\(error))\(keptNote)")
        }
        guard payload.format == WhitelistPayload.currentFormat, payload.kind == .school, payload.school == school else {
            throw EduServerError(.refused, code: "edu.agent.refused",
                                 "refused \(source): it is the list of '\(payload.school ?? payload.subject)' in format "
                                     + "\(payload.format), not school '\(school)' in format \(WhitelistPayload.currentFormat)\(keptNote)")
        }
        if changed {
            try FileManager.default.createDirectory(at: stateDirectory, withIntermediateDirectories: true)
            try Data(bytes).write(to: whitelistURL, options: .atomic)
            let etag = response.value(forHTTPHeaderField: "ETag")
            let state = AgentState(url: base, school: school, version: document.version, etag: etag,
                                   syncedAt: Timestamp.string(now))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try encoder.encode(state).write(to: stateURL, options: .atomic)
        }
        return AgentSyncResult(school: school, version: document.version, expires: Timestamp.string(document.expires),
                               changed: changed, apps: payload.apps.map {
                                   AgentApp(program: $0.program, name: $0.name, version: $0.version, platforms: $0.platforms,
                                            delivery: $0.delivery.rawValue, installerType: $0.installerType)
                               })
    }

    /// Downloads the newest listed version of `program` from the last good whitelist into `target`, checking its
    /// length and SHA-256 as it streams; a mismatch leaves nothing behind.
    ///
    /// An app that takes a licence seat downloads only with an install order's grant: `grant` is the download URL the
    /// order answered with (or just its `grant=` value); the URL's package, when it names one, is the one installed.
    public func install(program: String, target: URL, grant: String? = nil) async throws -> AgentInstallResult {
        guard let state = try state(), let data = try? Data(contentsOf: whitelistURL) else {
            throw EduServerError(.invalidInput, code: "edu.agent.no-whitelist",
                                 "\(stateDirectory.path) holds no whitelist yet; run 'depot agent sync' first")
        }
        let payload: WhitelistPayload
        do {
            guard let signed = try JSONValue.parse(Array(data)).objectValue?["signed"] else {
                throw EduServerError(.internal, code: "edu.agent.state", "no \"signed\" member")
            }
            payload = try signed.decode(WhitelistPayload.self)
        } catch {
            throw EduServerError(.internal, code: "edu.agent.state",
                                 "\(whitelistURL.path) is damaged (\(error)); run 'depot agent sync' again")
        }
        let (grantSecret, grantPackage) = Self.parseGrant(grant)
        let listed = payload.entries(for: program)
        guard let entry = grantPackage.flatMap({ sha in listed.last { $0.sha256.lowercased() == sha } }) ?? listed.last else {
            throw EduServerError(.notFound, code: "edu.agent.not-listed",
                                 "'\(program)' is not on the whitelist of school '\(state.school)' (version \(state.version)); "
                                     + "'depot agent sync' lists what this device may install")
        }
        if entry.needsSeat && grantSecret == nil {
            throw EduServerError(.refused, code: "edu.agent.grant-required",
                                 "'\(program)' takes a licence seat, so it installs only with an install order: ask the school admin to order it "
                                     + "for this device, then run 'depot agent install \(program) --grant URL' with the download URL of the order")
        }
        let sha = entry.sha256.lowercased()
        let query = grantSecret.map { "?grant=\($0)" } ?? ""
        guard let url = URL(string: "\(state.url)/edu/v1/packages/\(sha)\(query)") else {
            throw EduServerError(.invalidInput, code: "edu.agent.url", "'\(state.url)' is not a usable server URL; sync again")
        }
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        let name = "\(Self.safeName(entry.program))-\(Self.safeName(entry.version)).\(Self.fileExtension(entry.installerType))"
        let final = target.appendingPathComponent(name)
        let partial = target.appendingPathComponent(".\(name).partial-\(UUID().uuidString.prefix(8))")
        let download = Download(destination: partial, limit: entry.size)
        do {
            try await download.run(URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout))
            let (size, digest) = download.result()
            guard size == entry.size, digest == sha else {
                throw EduServerError(.refused, code: "edu.agent.package-mismatch",
                                     "\(name) from \(url.absoluteString) does not match the whitelist: \(size) bytes with SHA-256 \(digest), "
                                         + "expected \(entry.size) bytes with \(sha); nothing was installed")
            }
            if FileManager.default.fileExists(atPath: final.path) { try FileManager.default.removeItem(at: final) }
            try FileManager.default.moveItem(at: partial, to: final)
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw error
        }
        return AgentInstallResult(program: entry.program, version: entry.version, file: final.path, size: entry.size,
                                  sha256: sha, command: Self.silentCommand(entry, file: final.path))
    }

    /// The grant's secret and, when `text` is a download URL, the package it names.
    static func parseGrant(_ text: String?) -> (secret: String?, package: String?) {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return (nil, nil) }
        guard text.contains("grant="), let components = URLComponents(string: text) else { return (text, nil) }
        let secret = components.queryItems?.first { $0.name == "grant" }?.value
        let parts = components.path.split(separator: "/")
        let package = parts.count >= 2 && parts[parts.count - 2] == "packages" ? String(parts.last!).lowercased() : nil
        return (secret, package)
    }

    /// The command a Windows or macOS device would run to install without questions; nil on Linux (placed only).
    static func silentCommand(_ entry: WhitelistEntry, file: String) -> String? {
        let windows: Set = ["msi", "msix", "exe", "nsis", "inno", "burn", "installshield"]
        switch entry.installerType {
        case "msi": return "msiexec /i \"\(file)\" \(entry.silentSwitch ?? "/qn")"
        case "msix": return "powershell -NoProfile -Command Add-AppxPackage -Path \"\(file)\""
        case let type where windows.contains(type):
            return "\"\(file)\"" + (entry.silentSwitch.map { " \($0)" } ?? "")
        case "pkg": return "installer -pkg \"\(file)\" -target /"
        case "dmg": return "hdiutil attach -nobrowse \"\(file)\" && installer -pkg /Volumes/…/*.pkg -target /"
        default: return nil
        }
    }

    static func fileExtension(_ installerType: String) -> String {
        switch installerType {
        case "exe", "nsis", "inno", "burn", "installshield": "exe"
        case "appimage": "AppImage"
        case let other: safeName(other)
        }
    }

    /// Keeps a name inside the target directory whatever the whitelist says.
    static func safeName(_ text: String) -> String {
        let cleaned = String(text.map { $0.isLetter || $0.isNumber || "._+~".contains($0) ? $0 : "-" }.prefix(100))
        return cleaned.hasPrefix(".") ? "_" + cleaned.dropFirst() : (cleaned.isEmpty ? "_" : cleaned)
    }

    static func serverMessage(_ body: Data) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
              let error = object["error"] as? [String: Any], let message = error["message"] as? String else { return "" }
        return ": \(message)"
    }

    private func fetch(_ request: URLRequest, what: String, note: String) async throws -> (Data, HTTPURLResponse) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout * 4
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let url = request.url?.absoluteString ?? ""
        return try await withCheckedThrowingContinuation { continuation in
            session.dataTask(with: request) { data, response, error in
                if let error {
                    continuation.resume(throwing: EduServerError(.refused, code: "edu.agent.unreachable",
                        "cannot fetch \(what) from \(url): \(error.localizedDescription)\(note)"))
                } else if let http = response as? HTTPURLResponse {
                    continuation.resume(returning: (data ?? Data(), http))
                } else {
                    continuation.resume(throwing: EduServerError(.refused, code: "edu.agent.unreachable",
                        "\(url) gave no HTTP answer\(note)"))
                }
            }.resume()
        }
    }
}

/// One streaming download: each chunk is hashed and written as it arrives, and the transfer stops as soon as it
/// exceeds the expected length.
final class Download: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    // Mutable fields are touched only from the session's serial delegate queue, then read after completion.
    let destination: URL
    let limit: Int64
    private let hasher = SHA256Hasher()
    private var handle: FileHandle?
    private var count: Int64 = 0
    private var failure: EduServerError?
    private var continuation: CheckedContinuation<Void, any Error>?

    init(destination: URL, limit: Int64) {
        self.destination = destination
        self.limit = limit
    }

    func run(_ request: URLRequest) async throws {
        guard FileManager.default.createFile(atPath: destination.path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = try? FileHandle(forWritingTo: destination)
        else {
            throw EduServerError(.internal, code: "edu.agent.target", "cannot write \(destination.path); check --target")
        }
        self.handle = handle
        defer { try? handle.close() }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.timeoutIntervalForRequest = request.timeoutInterval
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        let session = URLSession(configuration: configuration, delegate: self, delegateQueue: queue)
        defer { session.finishTasksAndInvalidate() }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            queue.addOperation {
                self.continuation = continuation
                session.dataTask(with: request).resume()
            }
        }
    }

    func result() -> (Int64, String) { (count, hasher.finalizeHex()) }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        if status != 200 {
            failure = EduServerError(.refused, code: "edu.agent.http",
                                     "\(response.url?.absoluteString ?? "the package") answered \(status); nothing was installed")
            completionHandler(.cancel)
            return
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard failure == nil else { return }
        count += Int64(data.count)
        if count > limit {
            failure = EduServerError(.refused, code: "edu.agent.package-mismatch",
                                     "\(destination.lastPathComponent): the server sent more than the \(limit) bytes the whitelist lists; nothing was installed")
            dataTask.cancel()
            return
        }
        data.withUnsafeBytes { hasher.update($0) }
        handle?.write(data)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        guard let continuation else { return }
        self.continuation = nil
        if let failure {
            continuation.resume(throwing: failure)
        } else if let error {
            continuation.resume(throwing: EduServerError(.refused, code: "edu.agent.unreachable",
                "cannot download \(task.originalRequest?.url?.absoluteString ?? "the package"): \(error.localizedDescription)"))
        } else {
            continuation.resume()
        }
    }
}
