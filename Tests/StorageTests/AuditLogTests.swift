import Foundation
import GRDB
import Storage
import Testing

@Suite struct AuditLogTests {
    /// A database with five chained records.
    func chain() throws -> AppDatabase {
        let database = try AppDatabase.inMemory()
        try database.writer.write { db in
            for i in 1...5 {
                try AuditLog.append(db, at: Date(timeIntervalSince1970: 1_700_000_000 + Double(i)), actor: "anna",
                                    action: "test.step", subject: "item:\(i)", before: nil, after: "{\"n\":\(i)}")
            }
        }
        return database
    }

    func verify(_ database: AppDatabase) throws -> AuditVerification {
        try database.writer.read { db in try AuditLog.verify(db) }
    }

    @Test func intactChainVerifies() throws {
        let result = try verify(try chain())
        #expect(result.intact)
        #expect(result.count == 5)
        #expect(result.headHash?.count == 64)
    }

    @Test func emptyChainVerifies() throws {
        let result = try verify(try AppDatabase.inMemory())
        #expect(result.intact && result.count == 0)
    }

    @Test(arguments: ["actor = 'mallory'", "after = '{\"n\":99}'", "at = '2020-01-01T00:00:00Z'", "before = 'x'"])
    func changedRecordIsNamed(change: String) throws {
        let database = try chain()
        try database.writer.write { db in try db.execute(sql: "UPDATE auditEvent SET \(change) WHERE seq = 3") }
        let result = try verify(database)
        #expect(!result.intact)
        #expect(result.firstBroken == 3)
        #expect(result.reason?.contains("record 3 was changed") == true)
    }

    @Test func rehashedRecordStillBreaksTheLink() throws {
        // An attacker who recomputes the changed record's own hash still breaks the next record's link.
        let database = try chain()
        try database.writer.write { db in
            var event = try AuditEvent.filter(AuditEvent.Columns.seq == 2).fetchOne(db)!
            event.actor = "mallory"
            event.hash = event.expectedHash
            try event.update(db)
        }
        let result = try verify(database)
        #expect(!result.intact)
        #expect(result.firstBroken == 3)
    }

    @Test func deletedMiddleRecordIsNamed() throws {
        let database = try chain()
        try database.writer.write { db in try db.execute(sql: "DELETE FROM auditEvent WHERE seq = 2") }
        let result = try verify(database)
        #expect(result.firstBroken == 2)
        #expect(result.reason?.contains("missing") == true)
    }

    @Test func deletedNewestRecordIsNamed() throws {
        let database = try chain()
        try database.writer.write { db in try db.execute(sql: "DELETE FROM auditEvent WHERE seq = 5") }
        let result = try verify(database)
        #expect(!result.intact)
        #expect(result.firstBroken == 5)
    }

    @Test func appendContinuesTheChain() throws {
        let database = try chain()
        let event = try database.writer.write { db in
            try AuditLog.append(db, at: Date(), actor: "bo", action: "x", subject: "y")
        }
        let previous = try database.writer.read { db in try AuditEvent.filter(AuditEvent.Columns.seq == 5).fetchOne(db)! }
        #expect(event.seq == 6)
        #expect(event.prevHash == previous.hash)
    }
}
