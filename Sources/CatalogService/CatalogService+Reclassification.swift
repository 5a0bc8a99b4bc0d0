import Classification
import DepotModel
import DepotPolicy
import Foundation
import GRDB
import Storage

/// A reclassification request as packagers and deciders see it.
public struct ReclassificationView: Codable, Sendable, Equatable {
    public var id: Int64
    public var submission: Int64
    public var fromTier: String
    public var toTier: String
    public var reason: String
    public var requestedBy: String
    public var requestedAt: String
    public var decision: String?
    public var decisionReason: String?
    public var decidedBy: String?
    public var decidedAt: String?
}

extension CatalogService {
    /// A packager asks for another tier, with a reason; a second person decides.
    public func requestReclassification(submission id: Int64, tier: String, reason: String, by actor: DepotUser) async throws -> ReclassificationView {
        try actor.require(.classify)
        guard let toTier = PackagingTier(rawValue: tier.lowercased()) else {
            throw ServiceError(.invalidInput, code: "reclassify.tier", "unknown tier '\(tier)'; use simple or complex")
        }
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else {
            throw ServiceError(.invalidInput, code: "reclassify.reason", "a reclassification request needs a reason (--reason TEXT)")
        }
        let stamp = nowString
        let at = now
        return try await database.writer.write { db in
            let classification = try Self.classificationRecord(db, submission: id)
            guard classification.tier != toTier.rawValue else {
                throw ServiceError(.conflict, code: "reclassify.same", "submission \(id) is already \(toTier.rawValue)")
            }
            if let pending = try ReclassificationRecord.filter(ReclassificationRecord.Columns.classificationId == classification.id!
                && ReclassificationRecord.Columns.decision == nil).fetchOne(db) {
                throw ServiceError(.conflict, code: "reclassify.pending",
                    "submission \(id) already has reclassification request \(pending.id!) awaiting a decision")
            }
            var request = ReclassificationRecord(classificationId: classification.id!, fromTier: classification.tier, toTier: toTier.rawValue,
                                                 reason: reason, requestedBy: actor.name, requestedAt: stamp)
            try request.insert(db)
            let view = Self.reclassificationView(request, submission: id)
            try AuditLog.append(db, at: at, actor: actor.name, action: "reclassification.request", subject: "reclassification:\(request.id!)",
                                after: Snapshot.json(view))
            return view
        }
    }

    /// Someone other than the requester approves (the tier and price change) or rejects, with a reason.
    public func decideReclassification(request id: Int64, approve: Bool, reason: String, by actor: DepotUser) async throws -> ReclassificationView {
        try actor.require(.decideReclassification)
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else {
            throw ServiceError(.invalidInput, code: "reclassify.reason", "a decision needs a reason (--reason TEXT)")
        }
        guard let policies else {
            throw ServiceError(.internal, code: "classify.no-policy", "no policies are loaded; run Depot where Policies/ is, or pass --policies DIR")
        }
        let stamp = nowString
        let at = now
        return try await database.writer.write { db in
            guard var request = try ReclassificationRecord.fetchOne(db, key: id) else {
                throw ServiceError(.notFound, code: "reclassify.unknown", "there is no reclassification request \(id); 'depot reclassify list' shows them")
            }
            if let decision = request.decision {
                throw ServiceError(.conflict, code: "reclassify.decided", "reclassification request \(id) was already \(decision) by \(request.decidedBy ?? "?")")
            }
            guard request.requestedBy != actor.name else {
                throw ServiceError(.forbidden, code: "reclassify.four-eyes",
                    "reclassification request \(id) was made by \(actor.name); a different person must decide it")
            }
            guard var classification = try ClassificationRecord.fetchOne(db, key: request.classificationId),
                  let submission = try SubmissionRecord.filter(Column("packageVersionId") == classification.packageVersionId).fetchOne(db) else {
                throw ServiceError(.internal, code: "reclassify.missing", "reclassification request \(id) points at a missing classification")
            }
            let before = classification
            if approve, let tier = PackagingTier(rawValue: request.toTier), let old = try? JSONDecoder().decode(Price.self, from: Data(classification.price.utf8)) {
                let isUpdate = try Int.fetchOne(db, sql: """
                    SELECT COUNT(*) FROM packageVersion WHERE programId = (SELECT programId FROM packageVersion WHERE id = ?) AND id != ?
                    """, arguments: [classification.packageVersionId, classification.packageVersionId]) ?? 0 > 0
                let submittedAt = Timestamp.parse(submission.submittedAt) ?? at
                var price = try Pricing(policy: policies.pricing).quote(tier: tier, isUpdate: isUpdate, submittedAt: submittedAt,
                                                                        positionInMonth: classification.positionInMonth)
                price.includedInQuota = old.includedInQuota && price.includedInQuota
                classification.tier = tier.rawValue
                classification.price = Snapshot.json(price)
                classification.reasons.append("Reclassified from \(request.fromTier) to \(tier.rawValue) at \(request.requestedBy)'s request (\(request.reason)); decided by \(actor.name): \(reason)")
                try classification.update(db)
            }
            request.decision = approve ? "approved" : "rejected"
            request.decisionReason = reason
            request.decidedBy = actor.name
            request.decidedAt = stamp
            try request.update(db)
            let view = Self.reclassificationView(request, submission: submission.id!)
            try AuditLog.append(db, at: at, actor: actor.name, action: approve ? "reclassification.approve" : "reclassification.reject",
                                subject: "reclassification:\(id)", before: Snapshot.json(before), after: Snapshot.json(classification))
            return view
        }
    }

    /// Reclassification requests, pending first.
    public func reclassifications(by actor: DepotUser) async throws -> [ReclassificationView] {
        try actor.require(.readOrders)
        return try await database.writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT r.*, s.id AS submissionId FROM reclassification r JOIN classification c ON c.id = r.classificationId
                JOIN submission s ON s.packageVersionId = c.packageVersionId ORDER BY r.decision IS NOT NULL, r.id DESC
                """).map { row in Self.reclassificationView(try ReclassificationRecord(row: row), submission: row["submissionId"]) }
        }
    }

    static func classificationRecord(_ db: Database, submission id: Int64) throws -> ClassificationRecord {
        guard let submission = try SubmissionRecord.fetchOne(db, key: id) else {
            throw ServiceError(.notFound, code: "submission.unknown", "there is no submission \(id); 'depot submissions list' shows them")
        }
        guard let versionId = submission.packageVersionId,
              let record = try ClassificationRecord.filter(ClassificationRecord.Columns.packageVersionId == versionId).fetchOne(db) else {
            throw ServiceError(.conflict, code: "reclassify.unclassified", "submission \(id) is not classified yet; 'depot classify \(id)' first")
        }
        return record
    }

    static func reclassificationView(_ r: ReclassificationRecord, submission: Int64) -> ReclassificationView {
        ReclassificationView(id: r.id!, submission: submission, fromTier: r.fromTier, toTier: r.toTier, reason: r.reason,
                             requestedBy: r.requestedBy, requestedAt: r.requestedAt, decision: r.decision,
                             decisionReason: r.decisionReason, decidedBy: r.decidedBy, decidedAt: r.decidedAt)
    }
}
