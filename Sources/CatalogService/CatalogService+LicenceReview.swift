import DepotModel
import DepotPolicy
import Foundation
import GRDB
import Licensing
import Storage

/// How the policy judged a licence in one environment.
public struct PolicyVerdict: Codable, Sendable, Equatable {
    /// allow, deny or review.
    public var outcome: String
    public var reasons: [String]
}

/// A licence review as reviewers see it.
public struct LicenceReviewView: Codable, Sendable, Equatable {
    /// The review's number: the number of the submission it belongs to (one number for one submission).
    public var id: Int64
    public var submission: Int64?
    public var program: String
    public var version: String
    public var state: PackageState
    public var submitter: String?
    /// The licence exactly as the package declares it.
    public var declared: String?
    /// How Depot read the declaration: strict, normalised, freeText, ambiguous, unrecognised.
    public var reading: String?
    /// What the reader noted about the declaration (where it came from, what it could not name).
    public var note: String?
    /// The SPDX expression Depot proposes, from the declaration and the licence texts.
    public var expression: String?
    public var matches: [LicenceMatch]
    public var clauses: [LicenceClause]
    public var admin: PolicyVerdict
    public var edu: PolicyVerdict
    public var needsSeats: Bool
    public var decision: String?
    public var scope: String?
    public var conditions: [String]
    public var reason: String?
    public var decidedBy: String?
    public var decidedAt: String?
    /// The expression the reviewer concluded when detection missed the licence or got it wrong; `expression` keeps
    /// what Depot detected.
    public var concluded: String?
    /// The licence texts found in the package, readable with `depot reviews text` or `GET /api/v1/reviews/{id}/texts`.
    public var texts: [LicenceTextRef]
}

/// A licence text stored with a review: its path in the package, its hash in the blob store, its length in lines.
public struct LicenceTextRef: Codable, Sendable, Equatable {
    public var path: String
    public var sha256: String
    public var lines: Int
}

/// A licence text as the reviewer reads it, with the detector's matches (line ranges) to highlight.
public struct LicenceText: Codable, Sendable, Equatable {
    public var path: String
    public var sha256: String
    public var text: String
    public var matches: [LicenceMatch]
    public var clauses: [LicenceClause]
}

/// A reviewer's decision.
public struct LicenceDecision: Sendable, Equatable {
    public var approve: Bool
    public var scope: LicenceScope?
    public var conditions: [String]
    public var reason: String
    /// The SPDX expression the reviewer concludes from reading the texts, when detection missed it or got it wrong.
    public var licence: String?

    public init(approve: Bool, scope: LicenceScope?, conditions: [String] = [], reason: String, licence: String? = nil) {
        self.approve = approve
        self.scope = scope
        self.conditions = conditions
        self.reason = reason
        self.licence = licence
    }
}

/// What Depot read from the package before a person looks, as stored with the review.
struct StoredDetection: Codable {
    var reading: String?
    var candidates: [String]
    var note: String?
    var matches: [LicenceMatch]
    var clauses: [LicenceClause]
}

/// Entitlements and use of one per-seat program.
public struct SeatUsage: Codable, Sendable, Equatable {
    public struct Entitlement: Codable, Sendable, Equatable {
        public var seats: Int
        public var costReference: String?
        public var expires: String?
        public var expired: Bool
    }
    public var program: String
    /// Seats in entitlements that have not expired.
    public var owned: Int
    public var used: Int
    public var available: Int
    public var entitlements: [Entitlement]
}

enum LicenceReferenceData {
    /// Reference texts from the installed Debian packages, loaded once per process; nil when none are installed.
    /// (ScanCode's licence data is not the default yet: with it, look-alike licences are not yet told apart reliably.)
    static let library: LicenceLibrary? = try? LicenceLibrary.load()
}

