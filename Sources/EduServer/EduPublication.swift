import DepotCrypto
import DepotModel
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import Signing
import Whitelist

/// One school's verified whitelist, with everything a response needs computed once at load.
public struct PublishedWhitelist: Sendable {
    public let school: School
    public let version: Int
    public let expires: Date
    public let payload: WhitelistPayload
    /// `{"<edu server id>": N}`: installs up to N of that server are already in the published seat counts.
    public let collectedThrough: [String: Int64]
    /// Per edu server id: uninstalls with id ≤ N are already counted in the apps' `seatsAvailable` (seats returned).
    public let uninstallsCollectedThrough: [String: Int64]
    /// The SHA-256 of the file's bytes, lowercase hex.
    public let sha256: String
    /// `"<sha256>"`, the strong validator of the file.
    public let etag: String
    let bytes: ByteBuffer
    let gzipped: ByteBuffer?
    let stamp: FileStamp
}

extension PublishedWhitelist {
    /// The same whitelist under `stamp` (a refused newer file's, so it is not read again until it changes).
    func stamped(_ stamp: FileStamp) -> PublishedWhitelist {
        PublishedWhitelist(school: school, version: version, expires: expires, payload: payload,
                           collectedThrough: collectedThrough, uninstallsCollectedThrough: uninstallsCollectedThrough,
                           sha256: sha256, etag: etag, bytes: bytes,
                           gzipped: gzipped, stamp: stamp)
    }

    /// The same whitelist under the school's current name and tier from a newer index.
    func renamed(_ school: School) -> PublishedWhitelist {
        PublishedWhitelist(school: school, version: version, expires: expires, payload: payload,
                           collectedThrough: collectedThrough, uninstallsCollectedThrough: uninstallsCollectedThrough,
                           sha256: sha256, etag: etag, bytes: bytes,
                           gzipped: gzipped, stamp: stamp)
    }
}

/// Everything the server answers from: the verified index and whitelists, and the packages they list.
public struct EduSnapshot: Sendable {
    public let indexVersion: Int
    public let whitelists: [String: PublishedWhitelist]
    /// sha256 → size of every package some school's whitelist lists.
    public let packages: [String: Int64]
    /// The packages of apps that take a seat: served only against an install's grant.
    public let seatPackages: Set<String>
    let indexStamp: FileStamp
}

extension EduSnapshot {
    func withIndexStamp(_ stamp: FileStamp) -> EduSnapshot {
        EduSnapshot(indexVersion: indexVersion, whitelists: whitelists, packages: packages, seatPackages: seatPackages,
                    indexStamp: stamp)
    }
}

/// What tells a changed file from an unchanged one without reading it.
struct FileStamp: Sendable, Equatable {
    let modified: Date
    let size: Int64

    init?(_ url: URL) {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
              let modified = attributes[.modificationDate] as? Date, let size = attributes[.size] as? NSNumber
        else { return nil }
        self.modified = modified
        self.size = size.int64Value
    }
}

/// Reads and verifies a published edu directory (`EduLayout`): signatures to the root, the edu role, the type,
/// expiry, and versions never lower than those already served.
public struct EduPublicationLoader: Sendable {
    public let directory: URL
    public let root: Certificate
    /// Upper bound on a signed file; a whitelist of thousands of apps is a few MB.
    static let maximumDocumentSize = 64 << 20

    public init(directory: URL, root: Certificate) {
        self.directory = directory
        self.root = root
    }

    /// Loads everything; any bad file throws, naming it.
    public func load(now: Date) throws -> EduSnapshot {
        try load(now: now, previous: nil, logger: nil)
    }

