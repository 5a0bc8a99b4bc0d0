import DepotCrypto
import DepotModel
import Foundation

/// One orderable package version as listed in `catalog.json` (`signed.packages[]`).
///
/// Required: `program`, `version`, `sha256` (lowercase hex), `size` (bytes), `path` (relative to the tree,
/// normally `packages/<sha256>`), `signature` (normally `packages/<sha256>.p7s`). The rest is descriptive.
/// Clients ignore members they do not know, so the publisher may add more.
public struct PublishedPackage: Sendable, Codable, Equatable {
    public var program: String
    public var version: String
    public var sha256: String
    public var size: Int64
    public var path: String
    public var signature: String
    /// SPDX licence expression.
    public var licence: String?
    /// Licence scope: `admin`, `edu` or `both`.
    public var scope: String?
    public var platforms: [String]?
    public var tier: String?
    /// How the version was tested, and what an automatic test observed (for deployment tools).
    public var test: PublishedTest?

    /// A listing entry; `path` and `signature` default to `packages/<sha256>` and `packages/<sha256>.p7s`.
    public init(program: String, version: String, sha256: String, size: Int64, path: String? = nil,
                signature: String? = nil, licence: String? = nil, scope: String? = nil, platforms: [String]? = nil,
                tier: String? = nil) {
        self.program = program
        self.version = version
        self.sha256 = sha256
        self.size = size
        self.path = path ?? "packages/\(sha256)"
        self.signature = signature ?? "packages/\(sha256).p7s"
        self.licence = licence
        self.scope = scope
        self.platforms = platforms
        self.tier = tier
    }
}

/// How a published version was tested: "tested automatically (Wine 8.0, template …)" or "attested by NAME",
/// with the detection rule and the silent commands the automatic test proved.
public struct PublishedTest: Sendable, Codable, Equatable {
    /// `automatic` or `attested`.
    public var kind: String
    /// In words: "tested automatically (Wine 8.0, template win64-wine-8.0) on 2026-12-06" or "attested by anna on …".
    public var summary: String
    /// The detection rule: `kind` (`msi-product-code`, `uninstall-key`, `file`) and its fields.
    public var detection: [String: String]?
    public var silentInstall: String?
    public var silentUninstall: String?

    public init(kind: String, summary: String, detection: [String: String]? = nil, silentInstall: String? = nil,
                silentUninstall: String? = nil) {
        self.kind = kind
        self.summary = summary
        self.detection = detection
        self.silentInstall = silentInstall
        self.silentUninstall = silentUninstall
    }
}

/// The part of `catalog.json`'s `signed` object that the verifier reads.
public struct CatalogListing: Sendable, Codable, Equatable {
    public var packages: [PublishedPackage]

    /// A listing of these packages.
    public init(packages: [PublishedPackage]) { self.packages = packages }
}

/// Names and constants of a published tree.
public enum Publication {
    /// The `type` of the catalog document.
    public static let catalogType = "depot.catalog"
    public static let catalogFile = "catalog.json"
    public static let catalogSignatureFile = "catalog.json.p7s"
    public static let rootFile = "root.pem"
    /// Largest `catalog.json` a client reads.
    public static let maximumCatalogBytes = 256 << 20

    /// True for a relative path of plain components that cannot leave the tree.
    public static func isSafeRelativePath(_ path: String) -> Bool {
        guard !path.isEmpty, path.utf8.count <= 1024, !path.hasPrefix("/"), !path.contains("\\"), !path.contains("\0")
        else { return false }
        return path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { $0 != "" && $0 != "." && $0 != ".." }
    }
}

/// Writes a publication tree: package blobs with their signatures, `root.pem`, `catalog.json` and its CMS signature.
public struct PublicationWriter: Sendable {
    /// The tree's directory (created if needed).
    public let directory: URL
    let signer: Signer
    let root: Certificate

    /// A writer signing with `signer` (the catalog key) and copying `root` into the tree.
    public init(directory: URL, signer: Signer, root: Certificate) {
        self.directory = directory
        self.signer = signer
        self.root = root
    }