extension CatalogService {
    /// Reads the licence of a new package version and files the review, inside the submission's transaction.
    func fileLicenceReview(_ db: Database, versionId: Int64, submissionId: Int64?, declared: String?,
                           texts: [(path: String, bytes: [UInt8])], at: Date, manifestLicence: String? = nil) throws {
        // An installer that declares nothing is read against the catalog manifest's licence, and says so.
        let reading = (declared ?? manifestLicence).map { DeclaredLicenceReader().read($0) }
        let note = declared == nil && manifestLicence != nil
            ? "the installer declares no licence; this is the catalog manifest's licence" + (reading?.note.map { "; " + $0 } ?? "")
            : reading?.note
        // The texts are kept, in the plain form the detector read, so a reviewer reads what was matched.
        var stored: [LicenceTextRef] = []
        for text in texts.prefix(50) {
            let plain = LicenceDetector.text(path: text.path, bytes: text.bytes)
            let bytes = Array(plain.utf8)
            guard bytes.count <= 4 << 20 else { continue }
            stored.append(LicenceTextRef(path: text.path, sha256: try blobs.store(bytes: bytes),
                                         lines: plain.split(separator: "\n", omittingEmptySubsequences: false).count))
        }
        var report: LicenceReport?
        if !texts.isEmpty, let library = LicenceReferenceData.library {
            report = LicenceDetector(library: library).detect(files: texts)
        }
        // With a readable declaration, only confidently named texts add to it; a text that matched nothing (a DEP-5
        // copyright file is mostly metadata) stays in `matches` for the reviewer instead of making the licence unknown.
        let detected = reading?.expression == nil
            ? report?.expression
            : LicenceDetector.expression(of: report?.matches.filter(\.isConfident) ?? [])
        let expression = SPDXExpression.allOf([reading?.expression, detected].compactMap { $0 })
        let admin = Self.verdict(expression, policy: policies?.licences, in: .admin)
        let edu = Self.verdict(expression, policy: policies?.licences, in: .edu)
        let detection = StoredDetection(reading: reading?.reading.rawValue, candidates: reading?.candidates ?? [],
                                        note: note, matches: report?.matches ?? [], clauses: report?.clauses ?? [])
        // The review has its submission's number: one number for one submission everywhere.
        var review = LicenceReviewRecord(
            id: submissionId, packageVersionId: versionId, submissionId: submissionId, declared: declared, expression: expression?.description,
            detection: Snapshot.json(detection), adminOutcome: admin.outcome, eduOutcome: edu.outcome,
            policyReasons: ["admin: " + admin.reasons.joined(separator: "; "), "edu: " + edu.reasons.joined(separator: "; ")],
            createdAt: Timestamp.string(at))
        review.texts = stored.isEmpty ? nil : Snapshot.json(stored)
        try review.insert(db)
        if let expression {
            try db.execute(sql: "UPDATE packageVersion SET licence = ? WHERE id = ?", arguments: [expression.description, versionId])
        }
    }

    /// Reviews, pending first; `pending` keeps only those without a decision.
    public func licenceReviews(pending: Bool = false, by actor: DepotUser) async throws -> [LicenceReviewView] {
        try actor.require(.readReviews)
        let policy = policies?.licences
        return try await database.writer.read { db in
            var request = LicenceReviewRecord.order(LicenceReviewRecord.Columns.id.desc)
            if pending { request = request.filter(LicenceReviewRecord.Columns.decision == nil) }
            return try request.fetchAll(db).map { try Self.reviewView(db, $0, policy: policy) }
        }
    }

    public func licenceReview(id: Int64, by actor: DepotUser) async throws -> LicenceReviewView {
        try actor.require(.readReviews)
        let policy = policies?.licences
        let found = try await database.writer.read { db in
            try LicenceReviewRecord.fetchOne(db, key: id).map { try Self.reviewView(db, $0, policy: policy) }
        }
        guard let found else { throw Self.unknownReview(id) }
        return found
    }

