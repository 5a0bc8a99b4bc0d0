import DepotCrypto
import DepotModel
import Foundation
import GRDB
import Inspection
import Storage

/// A submission as packagers and reviewers see it.
public struct SubmissionView: Codable, Sendable, Equatable {
    public var id: Int64
    /// The pipeline state of the version it became, or `quarantined`.
    public var state: String
    public var fileName: String
    public var sha256: String
    public var size: Int64
    public var submitter: String
    public var submittedAt: String
    public var program: String?
    public var version: String?
    public var publisher: String?
    public var platforms: [String]
    public var costReference: String?
    public var facts: InstallerFacts?
    public var error: String?
    /// `simple` or `complex` once classified, with every reason (observed ones end "(observed during the install test)").
    public var tier: String?
    public var tierReasons: [String]?
    /// How the latest test was made: "tested automatically (Wine 8.0, template …)" or "attested by NAME", and its result.
    public var lastTest: String?
}

/// What the packager confirms or corrects; nil keeps what was inspected.
public struct SubmissionOverrides: Sendable, Equatable {
    public var program: String?
    public var version: String?
    public var publisher: String?
    public var platforms: [String]
    public var costReference: String?
    /// What tells this installer apart from another of the same program and version (an architecture, a locale,
    /// a platform); without it, different bytes for a known program and version are refused.
    public var variant: String?
    /// Program facts the packager corrects: display name, category, description, homepage.
    public var name: String?
    public var category: String?
    public var description: String?
    public var homepage: String?

    public init(program: String? = nil, version: String? = nil, publisher: String? = nil, platforms: [String] = [],
                costReference: String? = nil, variant: String? = nil, name: String? = nil, category: String? = nil,
                description: String? = nil, homepage: String? = nil) {
        self.program = program
        self.version = version
        self.publisher = publisher
        self.platforms = platforms
        self.costReference = costReference
        self.variant = variant
        self.name = name
        self.category = category
        self.description = description
        self.homepage = homepage
    }

    /// Checks the packager's corrections before anything is read or stored.
    func validate() throws {
        if let variant, variant.isEmpty || variant.count > 40
            || !variant.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0) }) {
            throw ServiceError(.invalidInput, code: "submit.variant",
                "--variant '\(SafeText.line(variant))' must be 1 to 40 letters, digits, '-', '_' or '.', e.g. x64, arm64, sv-SE or macos")
        }
        if let category, !CatalogManifest.categories.contains(category) {
            throw ServiceError(.invalidInput, code: "submit.category",
                "--category '\(SafeText.line(category))' is not a catalog category; use one of: \(CatalogManifest.categories.sorted().joined(separator: ", "))")
        }
        if let name, name.trimmingCharacters(in: .whitespaces).isEmpty || name.count > 200 {
            throw ServiceError(.invalidInput, code: "submit.name", "--name must be 1 to 200 characters")
        }
        if let description, description.count > 4_000 {
            throw ServiceError(.invalidInput, code: "submit.description", "--description is \(description.count) characters; keep it under 4000")
        }
        if let homepage, !(homepage.hasPrefix("https://") || homepage.hasPrefix("http://")) || homepage.count > 500 || homepage.contains(" ") {
            throw ServiceError(.invalidInput, code: "submit.homepage",
                "--homepage '\(SafeText.line(homepage))' must be an http(s) address, e.g. https://www.mozilla.org/firefox/")
        }
    }
}

/// The answer to a submission: the record, and whether it is new or the one already holding these bytes.
public struct SubmitResult: Codable, Sendable {
    public var submission: SubmissionView
    public var created: Bool
}

/// Called with (bytes read, total bytes) while an installer streams.
public typealias IntakeProgress = @Sendable (Int64, Int64) -> Void

extension CatalogService {
    var inspector: Inspector { Inspector(limits: intakeLimits) }
    var blobs: BlobStore { BlobStore(home: home) }

    /// Reads an installer and says what it is; stores nothing.
    public func inspect(file: URL, progress: IntakeProgress? = nil) throws -> InstallerFacts {
        try Self.requireReadableFile(file)
        return try inspector.inspect(file: file, progress: progress)
    }