    /// Copies a package blob and its signature to `entry.path` and `entry.signature` unless already there.
    public func addPackage(blob: URL, signature: [UInt8], entry: PublishedPackage) throws {
        for path in [entry.path, entry.signature] where !Publication.isSafeRelativePath(path) {
            throw SigningError(.invalidInput, code: "signing.path-invalid",
                               "package path '\(path)' would leave the publication directory; use packages/<sha256>")
        }
        let target = directory.appendingPathComponent(entry.path)
        let signatureTarget = directory.appendingPathComponent(entry.signature)
        let manager = FileManager.default
        var info = stat()
        for folder in Set([target.deletingLastPathComponent().path, signatureTarget.deletingLastPathComponent().path])
        where stat(folder, &info) != 0 {
            try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        // A package already in the tree with the listed size stays (a republish copies only what is new); any other
        // file at its path, e.g. a damaged copy, is replaced.
        let present: Int64? = stat(target.path, &info) == 0 ? Int64(info.st_size) : nil
        if present != entry.size {
            try TreeFile.replace(target) { output in try TreeFile.copy(from: blob, to: output) }
        }
        let existing = stat(signatureTarget.path, &info) == 0 && Int(info.st_size) == signature.count
            ? FileManager.default.contents(atPath: signatureTarget.path) : nil
        if existing != Data(signature) {
            try TreeFile.replace(signatureTarget) { output in try TreeFile.write(signature, to: output, name: signatureTarget.path) }
        }
    }

    /// Signs and writes `catalog.json`, `catalog.json.p7s` and `root.pem` and makes them current at once
    /// (`prepareCatalog`, then `commit`); returns the catalog bytes.
    @discardableResult
    public func writeCatalog(packages: [PublishedPackage], extra: [String: JSONValue] = [:], version: Int,
                             issued: Date, expires: Date) throws -> [UInt8] {
        let bytes = try prepareCatalog(packages: packages, extra: extra, version: version, issued: issued, expires: expires)
        try commit(version: version)
        return bytes
    }

    /// Signs `catalog.json` and writes it with `catalog.json.p7s` and `root.pem` into a folder of their own,
    /// `.versions/<version>`, beside the current one; `commit` then makes it current. Returns the catalog bytes.
    @discardableResult
    public func prepareCatalog(packages: [PublishedPackage], extra: [String: JSONValue] = [:], version: Int,
                             issued: Date, expires: Date) throws -> [UInt8] {
        var payload = extra
        payload["packages"] = try JSONValue(encoding: packages)
        let bytes = try SignedDocument.sign(payload: payload, type: Publication.catalogType, version: version,
                                            issued: issued, expires: expires, with: signer)
        let cms = try signer.signCMS(.bytes(bytes))
        let folder = Publication.versionFolder(directory, version)
        let manager = FileManager.default
        // A folder with this number can only be the leftover of a run that died before switching to it: version
        // numbers are reserved before anything is written and never given out twice.
        if manager.fileExists(atPath: folder.path) { try manager.removeItem(at: folder) }
        try manager.createDirectory(at: folder, withIntermediateDirectories: true)
        try TreeFile.writeDurably(Array(try root.pem().utf8), to: folder.appendingPathComponent(Publication.rootFile))
        try TreeFile.writeDurably(cms, to: folder.appendingPathComponent(Publication.catalogSignatureFile))
        try TreeFile.writeDurably(bytes, to: folder.appendingPathComponent(Publication.catalogFile))
        TreeFile.syncDirectory(folder)
        return bytes
    }

    /// Makes `.versions/<version>` the current publication with one atomic rename of the `.current` link; the
    /// names clients read (`catalog.json`, `catalog.json.p7s`, `root.pem`) are links through `.current`, so they
    /// switch together and a client always finds a complete, matching pair. Older version folders beyond the
    /// previous one, and `.partial` files of killed copies, are removed afterwards.
    public func commit(version: Int) throws {
        CrashPoint.reach("publish.written")
        try TreeFile.link(Publication.currentLink, to: "\(Publication.versionsFolder)/\(version)", in: directory)
        for name in [Publication.rootFile, Publication.catalogSignatureFile, Publication.catalogFile] {
            try TreeFile.link(name, to: "\(Publication.currentLink)/\(name)", in: directory)
        }
        TreeFile.syncDirectory(directory)
        Publication.removeStale(in: directory, current: version)
    }
}

extension Publication {
    /// Folder of complete publications, one per version, beside the files clients read.
    public static let versionsFolder = ".versions"
    /// The link that names the current version folder; switching it is the one atomic act of a publication.
    public static let currentLink = ".current"

