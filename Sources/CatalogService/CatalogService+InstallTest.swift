import Classification
import DepotCrypto
import DepotModel
import DepotPolicy
import Foundation
import GRDB
import Sandbox
import Signing
import Storage

/// What an automatic install test did: the test record, its evidence, and the classification when the test changed it.
public struct AutoTestView: Codable, Sendable, Equatable {
    public var test: TestView
    public var evidence: InstallTestEvidence
    /// Set when what the test observed made the packaging complex (the tier and price changed with it).
    public var reclassified: ClassificationView?
}

/// How one version of a program was tested, for the program page.
public struct VersionTestView: Codable, Sendable, Equatable {
    public var version: String
    public var submission: Int64
    /// "tested automatically (Wine 8.0, template …)" or "attested by NAME"; nil when never tested.
    public var kind: String?
    public var passed: Bool?
    /// The detection rule an automatic test derived, in words.
    public var detection: String?
}

/// One published package re-tested by `depot retest --published`.
public struct RetestView: Codable, Sendable, Equatable {
    public var submission: Int64
    public var program: String
    public var version: String
    /// The new test record's id (its evidence: GET /submissions/{id}/tests/{test}/evidence).
    public var test: Int64
    public var passed: Bool
    public var reasons: [String]
}

extension CatalogService {
    /// `testing.yaml`, or its shipped values when no policy folder is loaded.
    public var testingPolicy: TestingPolicy { policies?.testing ?? TestingPolicy() }

    /// Installer types the Wine sandbox can install and uninstall.
    static let sandboxTestable: Set<String> = ["msi", "nsis", "inno", "burn", "installshield", "exe"]

    /// The runner in use: the one set on the service (tests, a VM runner), else Wine under `<home>/sandbox`.
    func runner() throws -> any InstallTestRunner {
        if let installTestRunner { return installTestRunner }
        return try WineRunner(directory: home.root.appendingPathComponent("sandbox", isDirectory: true))
    }

    /// Installs the package silently in the sandbox, records what changed, derives the detection rule, uninstalls,
    /// and records the result as a test of the submission (evidence stored by hash). A pass moves it to `tested`;
    /// a failure keeps it `classified` when `testing.yaml` says `sandboxFailure: block`, and only warns otherwise.
    /// Observed services, drivers, autostarts, restarts or per-user registry writes make the packaging complex at once.
    public func autoTest(submission id: Int64, by actor: DepotUser,
                         progress: @escaping @Sendable (String) -> Void = { _ in }) async throws -> AutoTestView {
        try actor.require(.testPackages)
        let policy = testingPolicy
        let (submission, version, program) = try await database.writer.read { db in
            let (submission, version) = try Self.pipelineVersion(db, submission: id, action: "tested")
            try Self.requireTestable(version, submission: id)
            return (submission, version, try ProgramRecord.fetchOne(db, key: version.programId))
        }
        let (evidence, evidenceSha) = try await runSandbox(submission, version: version, program: program, progress: progress)
        return try await database.writer.write { [now, nowString] db in
            let (submission, version) = try Self.pipelineVersion(db, submission: id, action: "tested")
            try Self.requireTestable(version, submission: id)
            let blocking = evidence.passed || policy.sandboxFailure == .block
            var record = PackageTestRecord(
                packageVersionId: version.id!, passed: evidence.passed, notes: Self.testNotes(evidence),
                evidenceName: "install-test.json", evidenceSha256: evidenceSha, testedBy: actor.name, testedAt: nowString,
                mode: "auto", runner: evidence.runner.summary, reasons: evidence.reasons, blocking: blocking)
            try record.insert(db)
            var updated = version
            if evidence.passed { updated.state = .tested } else if blocking { updated.state = .classified }
            updated.updatedAt = nowString
            if updated.state != version.state { try updated.update(db) }
            let reclassified = try self.applyObservedComplexity(db, evidence: evidence, submission: submission, version: updated,
                                                                 actor: actor, at: now)
            let view = try Self.testView(db, record, submission: submission, version: updated)
            try AuditLog.append(db, at: now, actor: actor.name, action: evidence.passed ? "package.test.auto.pass" : "package.test.auto.fail",
                                subject: "submission:\(id)", before: Snapshot.json(["state": version.state.rawValue]),
                                after: Snapshot.json(view))
            return AutoTestView(test: view, evidence: evidence, reclassified: reclassified)
        }
    }