    /// Inspects an installer in one pass while copying it into the home, stores it by hash and records the
    /// submission. Identical bytes return the existing submission. A damaged or hostile installer is kept as a
    /// quarantined submission and the call throws with the reason.
    public func submit(file: URL, overrides: SubmissionOverrides, by actor: DepotUser,
                       progress: IntakeProgress? = nil) async throws -> SubmitResult {
        try actor.require(.submit)
        try overrides.validate()
        let costReference = try overrides.costReference.map { try CostReference(parsing: $0) }
        try Self.requireReadableFile(file)
        let temporary = blobs.temporaryFile()
        return try await record(temporary: temporary, fileName: file.lastPathComponent, overrides: overrides,
                                costReference: costReference, by: actor) {
            try inspector.inspectWithLicences(file: file, copyTo: temporary, progress: progress)
        }
    }

    /// Records an installer whose bytes already sit in the home's incoming folder (an HTTP upload): inspects it
    /// there and moves it into the blob store. The temporary file is always consumed.
    public func submitUploaded(temporary: URL, fileName: String, overrides: SubmissionOverrides,
                               by actor: DepotUser) async throws -> SubmitResult {
        do {
            try actor.require(.submit)
        } catch {
            blobs.discard(temporary)
            throw error
        }
        let costReference: CostReference?
        do {
            try overrides.validate()
            costReference = try overrides.costReference.map { try CostReference(parsing: $0) }
        } catch {
            blobs.discard(temporary)
            throw error
        }
        return try await record(temporary: temporary, fileName: fileName, overrides: overrides,
                                costReference: costReference, by: actor) {
            try inspector.inspectWithLicences(file: temporary)
        }
    }

    /// The largest upload the API accepts, from the intake policy.
    public var maxInstallerBytes: Int64 { intakeLimits.maxInstallerBytes }

    /// A temporary path in the home for an upload in progress.
    public func uploadTemporaryFile() -> URL { blobs.temporaryFile() }

    /// Removes an upload that will not be submitted (too large, broken connection).
    public func discardUpload(_ temporary: URL) { blobs.discard(temporary) }

