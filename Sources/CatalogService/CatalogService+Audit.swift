import DepotModel
import GRDB
import Storage

extension CatalogService {
    /// The newest audit records first, at most `limit`.
    public func auditEvents(limit: Int = 100, by actor: DepotUser) async throws -> [AuditEvent] {
        try actor.require(.readAudit)
        return try await database.writer.read { db in
            try AuditEvent.order(AuditEvent.Columns.seq.desc).limit(max(1, limit)).fetchAll(db)
        }
    }

    /// Checks the whole chain. Needs no role: the CLI runs it on the catalog host with file access anyway.
    public func verifyAudit() async throws -> AuditVerification {
        try await database.writer.read { db in try AuditLog.verify(db) }
    }
}
