import DepotCrypto
import DepotModel
import DepotPolicy
import Foundation
import GRDB
import Signing
import Storage

/// A recorded test run as testers and signers see it.
public struct TestView: Codable, Sendable, Equatable {
    public var id: Int64
    public var submission: Int64
    public var program: String
    public var version: String
    public var passed: Bool
    public var notes: String
    public var evidence: String?
    public var evidenceSha256: String?
    public var testedBy: String
    public var testedAt: String
    /// The version's state after the test: `tested` when it passed, `classified` when it failed.
    public var state: PackageState
    /// `manual` (a person's word, "attested by NAME") or `auto` (the install sandbox).
    public var mode: String
    /// "attested by NAME" or "tested automatically (Wine 8.0, template …)".
    public var kind: String
    /// Why an automatic test failed, one sentence per check.
    public var reasons: [String]
    /// False when a failed automatic test only warns (testing.yaml `sandboxFailure: warn`).
    public var blocking: Bool
}

/// A package's certification: the signature stored beside its blob.
public struct SignatureView: Codable, Sendable, Equatable {
    public var submission: Int64
    public var program: String
    public var version: String
    public var sha256: String
    public var state: PackageState
    /// The DER detached CMS signature, `<blob>.p7s` in the home.
    public var signatureFile: String
    public var certificateFingerprint: String
    public var signedBy: String
    public var signedAt: String
    /// False when this call found the package already signed and changed nothing.
    public var newlySigned: Bool
}

/// What `depot publish` did.
public struct PublicationSummary: Codable, Sendable, Equatable {
    /// `published`, `refreshed` (same content, new expiry) or `unchanged` (nothing written).
    public var action: String
    public var version: Int
    public var directory: String
    public var packages: Int
    public var issued: String
    public var expires: String
    /// Versions that moved from `signed` to `published` in this run.
    public var newlyPublished: [String]
    /// SHA-256 of `catalog.json` as written (or as last written, when unchanged).
    public var catalogSha256: String?
}

extension CatalogService {
    /// The home's key store (`keys/`).
    public var keyStore: KeyStore { KeyStore(directory: home.keys) }

    /// `signing.yaml`, or its shipped values when no policy folder is loaded.
    var signingPolicy: SigningPolicy { policies?.signing ?? SigningPolicy() }

    var keyValidity: KeyValidity {
        KeyValidity(rootDays: signingPolicy.rootCertificateDays, signingDays: signingPolicy.signingCertificateDays)
    }

    // MARK: Keys

    /// Creates the root and the catalog and edu signing keys (`keys/`); refuses when keys exist.
    public func initialiseKeys(by actor: DepotUser) async throws -> [KeyInfo] {
        try actor.require(.manageKeys)
        try requireSupportedKeyAlgorithm()
        let keys = try keyStore.initialise(validity: keyValidity, now: now)
        try await database.writer.write { [now] db in
            try AuditLog.append(db, at: now, actor: actor.name, action: "keys.init", subject: "keys",
                                after: Snapshot.json(keys.map { ["role": $0.role, "fingerprint": $0.fingerprint] }))
        }
        return keys
    }

    /// A new signing key for `role`, certified by the root; earlier certificates stay for verification.
    public func rotateKey(role: KeyRole, by actor: DepotUser) async throws -> KeyInfo {
        try actor.require(.manageKeys)
        try requireSupportedKeyAlgorithm()
        let before = try keyStore.show().first { $0.role == role.rawValue && $0.status == .current }
        let info = try keyStore.rotate(role: role, validity: keyValidity, now: now)
        try await database.writer.write { [now] db in
            try AuditLog.append(db, at: now, actor: actor.name, action: "keys.rotate", subject: "keys:\(role.rawValue)",
                                before: Snapshot.json(["fingerprint": before?.fingerprint]),
                                after: Snapshot.json(["fingerprint": info.fingerprint, "generation": String(info.generation)]))
        }
        return info
    }

    /// Certificates and public keys of the store; never private key material.
    public func keys() throws -> [KeyInfo] { try keyStore.show() }