    private func record(temporary: URL, fileName: String, overrides: SubmissionOverrides, costReference: CostReference?,
                        by actor: DepotUser,
                        read: () throws -> (facts: InstallerFacts, licences: [ExtractedEntry])) async throws -> SubmitResult {
        let facts: InstallerFacts
        let licenceTexts: [(path: String, bytes: [UInt8])]
        do {
            let result = try read()
            facts = result.facts
            licenceTexts = result.licences.map { ($0.path, $0.bytes) }
        } catch let error as InspectionError {
            guard let sha256 = error.sha256 else {
                blobs.discard(temporary)
                throw error
            }
            // The whole file was read: keep it as evidence, never to be published.
            if let existing = try await submission(sha256: sha256) {
                blobs.discard(temporary)
                return try Self.resubmission(existing)
            }
            let size = (try? FileManager.default.attributesOfItem(atPath: temporary.path)[.size] as? Int64) ?? nil
            try blobs.adopt(temporary, sha256: sha256)
            let (view, created) = try await quarantine(sha256: sha256, size: size ?? 0, fileName: fileName, reason: error.message,
                                                       costReference: costReference, by: actor)
            guard created else { return try Self.resubmission(view) }
            throw ServiceError(.refused, code: error.code,
                "\(error.message) — kept as submission \(view.id) in state quarantined; it will never be published")
        } catch {
            blobs.discard(temporary)
            throw error
        }
        if let existing = try await submission(sha256: facts.sha256) {
            blobs.discard(temporary)
            return try Self.resubmission(existing)
        }
        guard let slug = overrides.program.map(Self.slug) ?? facts.name.map(Self.slug), !slug.isEmpty else {
            blobs.discard(temporary)
            throw ServiceError(.refused, code: "submit.program-unknown",
                "could not tell which program \(fileName) installs; pass --program NAME (or ?program= in the API)")
        }
        guard let version = overrides.version ?? facts.version, !version.isEmpty else {
            blobs.discard(temporary)
            throw ServiceError(.refused, code: "submit.version-unknown",
                "could not tell which version of \(slug) \(fileName) installs; pass --version V (or ?version= in the API)")
        }
        CrashPoint.reach("intake.inspected")
        try blobs.adopt(temporary, sha256: facts.sha256)
        let stamp = nowString
        let at = now
        let (view, created) = try await database.writer.write { db -> (SubmissionView, Bool) in
            // A parallel submission of the same bytes may have committed since the check above: one submission,
            // and the same answer a sequential resubmission gets.
            if let existing = try SubmissionRecord.filter(SubmissionRecord.Columns.sha256 == facts.sha256).fetchOne(db) {
                return (try Self.view(db, existing), false)
            }
            var program = try ProgramRecord.filter(ProgramRecord.Columns.slug == slug).fetchOne(db)
            if program == nil {
                guard let publisher = overrides.publisher ?? facts.publisher else {
                    throw ServiceError(.refused, code: "submit.publisher-unknown",
                        "\(slug) is a new program and \(fileName) does not say who publishes it; pass --publisher P")
                }
                var record = ProgramRecord(
                    slug: slug, name: overrides.name ?? facts.name ?? slug, publisher: publisher,
                    category: overrides.category ?? "utility", baseline: false,
                    environments: [], versionScheme: "dotted", installerType: facts.installerType, silentSwitch: facts.windows?.silentSwitch,
                    homepage: overrides.homepage, description: overrides.description, createdAt: stamp, updatedAt: stamp)
                try record.insert(db)
                try AuditLog.append(db, at: at, actor: actor.name, action: "program.create", subject: "program:\(slug)",
                                    after: Snapshot.json(record))
                program = record
            } else if var known = program {
                // The packager's corrections of the program's facts, audited as a change of the program.
                let before = known
                if let name = overrides.name { known.name = name }
                if let category = overrides.category { known.category = category }
                if let description = overrides.description { known.description = description }
                if let homepage = overrides.homepage { known.homepage = homepage }
                if known != before {
                    known.updatedAt = stamp
                    try known.update(db)
                    try AuditLog.append(db, at: at, actor: actor.name, action: "program.correct", subject: "program:\(slug)",
                                        before: Snapshot.json(before), after: Snapshot.json(known))
                    program = known
                }
            }
            let programId = program!.id!
            let platforms = overrides.platforms.isEmpty ? facts.platforms : overrides.platforms
            var packageVersion = try Self.versionForInstaller(db, programId: programId, slug: slug, version: version,
                                                              variant: overrides.variant, sha256: facts.sha256)
                ?? PackageVersionRecord(
                    programId: programId, version: version, variant: overrides.variant ?? "", state: .inspected, released: nil,
                    licence: nil, platforms: platforms, architectures: [], installerType: nil, origin: "submission", createdAt: stamp, updatedAt: stamp)
            // A catalogued version (a manifest, no installer) becomes this installer's version: it keeps its release day.
            let before = packageVersion.id.map { _ in packageVersion.state }
            packageVersion.state = .inspected
            if let variant = overrides.variant { packageVersion.variant = variant }
            let manifestLicence = packageVersion.id == nil ? nil : packageVersion.licence
            packageVersion.licence = facts.declaredLicense ?? manifestLicence
            packageVersion.licenceScope = nil
            packageVersion.platforms = platforms
            packageVersion.architectures = facts.architectures
            packageVersion.installerType = facts.installerType
            packageVersion.sha256 = facts.sha256
            packageVersion.size = facts.size
            packageVersion.updatedAt = stamp
            if packageVersion.id == nil {
                try packageVersion.insert(db)
            } else {
                try packageVersion.update(db)
                try AuditLog.append(db, at: at, actor: actor.name, action: "version.package", subject: "program:\(slug)",
                                    before: Snapshot.json(["version": version, "state": before?.rawValue ?? ""]),
                                    after: Snapshot.json(["version": version, "state": PackageState.inspected.rawValue, "sha256": facts.sha256]))
            }
            var submission = SubmissionRecord(
                sha256: facts.sha256, fileName: fileName, size: facts.size, submitter: actor.name, submittedAt: stamp,
                facts: facts, error: nil, quarantined: false, costReference: costReference?.description,
                packageVersionId: packageVersion.id)
            try submission.insert(db)
            try fileLicenceReview(db, versionId: packageVersion.id!, submissionId: submission.id, declared: facts.declaredLicense,
                                  texts: licenceTexts, at: at, manifestLicence: manifestLicence)
            let view = try Self.view(db, submission)
            try AuditLog.append(db, at: at, actor: actor.name, action: "submission.create", subject: "submission:\(submission.id!)",
                                before: Snapshot.json(["state": PackageState.submitted.rawValue]), after: Snapshot.json(AuditedSubmission(view)))
            return (view, true)
        }
        guard created else { return try Self.resubmission(view) }
        CrashPoint.reach("intake.recorded")
        return SubmitResult(submission: view, created: true)
    }