    /// A reviewer who did not submit the package approves it for a scope, or rejects it with a reason.
    public func decideLicence(review id: Int64, _ decision: LicenceDecision, by actor: DepotUser) async throws -> LicenceReviewView {
        try actor.require(.decideLicences)
        let reason = decision.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        if reason.isEmpty {
            throw ServiceError(.invalidInput, code: "review.reason",
                "a licence decision needs a reason (--reason TEXT) so that the next reviewer knows why")
        }
        if decision.approve && decision.scope == nil {
            throw ServiceError(.invalidInput, code: "review.scope", "an approval names where the program may be used: --scope admin, edu or both")
        }
        let concluded = try decision.licence.map { text -> SPDXExpression in
            do {
                return try SPDXExpression.parse(text, list: .builtIn)
            } catch {
                throw ServiceError(.invalidInput, code: "review.licence",
                    "--licence '\(SafeText.line(text))' is not an SPDX expression: \(error); write it as the SPDX licence list spells it, e.g. 'MPL-2.0' or 'GPL-2.0-or-later AND BSD-3-Clause' (LicenseRef-NAME for terms not on the list)")
            }
        }
        let policy = policies?.licences
        let stamp = nowString
        let at = now
        return try await database.writer.write { db in
            guard var review = try LicenceReviewRecord.fetchOne(db, key: id) else { throw Self.unknownReview(id) }
            if let done = review.decision {
                throw ServiceError(.conflict, code: "review.decided",
                    "the licence of submission \(id) was already \(done) by \(review.decidedBy ?? "?") at \(review.decidedAt ?? "?")")
            }
            let before = try Self.reviewView(db, review, policy: policy)
            if let submitter = before.submitter, submitter == actor.name {
                throw ServiceError(.forbidden, code: "review.four-eyes",
                    "licence for submission \(before.submission.map(String.init) ?? "?") was proposed by \(submitter); a different reviewer must decide it")
            }
            guard before.state == .inspected else {
                throw ServiceError(.conflict, code: "review.state",
                    "\(before.program) \(before.version) is \(before.state.rawValue); only an inspected version awaits a licence decision")
            }
            // A concluded licence is judged by the policy in place of the detected one.
            let judged = concluded.map { (admin: Self.verdict($0, policy: policy, in: .admin), edu: Self.verdict($0, policy: policy, in: .edu)) }
            if decision.approve, let scope = decision.scope {
                for environment in scope.environments {
                    let verdict = environment == "admin" ? (judged?.admin ?? before.admin) : (judged?.edu ?? before.edu)
                    if verdict.outcome == LicenceOutcome.deny.rawValue {
                        throw ServiceError(.refused, code: "review.policy-denies",
                            "the licence policy denies \(concluded?.description ?? before.expression ?? "this licence") in \(environment): \(verdict.reasons.joined(separator: "; ")). Narrow --scope, or reject")
                    }
                }
            }
            review.decision = decision.approve ? "approved" : "rejected"
            review.scope = decision.approve ? decision.scope?.rawValue : nil
            review.conditions = decision.conditions
            review.reason = reason
            review.decidedBy = actor.name
            review.decidedAt = stamp
            review.concluded = concluded?.description
            if let judged {
                review.adminOutcome = judged.admin.outcome
                review.eduOutcome = judged.edu.outcome
                review.policyReasons = ["admin: " + judged.admin.reasons.joined(separator: "; "), "edu: " + judged.edu.reasons.joined(separator: "; ")]
            }
            try review.update(db)
            guard var version = try PackageVersionRecord.fetchOne(db, key: review.packageVersionId) else {
                throw ServiceError(.internal, code: "review.version", "licence review \(id) points at a missing package version")
            }
            version.state = decision.approve ? .licenceApproved : .licenceRejected
            version.licenceScope = review.scope
            if let concluded { version.licence = concluded.description }
            version.updatedAt = stamp
            try version.update(db)
            let after = try Self.reviewView(db, review, policy: policy)
            try AuditLog.append(db, at: at, actor: actor.name, action: decision.approve ? "licence.approve" : "licence.reject",
                                subject: "review:\(id)", before: Snapshot.json(before), after: Snapshot.json(after))
            return after
        }
    }