    private func requireSupportedKeyAlgorithm() throws {
        guard signingPolicy.keyAlgorithm == .ecP256, signingPolicy.digest == .sha256 else {
            throw ServiceError(.invalidInput, code: "keys.algorithm",
                "signing.yaml asks for \(signingPolicy.keyAlgorithm.rawValue) with \(signingPolicy.digest.rawValue); "
                    + "this Depot creates ec-p256 keys with sha256. Set keyAlgorithm: ec-p256 and digest: sha256")
        }
    }

    // MARK: Tests

    /// Records a test run of a classified package. A pass moves it to `tested`; a failure keeps (or puts) it in
    /// `classified`, so it cannot be signed until a later run passes.
    public func recordTest(submission id: Int64, passed: Bool, notes: String, evidence: URL? = nil,
                           by actor: DepotUser) async throws -> TestView {
        try actor.require(.testPackages)
        let notes = notes.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !notes.isEmpty, notes.count <= 10_000 else {
            throw ServiceError(.invalidInput, code: "test.notes",
                "--notes must say what was tested (1 to 10000 characters; got \(notes.count))")
        }
        let evidenceHash = try evidence.map(storeEvidence)
        let at = now
        let stamp = nowString
        return try await database.writer.write { db in
            let (submission, version) = try Self.pipelineVersion(db, submission: id, action: "tested")
            switch version.state {
            case .classified, .tested: break
            case .signed, .published, .retired:
                throw ServiceError(.conflict, code: "test.state",
                    "submission \(id) is \(version.state.rawValue) already; a signed package is not tested again. Submit a new build instead")
            default:
                throw ServiceError(.conflict, code: "test.state",
                    "submission \(id) is \(version.state.rawValue); \(Self.nextStep(for: version.state, submission: id))")
            }
            var record = PackageTestRecord(
                packageVersionId: version.id!, passed: passed, notes: notes, evidenceName: evidence?.lastPathComponent,
                evidenceSha256: evidenceHash, testedBy: actor.name, testedAt: stamp)
            try record.insert(db)
            var updated = version
            updated.state = passed ? .tested : .classified
            updated.updatedAt = stamp
            if updated.state != version.state { try updated.update(db) }
            let view = try Self.testView(db, record, submission: submission, version: updated)
            try AuditLog.append(db, at: at, actor: actor.name, action: passed ? "package.test.pass" : "package.test.fail",
                                subject: "submission:\(id)", before: Snapshot.json(["state": version.state.rawValue]),
                                after: Snapshot.json(view))
            return view
        }
    }

    /// Every test run of a submission, oldest first.
    public func tests(submission id: Int64, by actor: DepotUser) async throws -> [TestView] {
        try actor.require(.readSubmissions)
        return try await database.writer.read { db in
            let (submission, version) = try Self.pipelineVersion(db, submission: id, action: "tested")
            return try PackageTestRecord.filter(PackageTestRecord.Columns.packageVersionId == version.id!)
                .order(PackageTestRecord.Columns.id).fetchAll(db)
                .map { try Self.testView(db, $0, submission: submission, version: version) }
        }
    }