    private func quarantine(sha256: String, size: Int64, fileName: String, reason: String,
                            costReference: CostReference?, by actor: DepotUser) async throws -> (SubmissionView, Bool) {
        let stamp = nowString
        let at = now
        return try await database.writer.write { db in
            if let existing = try SubmissionRecord.filter(SubmissionRecord.Columns.sha256 == sha256).fetchOne(db) {
                return (try Self.view(db, existing), false)
            }
            var submission = SubmissionRecord(
                sha256: sha256, fileName: fileName, size: size, submitter: actor.name, submittedAt: stamp, facts: nil,
                error: reason, quarantined: true, costReference: costReference?.description, packageVersionId: nil)
            try submission.insert(db)
            let view = try Self.view(db, submission)
            try AuditLog.append(db, at: at, actor: actor.name, action: "submission.quarantine", subject: "submission:\(submission.id!)",
                                before: Snapshot.json(["state": PackageState.submitted.rawValue]), after: Snapshot.json(AuditedSubmission(view)))
            return (view, true)
        }
    }

    /// The stored version an installer of `program` `version` (`variant`) joins: a catalogued one without an installer,
    /// or none (a new row). Different bytes for a version that has an installer are refused, naming its submission,
    /// unless the packager declares a variant that tells the two apart.
    static func versionForInstaller(_ db: Database, programId: Int64, slug: String, version: String, variant: String?,
                                    sha256: String) throws -> PackageVersionRecord? {
        let existing = try PackageVersionRecord
            .filter(PackageVersionRecord.Columns.programId == programId && PackageVersionRecord.Columns.version == version)
            .order(PackageVersionRecord.Columns.id).fetchAll(db)
        if let same = existing.first(where: { $0.variant == (variant ?? "") }) {
            if same.state == .catalogued && same.sha256 == nil { return same }
            let submission = try SubmissionRecord.filter(Column("packageVersionId") == same.id!).fetchOne(db)
            let shown = same.variant.isEmpty ? "\(slug) \(version)" : "\(slug) \(version) (variant \(same.variant))"
            let holder = submission.map { "submission \($0.id!) (\($0.fileName), sha256 \($0.sha256.prefix(12))…, \(same.state.rawValue))" }
                ?? "a \(same.state.rawValue) version"
            throw ServiceError(.conflict, code: "submit.version-taken",
                "\(shown) is already \(holder) with different bytes; one version has one installer. "
                    + "If this is another build of it for a different architecture, locale or platform, submit it with "
                    + "--variant NAME (e.g. --variant x64, --variant sv-SE); if it is a newer build, give it its own --version")
        }
        if variant != nil, let catalogued = existing.first(where: { $0.state == .catalogued && $0.sha256 == nil }) {
            return catalogued
        }
        return nil
    }

    /// The answer to bytes already submitted: the existing submission, or, when it was quarantined, the original
    /// refusal again (so a script resubmitting a refused installer never sees success).
    static func resubmission(_ existing: SubmissionView) throws -> SubmitResult {
        guard existing.state == "quarantined" else { return SubmitResult(submission: existing, created: false) }
        throw ServiceError(.refused, code: "submit.quarantined",
            "\(existing.error ?? "this installer was refused") — these bytes are already kept as submission \(existing.id) "
            + "in state quarantined; they will never be published")
    }

    func submission(sha256: String) async throws -> SubmissionView? {
        try await database.writer.read { db in
            try SubmissionRecord.filter(SubmissionRecord.Columns.sha256 == sha256).fetchOne(db).map { try Self.view(db, $0) }
        }
    }