    static func versionFolder(_ directory: URL, _ version: Int) -> URL {
        directory.appendingPathComponent(versionsFolder, isDirectory: true).appendingPathComponent(String(version), isDirectory: true)
    }

    /// Removes version folders older than the previous one, folders of runs that died unswitched, and `.partial`
    /// package copies. The previous version stays, for clients that fetched it a moment ago.
    static func removeStale(in directory: URL, current: Int) {
        let manager = FileManager.default
        let versions = directory.appendingPathComponent(versionsFolder, isDirectory: true)
        let numbers = ((try? manager.contentsOfDirectory(atPath: versions.path)) ?? []).compactMap(Int.init).sorted()
        let previous = numbers.last { $0 < current }
        for number in numbers where number != current && number != previous {
            try? manager.removeItem(at: versions.appendingPathComponent(String(number)))
        }
        let packages = directory.appendingPathComponent("packages", isDirectory: true)
        for name in (try? manager.contentsOfDirectory(atPath: packages.path)) ?? [] where name.hasSuffix(".partial") {
            try? manager.removeItem(at: packages.appendingPathComponent(name))
        }
    }
}

/// One failed check of a published file.
public struct PublicationProblem: Sendable, Codable, Equatable {
    /// The file, relative to the tree (`packages/<sha256>`, `catalog.json.p7s`, …).
    public var file: String
    /// `missing`, `size`, `sha256`, `signature` or `path`.
    public var check: String
    public var message: String
}

/// The result of checking a publication tree.
public struct PublicationReport: Sendable, Codable, Equatable {
    public var directory: String
    public var catalogVersion: Int
    public var issued: String
    public var expires: String
    public var signer: SignerIdentity
    /// The version in the state file before this check, if any.
    public var lastSeenVersion: Int?
    public var packagesChecked: Int
    public var bytesChecked: Int64
    /// Every failed package check; empty when the tree is good.
    public var problems: [PublicationProblem]

    /// True when every check passed.
    public var isValid: Bool { problems.isEmpty }

    /// Throws one error listing the failed files, if any.
    public func requireValid() throws {
        if !problems.isEmpty { throw SigningError.publicationFailed(directory, problems) }
    }
}

/// What a client remembers between checks (the `--state` file): the highest catalog version it accepted.
public struct PublicationState: Sendable, Codable, Equatable {
    public var lastSeenVersion: Int
    public var rootFingerprint: String
    public var checked: String
    /// SHA-256 of the `catalog.json` accepted at `lastSeenVersion` (absent in state files written before forks
    /// were checked): the same version with other bytes is a fork, refused as TUF does.
    public var lastSeenSha256: String?

    /// Reads a state file; nil when it does not exist yet.
    public static func read(_ url: URL) throws -> PublicationState? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let bytes = try readFile(url, limit: 1 << 16)
        do {
            return try JSONDecoder().decode(PublicationState.self, from: Data(bytes))
        } catch {
            throw SigningError.stateUnreadable(url.path, "not a Depot publication state")
        }
    }

    /// Writes the state atomically.
    public func write(_ url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try encoder.encode(self).write(to: url, options: .atomic)
    }
}

/// The client's check of a published tree against the pinned root.
public struct PublicationVerifier: Sendable {
    /// The root certificate the client pins.
    public let root: Certificate
    /// Also verify each package's detached CMS signature (reads every package twice).
    public var checkPackageSignatures: Bool

    /// A verifier trusting only `root`.
    public init(root: Certificate, checkPackageSignatures: Bool = true) {
        self.root = root
        self.checkPackageSignatures = checkPackageSignatures
    }