    /// Loads everything; with `previous`, a school whose new file fails keeps its previous whitelist (logged), and
    /// unchanged files are not read again.
    func load(now: Date, previous: EduSnapshot?, logger: Logger?) throws -> EduSnapshot {
        let indexURL = directory.appendingPathComponent(EduLayout.indexFile)
        guard let indexStamp = FileStamp(indexURL) else {
            throw EduServerError(.invalidInput, code: "edu.serve.index-missing",
                                 "\(indexURL.path) is missing; point --from at a directory written by 'depot edu publish'")
        }
        let indexDocument = try verify(indexURL, type: EduLayout.indexType, lastSeen: previous?.indexVersion, now: now)
        let index: EduIndex
        do {
            index = try indexDocument.payload(as: EduIndex.self)
        } catch {
            throw EduServerError(.invalidInput, code: "edu.serve.index-invalid",
                                 "\(indexURL.path) is signed but not an edu index (\(error)); publish it again")
        }
        var whitelists: [String: PublishedWhitelist] = [:]
        for entry in index.schools {
            guard EduLayout.isValidID(entry.id) else {
                throw EduServerError(.invalidInput, code: "edu.serve.index-invalid",
                                     "\(indexURL.path) lists school id '\(entry.id)', which is not a valid id")
            }
            let school = School(id: entry.id, name: entry.name, tier: entry.tier)
            let old = previous?.whitelists[entry.id]
            let url = directory.appendingPathComponent(EduLayout.schoolWhitelist(entry.id))
            if let old, let stamp = FileStamp(url), stamp == old.stamp, now < old.expires {
                whitelists[entry.id] = old.renamed(school)
                continue
            }
            do {
                whitelists[entry.id] = try loadWhitelist(url, school: school, lastSeen: old?.version, now: now)
            } catch let error as any DepotError {
                guard let old, let logger else { throw error }
                logger.error("keeping the last good whitelist", metadata: [
                    "school": "\(entry.id)", "version": "\(old.version)", "reason": "\(error.message)"])
                // Remember the refused file's stamp so it is not tried (and logged) again until it changes.
                whitelists[entry.id] = old.stamped(FileStamp(url) ?? old.stamp)
            }
        }
        var packages: [String: Int64] = [:]
        var seatPackages: Set<String> = []
        for whitelist in whitelists.values {
            for app in whitelist.payload.apps {
                packages[app.sha256.lowercased()] = app.size
                if app.needsSeat { seatPackages.insert(app.sha256.lowercased()) }
            }
        }
        return EduSnapshot(indexVersion: indexDocument.version, whitelists: whitelists, packages: packages,
                           seatPackages: seatPackages, indexStamp: indexStamp)
    }

    /// True when the index or a listed whitelist changed on disk since `snapshot` was loaded.
    func hasChanged(since snapshot: EduSnapshot) -> Bool {
        if FileStamp(directory.appendingPathComponent(EduLayout.indexFile)) != snapshot.indexStamp { return true }
        for (id, whitelist) in snapshot.whitelists
        where FileStamp(directory.appendingPathComponent(EduLayout.schoolWhitelist(id))) != whitelist.stamp {
            return true
        }
        return false
    }

    func loadWhitelist(_ url: URL, school: School, lastSeen: Int?, now: Date) throws -> PublishedWhitelist {
        guard let stamp = FileStamp(url) else {
            throw EduServerError(.invalidInput, code: "edu.serve.whitelist-missing",
                                 "\(url.path) is missing although index.json lists school '\(school.id)'; publish again")
        }
        let bytes = try read(url)
        let document = try SignedDocument.verify(data: bytes, root: root, now: now, expectedType: EduLayout.whitelistType,
                                                 role: .edu, lastSeenVersion: lastSeen, source: url.path)
        let payload: WhitelistPayload
        do {
            payload = try document.payload(as: WhitelistPayload.self)
        } catch {
            throw EduServerError(.invalidInput, code: "edu.serve.whitelist-invalid",
                                 "\(url.path) is signed but not a whitelist this server understands (\(error))")
        }
        guard payload.format == WhitelistPayload.currentFormat else {
            throw EduServerError(.invalidInput, code: "edu.serve.whitelist-format",
                                 "\(url.path) has format \(payload.format); this server reads format \(WhitelistPayload.currentFormat)")
        }
        guard payload.kind == .school, payload.school == school.id else {
            throw EduServerError(.invalidInput, code: "edu.serve.whitelist-school",
                                 "\(url.path) is the whitelist of '\(payload.school ?? payload.subject)', not of school '\(school.id)'")
        }
        var collected: [String: Int64] = [:]
        for (server, value) in document.signed["collectedThrough"]?.objectValue ?? [:] {
            if let n = value.integerValue { collected[server] = n }
        }
        var uninstalls: [String: Int64] = [:]
        for (server, value) in document.signed["uninstallsCollectedThrough"]?.objectValue ?? [:] {
            if let n = value.integerValue { uninstalls[server] = n }
        }
        let sha = SHA256Hasher.hex(bytes)
        return PublishedWhitelist(
            school: school, version: document.version, expires: document.expires, payload: payload,
            collectedThrough: collected, uninstallsCollectedThrough: uninstalls, sha256: sha, etag: "\"\(sha)\"", bytes: ByteBuffer(bytes: bytes),
            gzipped: Gzip.compress(bytes).map { ByteBuffer(bytes: $0) }, stamp: stamp)
    }