    /// Submissions, newest first; `state` filters by pipeline state or `quarantined`.
    public func submissions(state: String? = nil, by actor: DepotUser) async throws -> [SubmissionView] {
        try actor.require(.readSubmissions)
        if let state, state != "quarantined" { _ = try PackageState(userInput: state) }
        let all = try await database.writer.read { db in
            try SubmissionRecord.order(SubmissionRecord.Columns.id.desc).fetchAll(db).map { try Self.view(db, $0) }
        }
        guard let state else { return all }
        return all.filter { $0.state == state.lowercased() }
    }

    public func submission(id: Int64, by actor: DepotUser) async throws -> SubmissionView {
        try actor.require(.readSubmissions)
        let found = try await database.writer.read { db in
            try SubmissionRecord.fetchOne(db, key: id).map { try Self.view(db, $0) }
        }
        guard let found else {
            throw ServiceError(.notFound, code: "submission.unknown",
                "there is no submission \(id); 'depot submissions list' shows them")
        }
        return found
    }

    static func view(_ db: Database, _ s: SubmissionRecord) throws -> SubmissionView {
        var state = "quarantined"
        var program: String?, version: String?, publisher: String?, platforms: [String] = []
        var classification: ClassificationRecord?
        var test: PackageTestRecord?
        if let versionId = s.packageVersionId, let v = try PackageVersionRecord.fetchOne(db, key: versionId),
           let p = try ProgramRecord.fetchOne(db, key: v.programId) {
            state = v.state.rawValue
            program = p.slug
            version = v.version
            publisher = p.publisher
            platforms = v.platforms
            classification = try ClassificationRecord.filter(ClassificationRecord.Columns.packageVersionId == versionId).fetchOne(db)
            test = try PackageTestRecord.filter(PackageTestRecord.Columns.packageVersionId == versionId)
                .order(PackageTestRecord.Columns.id.desc).fetchOne(db)
        }
        return SubmissionView(id: s.id!, state: state, fileName: s.fileName, sha256: s.sha256, size: s.size,
                              submitter: s.submitter, submittedAt: s.submittedAt, program: program, version: version,
                              publisher: publisher, platforms: platforms, costReference: s.costReference, facts: s.facts,
                              error: s.error, tier: classification?.tier, tierReasons: classification?.reasons,
                              lastTest: test.map { t in
                                  (t.mode == "auto" ? (t.runner ?? "tested automatically") : "attested by \(t.testedBy)")
                                      + ": " + (t.passed ? "passed" : "failed") + " at \(t.testedAt)"
                              })
    }

    /// A program id from a display name: lowercase ASCII letters and digits joined by single hyphens.
    static func slug(_ name: String) -> String {
        var out = ""
        var pendingHyphen = false
        for scalar in name.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                if pendingHyphen && !out.isEmpty { out.append("-") }
                pendingHyphen = false
                out.unicodeScalars.append(scalar)
            } else {
                pendingHyphen = true
            }
            if out.count >= 100 { break }
        }
        return out
    }

    static func requireReadableFile(_ file: URL) throws {
        // stat(2), never open(2): opening a FIFO to look at it would block until a writer came.
        if let problem = RegularFile.problem(atPath: file.path) {
            let code = problem.hasPrefix("does not exist") ? "file.missing"
                : problem.contains("a directory") ? "file.directory" : "file.not-regular"
            throw ServiceError(.invalidInput, code: code,
                "\(SafeText.line(file.path)) \(problem); give the path of an installer file")
        }
        guard FileManager.default.isReadableFile(atPath: file.path) else {
            throw ServiceError(.invalidInput, code: "file.unreadable", "\(SafeText.line(file.path)) cannot be read; check its permissions")
        }
    }
}

/// A submission as its audit record keeps it: every field but the facts, which it names by their SHA-256 (of their
/// sorted-key JSON, as `submissions show --json` prints them), so an audit record stays small whatever an
/// installer claims about itself.
struct AuditedSubmission: Encodable {
    let view: SubmissionView

    init(_ view: SubmissionView) { self.view = view }

    private enum Keys: String, CodingKey { case factsSha256 }

    func encode(to encoder: any Encoder) throws {
        var stripped = view
        stripped.facts = nil
        try stripped.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encodeIfPresent(view.facts.map { SHA256Hasher.hex(Snapshot.json($0)) }, forKey: .factsSha256)
    }
}