    /// Verifies `directory` at `now`.
    ///
    /// Throws when `catalog.json`, its CMS signature or `root.pem` fail (the error names which and why: changed,
    /// untrusted, expired, rollback); returns a report whose `problems` name each package file that is missing or
    /// has the wrong size, hash or signature. The state file is updated only when everything passed.
    public func verify(directory: URL, stateFile: URL? = nil, now: Date) throws -> PublicationReport {
        let state = try stateFile.flatMap(PublicationState.read)
        let catalogURL = directory.appendingPathComponent(Publication.catalogFile)
        let catalogBytes = try readFile(catalogURL, limit: Publication.maximumCatalogBytes)
        let document = try SignedDocument.verify(
            data: catalogBytes, root: root, now: now, expectedType: Publication.catalogType, role: .catalog,
            lastSeenVersion: state?.lastSeenVersion, source: catalogURL.path)
        let catalogSha256 = SHA256Hasher.hex(catalogBytes)
        if let state, let seen = state.lastSeenSha256, state.lastSeenVersion == document.version, seen != catalogSha256 {
            throw SigningError.fork(catalogURL.path, version: document.version, seen: seen, found: catalogSha256)
        }

        let signatureURL = directory.appendingPathComponent(Publication.catalogSignatureFile)
        _ = try PackageSignature.verify(
            content: .bytes(catalogBytes), signature: try readFile(signatureURL, limit: 1 << 20), root: root, now: now,
            role: .catalog, contentName: catalogURL.path, signatureName: signatureURL.path)

        let rootURL = directory.appendingPathComponent(Publication.rootFile)
        if FileManager.default.fileExists(atPath: rootURL.path) {
            let published: Certificate
            do {
                published = try Certificate(pem: try readFile(rootURL, limit: 1 << 20), source: rootURL.path)
            } catch let error as CryptoError {
                throw SigningError.malformed(rootURL.path, error.message)
            }
            if published.fingerprint != root.fingerprint {
                throw SigningError.rootMismatch(rootURL.path, found: published.fingerprint, pinned: root.fingerprint)
            }
        }

        let listing: CatalogListing
        do {
            listing = try document.payload(as: CatalogListing.self)
        } catch {
            throw SigningError.malformed(catalogURL.path, "\"signed.packages\" is not a list of packages with program, "
                + "version, sha256, size, path and signature")
        }

        var problems: [PublicationProblem] = []
        var bytes: Int64 = 0
        for package in listing.packages {
            bytes &+= check(package, in: directory, now: now, problems: &problems)
        }
        let report = PublicationReport(
            directory: directory.path, catalogVersion: document.version, issued: Timestamp.string(document.issued),
            expires: Timestamp.string(document.expires), signer: document.signer, lastSeenVersion: state?.lastSeenVersion,
            packagesChecked: listing.packages.count, bytesChecked: bytes, problems: problems)
        if let stateFile, report.isValid {
            let newest = document.version >= (state?.lastSeenVersion ?? 0)
            try PublicationState(lastSeenVersion: max(document.version, state?.lastSeenVersion ?? 0),
                                 rootFingerprint: root.fingerprint, checked: Timestamp.string(now),
                                 lastSeenSha256: newest ? catalogSha256 : state?.lastSeenSha256).write(stateFile)
        }
        return report
    }

    /// Checks one package's path, size, hash and signature; returns the bytes read.
    private func check(_ package: PublishedPackage, in directory: URL, now: Date,
                       problems: inout [PublicationProblem]) -> Int64 {
        for path in [package.path, package.signature] where !Publication.isSafeRelativePath(path) {
            problems.append(PublicationProblem(file: path, check: "path",
                                               message: "path would leave the publication directory; the catalog is bad"))
            return 0
        }
        let url = directory.appendingPathComponent(package.path)
        let label = "\(package.program) \(package.version)"
        let measured: (size: Int64, sha256: String)
        do {
            guard let result = try Self.measure(url, limit: package.size) else {
                problems.append(PublicationProblem(file: package.path, check: "size",
                                                   message: "\(label): larger than the listed \(package.size) bytes"))
                return package.size
            }
            measured = result
        } catch {
            problems.append(PublicationProblem(file: package.path, check: "missing",
                                               message: "\(label): the file is missing or unreadable"))
            return 0
        }
        if measured.size != package.size {
            problems.append(PublicationProblem(file: package.path, check: "size",
                                               message: "\(label): \(measured.size) bytes, the catalog lists \(package.size)"))
        } else if measured.sha256 != package.sha256.lowercased() {
            problems.append(PublicationProblem(file: package.path, check: "sha256",
                                               message: "\(label): sha256 is \(measured.sha256), the catalog lists \(package.sha256)"))
        } else if checkPackageSignatures {
            let signatureURL = directory.appendingPathComponent(package.signature)
            do {
                _ = try PackageSignature.verify(file: url, signatureFile: signatureURL, root: root, now: now, role: .catalog)
            } catch let error as SigningError {
                let file = error.code == "signing.content-changed" ? package.path : package.signature
                problems.append(PublicationProblem(file: file, check: "signature", message: "\(label): \(error.message)"))
            } catch {
                problems.append(PublicationProblem(file: package.signature, check: "signature", message: "\(label): \(error)"))
            }
        }
        return measured.size
    }

