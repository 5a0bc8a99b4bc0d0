import DepotModel
import Foundation
import GRDB
import Storage

/// Files removed from `incoming/`: uploads and submissions a killed process left behind.
public struct IncomingSweep: Codable, Sendable, Equatable {
    public var files: Int
    public var bytes: Int64
}

/// What `depot doctor` found in the home and what it repaired.
public struct DoctorReport: Codable, Sendable, Equatable {
    /// `ok` from SQLite's integrity check, or its first complaints.
    public var databaseIntegrity: [String]
    public var auditIntact: Bool
    public var incomingRemoved: IncomingSweep
    public var blobsChecked: Int
    /// Blobs whose mode was not read-only (a kill between rename and chmod in older versions); repaired.
    public var blobModesRepaired: [String]
    /// Installers a submission or version names whose blob is gone (data loss: restore from backup).
    public var missingBlobs: [String]
    /// Blobs no submission, version or test record names (kept: purge decides, not the doctor).
    public var unreferencedBlobs: [String]

    public var healthy: Bool { databaseIntegrity == ["ok"] && auditIntact && missingBlobs.isEmpty }
}

extension CatalogService {
    /// Checks the home: database integrity, the audit chain, leftovers in `incoming/` (removed when this service
    /// opened the home), blob modes (repaired, with an audit record), blobs that records name but that are
    /// missing, and blobs nothing names. Needs no role, like `audit verify`: it runs on the catalog host.
    public func doctor() async throws -> DoctorReport {
        let store = blobs
        let stored = store.storedBlobs()
        var repaired: [String] = []
        for blob in stored where blob.writable {
            if BlobStore.makeReadOnly(blob.url) { repaired.append(blob.sha256) }
        }
        let (integrity, referenced, named) = try await database.writer.read { db -> ([String], Set<String>, Set<String>) in
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            let installers = Set(try String.fetchAll(db, sql: "SELECT sha256 FROM submission")
                + (try String.fetchAll(db, sql: "SELECT sha256 FROM packageVersion WHERE sha256 IS NOT NULL")))
            let evidence = Set(try String.fetchAll(db, sql: "SELECT evidenceSha256 FROM packageTest WHERE evidenceSha256 IS NOT NULL"))
            return (integrity, installers.union(evidence), installers)
        }
        let audit = try await verifyAudit()
        let present = Set(stored.map(\.sha256))
        let missing = named.filter { !present.contains($0.lowercased()) }.sorted()
        let unreferenced = stored.map(\.sha256).filter { !referenced.contains($0) }
        if !repaired.isEmpty {
            let at = now
            let madeReadOnly = repaired
            try await database.writer.write { db in
                try AuditLog.append(db, at: at, actor: "depot doctor", action: "home.repair", subject: "blobs",
                                    after: Snapshot.json(["madeReadOnly": madeReadOnly]))
            }
        }
        return DoctorReport(databaseIntegrity: integrity, auditIntact: audit.intact, incomingRemoved: sweptAtOpen,
                            blobsChecked: stored.count, blobModesRepaired: repaired, missingBlobs: missing,
                            unreferencedBlobs: unreferenced)
    }
}
