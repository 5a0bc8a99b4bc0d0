import DepotCrypto
import DepotModel
import Foundation
import GRDB

/// One entry of the audit log. `hash` covers every other field and the previous entry's hash,
/// so editing or removing any entry breaks the chain from that entry on.
public struct AuditEvent: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "auditEvent"
    public var seq: Int64
    public var at: String
    public var actor: String
    public var action: String
    public var subject: String
    public var before: String?
    public var after: String?
    public var prevHash: String
    public var hash: String

    public enum Columns {
        public static let seq = Column(CodingKeys.seq)
    }

    /// The hash of this entry's content chained to `prevHash`. Fields are length-prefixed so that no two
    /// different entries can serialise alike, and the format never depends on a JSON encoder's choices.
    public static func computeHash(seq: Int64, at: String, actor: String, action: String, subject: String,
                                   before: String?, after: String?, prevHash: String) -> String {
        var text = "depot-audit-v1\n"
        func field(_ value: String?) {
            guard let value else { text += "-\n"; return }
            text += "\(value.utf8.count):\(value)\n"
        }
        field(String(seq)); field(at); field(actor); field(action); field(subject); field(before); field(after); field(prevHash)
        return SHA256Hasher.hex(text)
    }

    public var expectedHash: String {
        Self.computeHash(seq: seq, at: at, actor: actor, action: action, subject: subject,
                         before: before, after: after, prevHash: prevHash)
    }
}

/// The result of checking the chain from its first entry to its recorded head.
public struct AuditVerification: Codable, Sendable, Equatable {
    public var intact: Bool
    public var count: Int
    /// The head hash an auditor can note outside the database to detect a wholesale rewrite later.
    public var headHash: String?
    /// The first entry that fails, and why.
    public var firstBroken: Int64?
    public var reason: String?
}

/// Appends to and verifies the audit chain. Always called inside the transaction of the change it records.
public enum AuditLog {
    public static let genesisHash = String(repeating: "0", count: 64)

    /// Appends one entry; `before` and `after` are JSON snapshots of what changed.
    @discardableResult
    public static func append(_ db: Database, at: Date, actor: String, action: String, subject: String,
                              before: String? = nil, after: String? = nil) throws -> AuditEvent {
        let head = try Row.fetchOne(db, sql: "SELECT seq, hash FROM auditHead WHERE id = 1")
        let prevSeq: Int64 = head?["seq"] ?? 0
        let prevHash: String = head?["hash"] ?? genesisHash
        let seq = prevSeq + 1
        let stamp = Timestamp.string(at)
        let hash = AuditEvent.computeHash(seq: seq, at: stamp, actor: actor, action: action, subject: subject,
                                          before: before, after: after, prevHash: prevHash)
        let event = AuditEvent(seq: seq, at: stamp, actor: actor, action: action, subject: subject,
                               before: before, after: after, prevHash: prevHash, hash: hash)
        try event.insert(db)
        try db.execute(sql: "INSERT INTO auditHead (id, seq, hash) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
                       arguments: [seq, hash])
        return event
    }

    /// Walks the whole chain in order. Reports the first entry that was changed, removed or inserted.
    public static func verify(_ db: Database) throws -> AuditVerification {
        var expectedSeq: Int64 = 1
        var previous = genesisHash
        var count = 0
        let cursor = try AuditEvent.order(AuditEvent.Columns.seq).fetchCursor(db)
        while let event = try cursor.next() {
            if event.seq != expectedSeq {
                return broken(count, expectedSeq, "record \(expectedSeq) is missing (the next one found is \(event.seq))")
            }
            if event.prevHash != previous {
                return broken(count, event.seq, "record \(event.seq) does not follow record \(event.seq - 1): its previous-hash does not match")
            }
            if event.hash != event.expectedHash {
                return broken(count, event.seq, "record \(event.seq) was changed after it was written: its content does not match its hash")
            }
            previous = event.hash
            expectedSeq += 1
            count += 1
        }
        let head = try Row.fetchOne(db, sql: "SELECT seq, hash FROM auditHead WHERE id = 1")
        let headSeq: Int64 = head?["seq"] ?? 0
        let headHash: String = head?["hash"] ?? genesisHash
        if headSeq != Int64(count) || headHash != previous {
            let missing = Int64(count) + 1
            return broken(count, missing, headSeq > Int64(count)
                ? "record \(missing) is missing: the chain's head says \(headSeq) records were written, \(count) remain"
                : "the chain's head does not match its last record \(count)")
        }
        return AuditVerification(intact: true, count: count, headHash: count == 0 ? nil : previous, firstBroken: nil, reason: nil)
    }

    private static func broken(_ count: Int, _ seq: Int64, _ reason: String) -> AuditVerification {
        AuditVerification(intact: false, count: count, headHash: nil, firstBroken: seq, reason: reason)
    }
}