    /// Streams a file through SHA-256; nil once it grows past `limit` bytes, so a huge file is never read whole.
    static func measure(_ url: URL, limit: Int64) throws -> (size: Int64, sha256: String)? {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        let hasher = SHA256Hasher()
        var total: Int64 = 0
        while true {
            guard let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty else { break }
            total &+= Int64(chunk.count)
            if total > limit { return nil }
            chunk.withUnsafeBytes { hasher.update($0) }
        }
        return (total, hasher.finalizeHex())
    }
}

/// Plain POSIX file writing for publication trees: a tree can always be written again from the depot, so files are
/// replaced atomically (write beside, then rename) without the cost of Foundation's copy and fsync per file.
enum TreeFile {
    /// Writes `bytes` to a new file at `url` and flushes it to disk.
    static func writeDurably(_ bytes: [UInt8], to url: URL) throws {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw SigningError.fileUnreadable(url.path, "cannot create it: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        try write(bytes, to: fd, name: url.path)
        guard fsync(fd) == 0 else {
            throw SigningError.fileUnreadable(url.path, "cannot flush it to disk: \(String(cString: strerror(errno)))")
        }
    }

    static func syncDirectory(_ url: URL) {
        let fd = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    /// Points `name` in `directory` at `target` with one rename of a fresh link over it (whatever it was before,
    /// a link or a plain file of an older layout).
    static func link(_ name: String, to target: String, in directory: URL) throws {
        let path = directory.appendingPathComponent(name).path
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink(path, &buffer, buffer.count - 1)
        if length >= 0, String(cString: Array(buffer[0..<length]) + [0]) == target { return }
        let temporary = directory.appendingPathComponent(".\(name).link").path
        unlink(temporary)
        guard symlink(target, temporary) == 0 else {
            throw SigningError.fileUnreadable(temporary, "cannot create the link: \(String(cString: strerror(errno)))")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw SigningError.fileUnreadable(path, "cannot switch it to the new publication: \(reason)")
        }
    }

    /// Writes a new file through `body` beside `target`, then renames it over `target`.
    static func replace(_ target: URL, _ body: (Int32) throws -> Void) throws {
        let temporary = target.path + ".partial"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw SigningError.fileUnreadable(temporary, "cannot create it: \(String(cString: strerror(errno)))")
        }
        do {
            try body(fd)
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        close(fd)
        guard rename(temporary, target.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw SigningError.fileUnreadable(target.path, "cannot move the new file into place: \(reason)")
        }
    }

    /// Copies `source` into the open descriptor `output`.
    static func copy(from source: URL, to output: Int32) throws {
        let input = open(source.path, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else {
            throw SigningError.fileUnreadable(source.path, "cannot open it: \(String(cString: strerror(errno)))")
        }
        defer { close(input) }
        var info = stat()
        let size = fstat(input, &info) == 0 ? Int(info.st_size) : 1 << 20
        var buffer = [UInt8](repeating: 0, count: min(1 << 20, max(size, 4096)))
        while true {
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if count == 0 { return }
            guard count > 0 else {
                if errno == EINTR { continue }
                throw SigningError.fileUnreadable(source.path, "read failed: \(String(cString: strerror(errno)))")
            }
            try write(count == buffer.count ? buffer : Array(buffer[0..<count]), to: output, name: source.path)
        }
    }

    /// Writes all of `bytes` to `fd`.
    static func write(_ bytes: [UInt8], to fd: Int32, name: String) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            guard written > 0 else {
                if written < 0, errno == EINTR { continue }
                throw SigningError.fileUnreadable(name, "write failed: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }
}