    /// Runs the automatic test right after classification when `testing.yaml` says so and Wine can test the
    /// installer; nil otherwise. A sandbox that cannot run is logged, not thrown: the classification stands.
    public func testAfterClassification(submission id: Int64, by actor: DepotUser,
                                        progress: @escaping @Sendable (String) -> Void = { _ in }) async throws -> AutoTestView? {
        guard testingPolicy.autoTestAfterClassification else { return nil }
        let type = try await database.writer.read { db in try SubmissionRecord.fetchOne(db, key: id)?.facts?.installerType }
        guard let type, Self.sandboxTestable.contains(type) else { return nil }
        do {
            return try await autoTest(submission: id, by: actor, progress: progress)
        } catch let error as ServiceError where error.kind == .internal {
            logger.warning("automatic install test of submission \(id) after classification could not run: \(error.message)")
            return nil
        }
    }

    /// Builds the job from what intake read (and the program's silent switch, the packager's override), runs it,
    /// and stores the evidence by hash.
    func runSandbox(_ submission: SubmissionRecord, version: PackageVersionRecord, program: ProgramRecord?,
                    progress: @escaping @Sendable (String) -> Void) async throws -> (InstallTestEvidence, String) {
        let id = submission.id ?? 0
        let type = submission.facts?.installerType ?? "unknown"
        guard Self.sandboxTestable.contains(type) else {
            throw ServiceError(.refused, code: "test.untestable",
                "submission \(id) is a \(type) package, which Wine cannot install; record a manual test with "
                    + "'depot test \(id) --passed --notes …' (or --failed)")
        }
        let blob = blobs.url(for: submission.sha256)
        guard FileManager.default.isReadableFile(atPath: blob.path) else {
            throw ServiceError(.internal, code: "test.blob-missing",
                "the installer of submission \(id) is missing from \(blob.path); restore the blob store from backup")
        }
        let silent = program?.silentSwitch ?? submission.facts?.windows?.silentSwitch
        let job = InstallTestJob(installer: blob, fileName: Self.sandboxFileName(submission.fileName, type: type),
                                 installerType: type, silentSwitch: type == "msi" ? nil : silent,
                                 expectedVersion: version.version, timeoutSeconds: testingPolicy.installTimeoutSeconds)
        let evidence: InstallTestEvidence
        do {
            evidence = try await runner().run(job, progress: progress)
        } catch let error as SandboxError {
            throw ServiceError(error.kind, code: error.code, error.message)
        }
        return (evidence, try storeDocument(evidence))
    }

    /// Re-runs the automatic test of published packages whose last automatic test is older than `olderThanDays`
    /// (testing.yaml `retestAfterDays` when nil), as Chocolatey re-verifies its packages. The result is recorded as a
    /// test that never changes the published state; a failure is flagged in the answer and in the audit log.
    public func retestPublished(olderThanDays: Int? = nil, by actor: DepotUser,
                                progress: @escaping @Sendable (String) -> Void = { _ in }) async throws -> [RetestView] {
        try actor.require(.testPackages)
        let days = olderThanDays ?? testingPolicy.retestAfterDays
        let cutoff = Timestamp.string(now.addingTimeInterval(-Double(days) * 86_400))
        let due = try await database.writer.read { db -> [(SubmissionRecord, PackageVersionRecord, ProgramRecord?)] in
            let versions = try PackageVersionRecord.filter(Column("state") == PackageState.published.rawValue).fetchAll(db)
            return try versions.compactMap { version in
                guard let submission = try SubmissionRecord.filter(Column("packageVersionId") == version.id!).fetchOne(db),
                      Self.sandboxTestable.contains(submission.facts?.installerType ?? "") else { return nil }
                let last = try String.fetchOne(db, sql: """
                    SELECT MAX(testedAt) FROM packageTest WHERE packageVersionId = ? AND mode = 'auto'
                    """, arguments: [version.id!])
                if let last, last > cutoff { return nil }
                return (submission, version, try ProgramRecord.fetchOne(db, key: version.programId))
            }
        }
        var results: [RetestView] = []
        for (submission, version, program) in due {
            let id = submission.id!
            progress("re-testing submission \(id): \(program?.slug ?? "?") \(version.version)")
            let (evidence, sha) = try await runSandbox(submission, version: version, program: program, progress: progress)
            let view = try await database.writer.write { [now, nowString] db in
                var record = PackageTestRecord(
                    packageVersionId: version.id!, passed: evidence.passed, notes: "re-test of a published package: " + Self.testNotes(evidence),
                    evidenceName: "install-test.json", evidenceSha256: sha, testedBy: actor.name, testedAt: nowString,
                    mode: "auto", runner: evidence.runner.summary, reasons: evidence.reasons, blocking: false)
                try record.insert(db)
                let view = RetestView(submission: id, program: program?.slug ?? "?", version: version.version, test: record.id!,
                                      passed: evidence.passed, reasons: evidence.reasons)
                try AuditLog.append(db, at: now, actor: actor.name, action: evidence.passed ? "package.retest.pass" : "package.retest.fail",
                                    subject: "submission:\(id)", after: Snapshot.json(view))
                return view
            }
            results.append(view)
        }
        return results
    }