    /// Copies an evidence file (a log, a screenshot archive) into the blob store; returns its SHA-256.
    private func storeEvidence(_ file: URL) throws -> String {
        try Self.requireReadableFile(file)
        let limit: Int64 = 100 << 20
        let temporary = blobs.temporaryFile()
        guard let input = FileHandle(forReadingAtPath: file.path) else {
            throw ServiceError(.invalidInput, code: "file.unreadable", "\(file.path) cannot be read; check its permissions")
        }
        defer { try? input.close() }
        // The blob store created and locked the file: open it rather than replace it.
        guard let output = FileHandle(forWritingAtPath: temporary.path) else {
            throw ServiceError(.internal, code: "evidence.write", "cannot write into \(blobs.incoming.path); check the depot home")
        }
        let hasher = SHA256Hasher()
        var total: Int64 = 0
        do {
            defer { try? output.close() }
            while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
                total += Int64(chunk.count)
                guard total <= limit else {
                    throw ServiceError(.tooLarge, code: "evidence.size",
                        "evidence \(file.path) is larger than 100 MiB; attach a summary or a link in --notes instead")
                }
                chunk.withUnsafeBytes { hasher.update($0) }
                try output.write(contentsOf: chunk)
            }
        } catch {
            blobs.discard(temporary)
            throw error
        }
        let sha256 = hasher.finalizeHex()
        try blobs.adopt(temporary, sha256: sha256)
        return sha256
    }

    // MARK: Signing

    /// Signs a tested, licence-approved package with the catalog key: a detached CMS signature over the installer,
    /// stored as `<blob>.p7s`. The signer may be neither the submitter nor the licence reviewer. Signing a signed
    /// package again returns the existing signature.
    public func sign(submission id: Int64, by actor: DepotUser) async throws -> SignatureView {
        try actor.require(.signPackages)
        let blobs = self.blobs
        // Everything that can refuse is checked before the key is touched.
        let prepared = try await database.writer.read { db -> (SubmissionRecord, PackageVersionRecord, SignatureView?) in
            let (submission, version) = try Self.pipelineVersion(db, submission: id, action: "signed")
            if let existing = try PackageSignatureRecord
                .filter(PackageSignatureRecord.Columns.packageVersionId == version.id!).fetchOne(db) {
                return (submission, version, try Self.signatureView(db, existing, submission: submission, version: version,
                                                                    blobs: blobs, newlySigned: false))
            }
            try Self.requireSignable(db, submission: submission, version: version, signer: actor.name)
            return (submission, version, nil)
        }
        if let existing = prepared.2 { return existing }
        let (submission, version) = (prepared.0, prepared.1)

        let blob = blobs.url(for: submission.sha256)
        guard FileManager.default.isReadableFile(atPath: blob.path) else {
            throw ServiceError(.internal, code: "sign.blob-missing",
                "the installer of submission \(id) is missing from \(blob.path); restore the blob store from backup")
        }
        let signer = try keyStore.signer(for: .catalog)
        let signature = try PackageSignature.sign(file: blob, with: signer)
        let signatureFile = Self.signatureURL(blob)
        try Data(signature).write(to: signatureFile, options: .atomic)

        let at = now
        let stamp = nowString
        return try await database.writer.write { db in
            guard var current = try PackageVersionRecord.fetchOne(db, key: version.id!), current.state == .tested else {
                throw ServiceError(.conflict, code: "sign.state",
                    "submission \(id) changed while it was being signed; run 'depot sign \(id)' again")
            }
            var record = PackageSignatureRecord(packageVersionId: version.id!, certificateFingerprint: signer.certificate.fingerprint,
                                                signedBy: actor.name, signedAt: stamp)
            try record.insert(db)
            current.state = .signed
            current.updatedAt = stamp
            try current.update(db)
            let view = try Self.signatureView(db, record, submission: submission, version: current, blobs: blobs, newlySigned: true)
            try AuditLog.append(db, at: at, actor: actor.name, action: "package.sign", subject: "submission:\(id)",
                                before: Snapshot.json(["state": PackageState.tested.rawValue]), after: Snapshot.json(view))
            return view
        }
    }

    /// `<blob>.p7s`: where a package's signature lives.
    static func signatureURL(_ blob: URL) -> URL { blob.appendingPathExtension("p7s") }

    /// Refuses, with what must happen first, anything that is not a tested, licence-approved package, and a signer
    /// who submitted or licence-reviewed it.
    static func requireSignable(_ db: Database, submission: SubmissionRecord, version: PackageVersionRecord,
                                signer: String) throws {
        let id = submission.id!
        guard version.state == .tested else {
            var reason = "submission \(id) is \(version.state.rawValue); \(nextStep(for: version.state, submission: id))"
            if version.state == .classified,
               let last = try PackageTestRecord.filter(PackageTestRecord.Columns.packageVersionId == version.id!)
                   .order(PackageTestRecord.Columns.id.desc).fetchOne(db), !last.passed {
                reason += " (its last test, by \(last.testedBy) on \(last.testedAt), failed: \(last.notes))"
            }
            throw ServiceError(.conflict, code: "sign.state", reason)
        }
        let review = try LicenceReviewRecord.filter(LicenceReviewRecord.Columns.packageVersionId == version.id!).fetchOne(db)
        guard let review, review.decision == "approved" else {
            throw ServiceError(.conflict, code: "sign.licence",
                "the licence of submission \(id) is not approved; a licence reviewer decides it first ('depot reviews decide')")
        }
        if submission.submitter == signer {
            throw ServiceError(.forbidden, code: "sign.separation",
                "\(signer) submitted submission \(id) and may not also sign it; another signer must certify it")
        }
        if review.decidedBy == signer {
            throw ServiceError(.forbidden, code: "sign.separation",
                "\(signer) reviewed the licence of submission \(id) and may not also sign it; another signer must certify it")
        }
    }

    /// What has to happen before a version in `state` can go on, in words.
    static func nextStep(for state: PackageState, submission id: Int64) -> String {
        switch state {
        case .catalogued: "it has no installer yet; a packager submits one ('depot submit FILE --program P --version V')"
        case .submitted, .inspected:
            "its licence must be approved first: a licence reviewer who did not submit it runs 'depot reviews decide \(id) --approve --scope admin|edu|both --reason TEXT'; then it is classified and tested"
        case .licenceApproved: "it must be classified first ('depot classify \(id)'), then tested ('depot test \(id) --passed --notes …')"
        case .classified: "it must pass a test first ('depot test \(id) --passed --notes …')"
        case .tested: "it can be signed ('depot sign \(id)')"
        case .signed: "it is signed; 'depot publish' makes it orderable"
        case .quarantined, .licenceRejected: "it can never be signed; submit a new installer"
        case .published: "it is published already"
        case .retired: "it is retired; 'depot restore' brings it back"
        }
    }

    static func pipelineVersion(_ db: Database, submission id: Int64,
                                action: String) throws -> (SubmissionRecord, PackageVersionRecord) {
        guard let submission = try SubmissionRecord.fetchOne(db, key: id) else {
            throw ServiceError(.notFound, code: "submission.unknown", "there is no submission \(id); 'depot submissions list' shows them")
        }
        guard let versionId = submission.packageVersionId, let version = try PackageVersionRecord.fetchOne(db, key: versionId) else {
            throw ServiceError(.refused, code: "submission.quarantined", "submission \(id) is quarantined; it can never be \(action)")
        }
        return (submission, version)
    }

    static func programSlug(_ db: Database, _ version: PackageVersionRecord) throws -> String {
        try String.fetchOne(db, sql: "SELECT slug FROM program WHERE id = ?", arguments: [version.programId]) ?? "?"
    }

    static func testView(_ db: Database, _ record: PackageTestRecord, submission: SubmissionRecord,
                         version: PackageVersionRecord) throws -> TestView {
        TestView(id: record.id ?? 0, submission: submission.id!, program: try programSlug(db, version), version: version.version,
                 passed: record.passed, notes: record.notes, evidence: record.evidenceName, evidenceSha256: record.evidenceSha256,
                 testedBy: record.testedBy, testedAt: record.testedAt, state: version.state, mode: record.mode,
                 kind: record.mode == "auto" ? (record.runner ?? "tested automatically") : "attested by \(record.testedBy)",
                 reasons: record.reasons, blocking: record.blocking)
    }

    static func signatureView(_ db: Database, _ record: PackageSignatureRecord, submission: SubmissionRecord,
                              version: PackageVersionRecord, blobs: BlobStore, newlySigned: Bool) throws -> SignatureView {
        SignatureView(submission: submission.id!, program: try programSlug(db, version), version: version.version,
                      sha256: submission.sha256, state: version.state,
                      signatureFile: signatureURL(blobs.url(for: submission.sha256)).path,
                      certificateFingerprint: record.certificateFingerprint, signedBy: record.signedBy,
                      signedAt: record.signedAt, newlySigned: newlySigned)
    }

    // MARK: Publication

    /// Writes the signed publication tree: every signed or published package by hash with its signature,
    /// `root.pem`, and `catalog.json` (a signed document, version increasing, expiry from `signing.yaml`) with
    /// its CMS signature. Signed packages become `published`, i.e. orderable.
    ///
    /// With `refresh`, nothing is written when the content is unchanged and the last catalog has more than
    /// `refreshWhenDaysLeft` days left; unchanged content nearer its expiry is re-signed with a new expiry.
    public func publishCatalog(to directory: URL? = nil, refresh: Bool = false,
                               by actor: DepotUser) async throws -> PublicationSummary {
        try actor.require(.publish)
        let directory = try publicationDirectory(directory, defaultName: "catalog")
        let signer = try keyStore.signer(for: .catalog)
        let root = try keyStore.rootCertificate()
        let policy = signingPolicy
        let blobs = self.blobs
        let at = now
        let stamp = nowString
        let expires = at.addingTimeInterval(Double(policy.catalogExpiryDays) * 86_400)

        // One publisher at a time per folder: two runs switching the same links could leave the older current.
        let lock = try PublicationLock(directory)
        defer { lock.release() }

        // 1. The version number is committed before any file carries it.
        let plan = try await database.writer.write { db -> CatalogPublicationPlan in
            let listed = try Self.publishableVersions(db, blobs: blobs)
            let packages = listed.map(\.package)
            let digest = SHA256Hasher.hex(try JSONValue(encoding: packages).canonicalBytes)
            let last = try PublicationRecord.latest(db, kind: "catalog")
            let (unchanged, fresh) = Self.compare(last, digest: digest, directory: directory, at: at, policy: policy)
            if refresh, fresh, let last {
                let catalog = directory.appendingPathComponent(Publication.catalogFile)
                let bytes = try? Data(contentsOf: catalog)
                return .unchanged(PublicationSummary(action: "unchanged", version: last.version, directory: directory.path,
                                                     packages: last.packages, issued: last.issued, expires: last.expires, newlyPublished: [],
                                                     catalogSha256: bytes.map { SHA256Hasher.hex(Array($0)) }))
            }
            return .publish(CatalogPublicationPlan.Reserved(
                listed: listed, digest: digest, last: last, unchanged: unchanged,
                version: try PublicationRecord.reserveVersion(db, kind: "catalog")))
        }
        let reserved: CatalogPublicationPlan.Reserved
        switch plan {
        case .unchanged(let summary): return summary
        case .publish(let value): reserved = value
        }
        let (listed, digest, last, unchanged, version) = (reserved.listed, reserved.digest, reserved.last, reserved.unchanged,
                                                          reserved.version)
        CrashPoint.reach("publish.reserved")

        // 2. The new publication is written completely beside the current one, then made current by one rename.
        let packages = listed.map(\.package)
        let writer = PublicationWriter(directory: directory, signer: signer, root: root)
        for entry in listed {
            let blob = blobs.url(for: entry.package.sha256)
            let signature = try Data(contentsOf: Self.signatureURL(blob))
            try writer.addPackage(blob: blob, signature: Array(signature), entry: entry.package)
        }
        let bytes = try writer.prepareCatalog(packages: packages, version: version, issued: at, expires: expires)
        try writer.commit(version: version)
        CrashPoint.reach("publish.switched")
        try Self.removeUnlisted(in: directory, keeping: Set(packages.map(\.sha256)))

        // 3. The database records what is now current.
        return try await database.writer.write { db in
            var newly: [String] = []
            for entry in listed {
                guard var record = try PackageVersionRecord.fetchOne(db, key: entry.record.id), record.state == .signed else { continue }
                record.state = .published
                record.updatedAt = stamp
                try record.update(db)
                newly.append("\(entry.package.program) \(entry.package.version)")
            }
            var publication = PublicationRecord(
                kind: "catalog", version: version, contentDigest: digest, issued: stamp, expires: Timestamp.string(expires),
                directory: directory.path, packages: packages.count, publishedBy: actor.name)
            try publication.insert(db)
            let summary = PublicationSummary(
                action: unchanged ? "refreshed" : "published", version: version, directory: directory.path,
                packages: packages.count, issued: stamp, expires: Timestamp.string(expires), newlyPublished: newly,
                catalogSha256: SHA256Hasher.hex(bytes))
            try AuditLog.append(db, at: at, actor: actor.name, action: "catalog.publish", subject: "catalog:\(version)",
                                before: last.map { Snapshot.json(["version": $0.version]) }, after: Snapshot.json(summary))
            return summary
        }
    }

    /// Whether the last publication of a kind already holds `digest` in `directory` (`unchanged`), and whether it
    /// also has more than `refreshWhenDaysLeft` days left (`fresh`: `--refresh` then writes nothing).
    static func compare(_ last: PublicationRecord?, digest: String, directory: URL, at: Date,
                        policy: SigningPolicy) -> (unchanged: Bool, fresh: Bool) {
        guard let last, last.contentDigest == digest, last.directory == directory.path else { return (false, false) }
        let left = Timestamp.parse(last.expires).map { $0.timeIntervalSince(at) } ?? 0
        return (true, left > Double(policy.refreshWhenDaysLeft) * 86_400)
    }

    /// `requested`, else `published/<defaultName>` in the home; refused when it would hold or lie inside the depot's
    /// own files (a publication replaces files in its `packages/`).
    func publicationDirectory(_ requested: URL?, defaultName: String) throws -> URL {
        let directory = (requested ?? home.published.appendingPathComponent(defaultName, isDirectory: true)).standardizedFileURL
        let path = directory.resolvingSymlinksInPath().path
        let holdsHome = home.root.resolvingSymlinksInPath().path.hasPrefix(path + "/")
        let insideOwn = [home.root, blobs.root, home.keys, home.incoming].map { $0.resolvingSymlinksInPath().path }
            .contains { path == $0 || ($0 != home.root.resolvingSymlinksInPath().path && path.hasPrefix($0 + "/")) }
        if holdsHome || insideOwn {
            throw ServiceError(.invalidInput, code: "publish.directory",
                "\(directory.path) overlaps the depot's own files; publish into an empty folder or leave --out away")
        }
        return directory
    }

    /// Signed or published versions with a blob and a signature, as catalog entries, by program and version.
    static func publishableVersions(_ db: Database, blobs: BlobStore) throws -> [(record: PackageVersionRecord, package: PublishedPackage)] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT v.id AS versionId, p.slug, c.tier, r.expression
            FROM packageVersion v
            JOIN program p ON p.id = v.programId
            JOIN packageSignature s ON s.packageVersionId = v.id
            LEFT JOIN classification c ON c.packageVersionId = v.id
            LEFT JOIN licenceReview r ON r.packageVersionId = v.id
            WHERE v.state IN ('signed', 'published') AND v.sha256 IS NOT NULL AND v.size IS NOT NULL
            ORDER BY p.slug, v.version, v.variant
            """)
        return try rows.map { row in
            let id: Int64 = row["versionId"]
            guard let record = try PackageVersionRecord.fetchOne(db, key: id), let sha256 = record.sha256, let size = record.size
            else { throw ServiceError(.internal, code: "publish.version", "package version \(id) vanished while publishing") }
            var package = PublishedPackage(
                program: row["slug"], version: record.version, sha256: sha256.lowercased(), size: size,
                licence: record.licence ?? row["expression"], scope: record.licenceScope, platforms: record.platforms,
                tier: row["tier"])
            package.test = try publishedTest(db, versionId: id, blobs: blobs)
            return (record, package)
        }
    }

    /// Removes package files of the tree that the new catalog no longer lists (only Depot's own `<sha256>[.p7s]`).
    static func removeUnlisted(in directory: URL, keeping: Set<String>) throws {
        let packages = directory.appendingPathComponent("packages")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: packages.path)) ?? []
        for name in names {
            let hash = name.hasSuffix(".p7s") ? String(name.dropLast(4)) : name
            guard hash.count == 64, hash.allSatisfy(\.isHexDigit), !keeping.contains(hash) else { continue }
            try? FileManager.default.removeItem(at: packages.appendingPathComponent(name))
        }
    }
}

/// An exclusive `flock` on `<folder>/.publish.lock` for the length of one publication run; the kernel drops it when
/// the process dies, so a killed publisher never blocks the next one.
struct PublicationLock {
    private let descriptor: Int32

    init(_ directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent(".publish.lock").path
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw ServiceError(.internal, code: "publish.lock", "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        while flock(descriptor, LOCK_EX) != 0 && errno == EINTR {}
    }

    func release() { close(descriptor) }
}

/// What the first, short transaction of a catalog publication decided: nothing to write, or a reserved version.
enum CatalogPublicationPlan {
    struct Reserved {
        let listed: [(record: PackageVersionRecord, package: PublishedPackage)]
        let digest: String
        let last: PublicationRecord?
        let unchanged: Bool
        let version: Int
    }

    case unchanged(PublicationSummary)
    case publish(Reserved)
}