    private func verify(_ url: URL, type: String, lastSeen: Int?, now: Date) throws -> VerifiedDocument {
        try SignedDocument.verify(data: try read(url), root: root, now: now, expectedType: type, role: .edu,
                                  lastSeenVersion: lastSeen, source: url.path)
    }

    private func read(_ url: URL) throws -> [UInt8] {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw EduServerError(.invalidInput, code: "edu.serve.unreadable", "cannot read \(url.path): \(error.localizedDescription)")
        }
        guard data.count <= Self.maximumDocumentSize else {
            throw EduServerError(.tooLarge, code: "edu.serve.too-large",
                                 "\(url.path) is \(data.count) bytes; a signed edu document may be at most \(Self.maximumDocumentSize)")
        }
        return Array(data)
    }
}

/// The snapshot in force, swapped whole when the published files change; requests never wait for a reload.
public final class EduPublication: Sendable {
    public let loader: EduPublicationLoader
    let logger: Logger
    private let state: NIOLockedValueBox<State>

    struct State {
        var snapshot: EduSnapshot
        var lastCheck: ContinuousClock.Instant
        var reloading = false
    }

    /// Loads the directory once; fails when any published file does not verify.
    public init(loader: EduPublicationLoader, logger: Logger) throws {
        self.loader = loader
        self.logger = logger
        state = NIOLockedValueBox(State(snapshot: try loader.load(now: Date()), lastCheck: .now))
    }

    /// The snapshot to answer from; at most once a second, starts a background check for changed files.
    public func current() -> EduSnapshot {
        let now = ContinuousClock.now
        let (snapshot, check) = state.withLockedValue { state -> (EduSnapshot, Bool) in
            guard !state.reloading, now - state.lastCheck >= .seconds(1) else { return (state.snapshot, false) }
            state.lastCheck = now
            state.reloading = true
            return (state.snapshot, true)
        }
        if check { Task.detached { self.reloadIfChanged() } }
        return snapshot
    }

    /// Reloads when a file changed; a bad index keeps the whole last good snapshot, a bad whitelist keeps that school's.
    public func reloadIfChanged() {
        let old = state.withLockedValue { $0.snapshot }
        defer { state.withLockedValue { $0.reloading = false } }
        guard loader.hasChanged(since: old) else { return }
        do {
            let fresh = try loader.load(now: Date(), previous: old, logger: logger)
            state.withLockedValue { $0.snapshot = fresh }
            logger.info("reloaded the published edu directory", metadata: [
                "index": "\(fresh.indexVersion)", "schools": "\(fresh.whitelists.count)"])
        } catch {
            let reason = (error as? any DepotError)?.message ?? "\(error)"
            logger.error("keeping the last good edu directory", metadata: ["reason": "\(reason)"])
            // Not again until index.json changes once more.
            let stamp = FileStamp(loader.directory.appendingPathComponent(EduLayout.indexFile)) ?? old.indexStamp
            state.withLockedValue { $0.snapshot = old.withIndexStamp(stamp) }
        }
    }
}