    /// The latest test of every version of a program that has a submission, newest version first.
    public func versionTests(program slug: String, by actor: DepotUser) async throws -> [VersionTestView] {
        try actor.require(.readCatalog)
        let blobs = self.blobs
        return try await database.writer.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT v.id AS versionId, v.version, s.id AS submissionId FROM packageVersion v
                JOIN program p ON p.id = v.programId JOIN submission s ON s.packageVersionId = v.id
                WHERE p.slug = ? ORDER BY v.id DESC
                """, arguments: [slug])
            return try rows.map { row in
                let versionId: Int64 = row["versionId"]
                let test = try PackageTestRecord.filter(PackageTestRecord.Columns.packageVersionId == versionId)
                    .order(PackageTestRecord.Columns.id.desc).fetchOne(db)
                let detection = test.flatMap { $0.mode == "auto" ? $0.evidenceSha256 : nil }
                    .flatMap { FileManager.default.contents(atPath: blobs.url(for: $0).path) }
                    .flatMap { try? JSONDecoder().decode(InstallTestEvidence.self, from: $0) }?.detectionRule?.summary
                return VersionTestView(version: row["version"], submission: row["submissionId"],
                                       kind: test.map { $0.mode == "auto" ? ($0.runner ?? "tested automatically") : "attested by \($0.testedBy)" },
                                       passed: test?.passed, detection: detection)
            }
        }
    }

    /// The evidence document of an automatic test: the given test id, else the submission's latest automatic test.
    public func testEvidence(submission id: Int64, test testId: Int64? = nil, by actor: DepotUser) async throws -> InstallTestEvidence {
        try actor.require(.readSubmissions)
        let record = try await database.writer.read { db -> PackageTestRecord? in
            let (_, version) = try Self.pipelineVersion(db, submission: id, action: "tested")
            var request = PackageTestRecord.filter(PackageTestRecord.Columns.packageVersionId == version.id!
                && PackageTestRecord.Columns.mode == "auto")
            if let testId { request = request.filter(PackageTestRecord.Columns.id == testId) }
            return try request.order(PackageTestRecord.Columns.id.desc).fetchOne(db)
        }
        guard let record, let sha = record.evidenceSha256 else {
            throw ServiceError(.notFound, code: "test.no-evidence",
                "submission \(id) has no automatic test\(testId.map { " \($0)" } ?? ""); run 'depot test \(id) --auto'")
        }
        guard let data = FileManager.default.contents(atPath: blobs.url(for: sha).path),
              let evidence = try? JSONDecoder().decode(InstallTestEvidence.self, from: data) else {
            throw ServiceError(.internal, code: "test.evidence-unreadable",
                "the evidence of test \(record.id ?? 0) (sha256 \(sha)) is missing or damaged in the blob store; restore it from backup")
        }
        return evidence
    }

    /// How a version was tested, for catalog.json: the latest passing test; an automatic one brings its detection
    /// rule and the silent commands it proved.
    static func publishedTest(_ db: Database, versionId: Int64, blobs: BlobStore) throws -> PublishedTest? {
        guard let test = try PackageTestRecord.filter(PackageTestRecord.Columns.packageVersionId == versionId
            && Column("passed") == true).order(PackageTestRecord.Columns.id.desc).fetchOne(db) else { return nil }
        let day = String(test.testedAt.prefix(10))
        guard test.mode == "auto" else {
            return PublishedTest(kind: "attested", summary: "attested by \(test.testedBy) on \(day)")
        }
        let evidence = test.evidenceSha256
            .flatMap { FileManager.default.contents(atPath: blobs.url(for: $0).path) }
            .flatMap { try? JSONDecoder().decode(InstallTestEvidence.self, from: $0) }
        return PublishedTest(kind: "automatic", summary: "\(test.runner ?? "tested automatically") on \(day)",
                             detection: evidence?.detectionRule?.fields, silentInstall: evidence?.silentInstall,
                             silentUninstall: evidence?.silentUninstall)
    }

    static func requireTestable(_ version: PackageVersionRecord, submission id: Int64) throws {
        switch version.state {
        case .classified, .tested: return
        case .signed, .published, .retired:
            throw ServiceError(.conflict, code: "test.state",
                "submission \(id) is \(version.state.rawValue) already; a signed package is not tested again. Submit a new build instead")
        default:
            throw ServiceError(.conflict, code: "test.state",
                "submission \(id) is \(version.state.rawValue); \(nextStep(for: version.state, submission: id))")
        }
    }

    /// Some installers read their own name; keep the submitted one when it is a plain file name with the right ending.
    static func sandboxFileName(_ submitted: String, type: String) -> String {
        let ending = type == "msi" ? ".msi" : ".exe"
        let plain = submitted.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "._- ()".unicodeScalars.contains($0) }
        if plain, submitted.lowercased().hasSuffix(ending), submitted.count <= 100 { return submitted }
        return "setup" + ending
    }

    /// One line for the test record's notes.
    static func testNotes(_ e: InstallTestEvidence) -> String {
        var parts = ["\(e.runner.summary): install exit code \(e.install.exitCode.map(String.init) ?? "none")"]
        if let rule = e.detectionRule { parts.append("detection: \(rule.summary)") }
        if let u = e.uninstall { parts.append("uninstall exit code \(u.exitCode.map(String.init) ?? "none")") }
        parts.append(e.passed ? "passed" : "failed: " + e.reasons.joined(separator: "; "))
        return parts.joined(separator: "; ")
    }

    /// Stores a JSON document in the blob store; returns its SHA-256.
    func storeDocument<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        let sha = SHA256Hasher.hex(Array(data))
        if blobs.contains(sha) { return sha }
        let temporary = blobs.temporaryFile()
        do {
            try data.write(to: temporary)
            _ = try blobs.adopt(temporary, sha256: sha)
        } catch {
            blobs.discard(temporary)
            throw error
        }
        return sha
    }

    /// What the test saw that makes packaging complex goes into the classification at once: tier, reasons and price.
    func applyObservedComplexity(_ db: Database, evidence: InstallTestEvidence, submission: SubmissionRecord,
                                 version: PackageVersionRecord, actor: DepotUser, at: Date) throws -> ClassificationView? {
        guard !evidence.complexity.isEmpty,
              var classification = try ClassificationRecord.filter(ClassificationRecord.Columns.packageVersionId == version.id!).fetchOne(db)
        else { return nil }
        let newReasons = evidence.complexity.filter { !classification.reasons.contains($0) }
        guard classification.tier != PackagingTier.complex.rawValue || !newReasons.isEmpty else { return nil }
        let before = classification
        if classification.tier != PackagingTier.complex.rawValue, let policies,
           let old = try? JSONDecoder().decode(Price.self, from: Data(classification.price.utf8)) {
            let isUpdate = try PackageVersionRecord
                .filter(PackageVersionRecord.Columns.programId == version.programId && PackageVersionRecord.Columns.id != version.id!)
                .fetchCount(db) > 0
            var price = try Pricing(policy: policies.pricing).quote(
                tier: .complex, isUpdate: isUpdate, submittedAt: Timestamp.parse(submission.submittedAt) ?? at,
                positionInMonth: classification.positionInMonth)
            price.includedInQuota = old.includedInQuota && price.includedInQuota
            classification.price = Snapshot.json(price)
            classification.tier = PackagingTier.complex.rawValue
        }
        classification.reasons += newReasons
        if !classification.rules.contains("observed-during-install-test") { classification.rules.append("observed-during-install-test") }
        try classification.update(db)
        let view = try Self.classificationView(db, classification, submission: submission, version: version)
        try AuditLog.append(db, at: at, actor: actor.name, action: "package.classify.observed", subject: "submission:\(submission.id!)",
                            before: Snapshot.json(before), after: Snapshot.json(view))
        return view
    }
}