    static func reviewView(_ db: Database, _ r: LicenceReviewRecord, policy: LicencePolicy?) throws -> LicenceReviewView {
        let version = try PackageVersionRecord.fetchOne(db, key: r.packageVersionId)
        let program = try version.flatMap { try ProgramRecord.fetchOne(db, key: $0.programId) }
        let submitter = try r.submissionId.flatMap { try SubmissionRecord.fetchOne(db, key: $0)?.submitter }
        let detection = (try? JSONDecoder().decode(StoredDetection.self, from: Data(r.detection.utf8)))
            ?? StoredDetection(reading: nil, candidates: [], note: nil, matches: [], clauses: [])
        let reasons = r.policyReasons
        func verdict(_ outcome: String, _ prefix: String) -> PolicyVerdict {
            PolicyVerdict(outcome: outcome, reasons: reasons.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) })
        }
        let identifiers = (r.expression.flatMap { try? SPDXExpression.parse($0, list: .builtIn) })?.identifiers ?? []
        return LicenceReviewView(
            id: r.id!, submission: r.submissionId, program: program?.slug ?? "?", version: version?.version ?? "?",
            state: version?.state ?? .inspected, submitter: submitter, declared: r.declared, reading: detection.reading, note: detection.note,
            expression: r.expression, matches: detection.matches, clauses: detection.clauses,
            admin: verdict(r.adminOutcome, "admin: "), edu: verdict(r.eduOutcome, "edu: "),
            needsSeats: identifiers.contains { policy?.needsSeats($0) ?? false },
            decision: r.decision, scope: r.scope, conditions: r.conditions ?? [], reason: r.reason,
            decidedBy: r.decidedBy, decidedAt: r.decidedAt, concluded: r.concluded,
            texts: r.texts.flatMap { try? JSONDecoder().decode([LicenceTextRef].self, from: Data($0.utf8)) } ?? [])
    }

    /// The licence texts of a submission's review, in full, with the detector's matches and flagged clauses per text.
    public func licenceTexts(review id: Int64, by actor: DepotUser) async throws -> [LicenceText] {
        let review = try await licenceReview(id: id, by: actor)
        return try review.texts.map { ref in
            let url = blobs.url(for: ref.sha256)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw ServiceError(.internal, code: "review.text-missing",
                    "the licence text \(ref.path) of submission \(id) is missing from \(url.path); restore the blob store from backup")
            }
            return LicenceText(path: ref.path, sha256: ref.sha256, text: String(decoding: data, as: UTF8.self),
                               matches: review.matches.filter { $0.file == ref.path },
                               clauses: review.clauses.filter { $0.file == ref.path })
        }
    }

    /// The policy's verdict, or a human review when there is nothing to judge or no policy to judge by.
    static func verdict(_ expression: SPDXExpression?, policy: LicencePolicy?, in environment: DeploymentEnvironment) -> PolicyVerdict {
        guard let expression else {
            return PolicyVerdict(outcome: LicenceOutcome.review.rawValue, reasons: ["no SPDX licence could be read from the package; a reviewer must read its terms"])
        }
        guard let policy else {
            return PolicyVerdict(outcome: LicenceOutcome.review.rawValue, reasons: ["no licence policy is loaded; every licence goes to a reviewer"])
        }
        let verdict = LicenceJudgement.judge(expression, policy: policy, in: environment)
        return PolicyVerdict(outcome: verdict.outcome.rawValue, reasons: verdict.reasons)
    }

    static func unknownReview(_ id: Int64) -> ServiceError {
        ServiceError(.notFound, code: "review.unknown",
            "submission \(id) has no licence review (it does not exist, is quarantined or is catalogued without an installer); 'depot reviews list' shows the reviews by submission number")
    }

    // MARK: Entitlements

    /// Records seats the city owns for a program licensed per seat.
    public func addEntitlement(program: String, seats: Int, costReference: String?, expires: String?,
                               by actor: DepotUser) async throws -> SeatUsage {
        try actor.require(.manageEntitlements)
        guard seats > 0 else {
            throw ServiceError(.invalidInput, code: "entitlement.seats", "--seats must be a positive number of seats, not \(seats)")
        }
        let cost = try costReference.map { try CostReference(parsing: $0) }
        if let expires, expires.count != 10 || Timestamp.parse(expires) == nil {
            throw ServiceError(.invalidInput, code: "entitlement.expires", "--expires must be a date as YYYY-MM-DD, not '\(expires)'")
        }
        let stamp = nowString
        let at = now
        try await database.writer.write { db in
            let programId = try Self.programId(db, program)
            var record = EntitlementRecord(programId: programId, seats: seats, costReference: cost?.description, expires: expires,
                                           createdBy: actor.name, createdAt: stamp)
            try record.insert(db)
            try AuditLog.append(db, at: at, actor: actor.name, action: "entitlement.add", subject: "program:\(program)",
                                after: Snapshot.json(record))
        }
        return try await seatUsage(by: actor).first { $0.program == program }!
    }

    /// Seats owned, used and left per program that has entitlements or uses seats.
    public func seatUsage(by actor: DepotUser) async throws -> [SeatUsage] {
        try actor.require(.readEntitlements)
        let today = Timestamp.day(now)
        return try await database.writer.read { db in
            let programIds = try Int64.fetchAll(db, sql: "SELECT programId FROM entitlement UNION SELECT programId FROM seatUse")
            return try programIds.map { try Self.usage(db, programId: $0, today: today) }.sorted { $0.program < $1.program }
        }
    }

    /// Takes seats for an install; refuses with the numbers when too few are left. Called inside the install's transaction.
    func takeSeats(_ db: Database, programId: Int64, quantity: Int, reference: String, by actor: DepotUser, at: Date) throws {
        let usage = try Self.usage(db, programId: programId, today: Timestamp.day(at))
        guard usage.available >= quantity else {
            let expired = usage.entitlements.filter(\.expired).reduce(0) { $0 + $1.seats }
            throw ServiceError(.refused, code: "seats.exhausted",
                "\(usage.program) is licensed per seat: \(usage.owned) seats owned\(expired > 0 ? " (\(expired) more expired)" : ""), \(usage.used) used, \(usage.available) left; this install needs \(quantity). Add seats with 'depot licences add \(usage.program) --seats N'")
        }
        var use = SeatUseRecord(programId: programId, quantity: quantity, reference: reference, usedBy: actor.name, at: Timestamp.string(at))
        try use.insert(db)
    }

    /// Takes seats outside an order (for tools and tests of the seat rule); audited.
    public func takeSeats(program: String, quantity: Int, reference: String, by actor: DepotUser) async throws -> SeatUsage {
        try actor.require(.manageEntitlements)
        let at = now
        try await database.writer.write { db in
            let programId = try Self.programId(db, program)
            try takeSeats(db, programId: programId, quantity: quantity, reference: reference, by: actor, at: at)
            try AuditLog.append(db, at: at, actor: actor.name, action: "seats.take", subject: "program:\(program)",
                                after: Snapshot.json(["quantity": String(quantity), "reference": reference]))
        }
        return try await seatUsage(by: actor).first { $0.program == program }!
    }

    static func usage(_ db: Database, programId: Int64, today: String) throws -> SeatUsage {
        let slug = try String.fetchOne(db, sql: "SELECT slug FROM program WHERE id = ?", arguments: [programId]) ?? "?"
        let entitlements = try EntitlementRecord.filter(EntitlementRecord.Columns.programId == programId).fetchAll(db).map {
            SeatUsage.Entitlement(seats: $0.seats, costReference: $0.costReference, expires: $0.expires,
                                  expired: $0.expires.map { $0 < today } ?? false)
        }
        let owned = entitlements.filter { !$0.expired }.reduce(0) { $0 + $1.seats }
        // Seats given back by uninstalls count as free again.
        let used = try Int.fetchOne(db, sql: """
            SELECT (SELECT COALESCE(SUM(quantity), 0) FROM seatUse WHERE programId = ?)
                 - (SELECT COALESCE(SUM(quantity), 0) FROM seatReturn WHERE programId = ?)
            """, arguments: [programId, programId]) ?? 0
        return SeatUsage(program: slug, owned: owned, used: used, available: max(0, owned - used), entitlements: entitlements)
    }

    static func programId(_ db: Database, _ slug: String) throws -> Int64 {
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM program WHERE slug = ?", arguments: [slug]) else {
            throw ServiceError(.notFound, code: "program.unknown", "there is no program '\(slug)' in the catalog; 'depot catalog list' shows the programs")
        }
        return id
    }
}
