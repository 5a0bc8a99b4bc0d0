import DepotModel
import Foundation
import GRDB

/// One test run of a package version: passed or failed, with notes and optional evidence stored by hash.
public struct PackageTestRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "packageTest"
    public var id: Int64?
    public var packageVersionId: Int64
    public var passed: Bool
    public var notes: String
    public var evidenceName: String?
    public var evidenceSha256: String?
    public var testedBy: String
    public var testedAt: String
    /// `manual` (a person's word) or `auto` (the install sandbox).
    public var mode: String
    /// Where an automatic test ran: "tested automatically (Wine 8.0, template …)".
    public var runner: String?
    /// Why it failed, one sentence per check (JSON array in the column).
    public var reasons: [String]
    /// False when a failed automatic test only warns (testing.yaml `sandboxFailure: warn`).
    public var blocking: Bool

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let packageVersionId = Column(CodingKeys.packageVersionId)
        public static let mode = Column(CodingKeys.mode)
    }

    public init(packageVersionId: Int64, passed: Bool, notes: String, evidenceName: String?, evidenceSha256: String?,
                testedBy: String, testedAt: String, mode: String = "manual", runner: String? = nil, reasons: [String] = [],
                blocking: Bool = true) {
        self.mode = mode
        self.runner = runner
        self.reasons = reasons
        self.blocking = blocking
        self.packageVersionId = packageVersionId
        self.passed = passed
        self.notes = notes
        self.evidenceName = evidenceName
        self.evidenceSha256 = evidenceSha256
        self.testedBy = testedBy
        self.testedAt = testedAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// The certification of a package version: who signed it with which certificate. The signature is `<blob>.p7s`.
public struct PackageSignatureRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "packageSignature"
    public var id: Int64?
    public var packageVersionId: Int64
    public var certificateFingerprint: String
    public var signedBy: String
    public var signedAt: String

    public enum Columns {
        public static let packageVersionId = Column(CodingKeys.packageVersionId)
    }

    public init(packageVersionId: Int64, certificateFingerprint: String, signedBy: String, signedAt: String) {
        self.packageVersionId = packageVersionId
        self.certificateFingerprint = certificateFingerprint
        self.signedBy = signedBy
        self.signedAt = signedAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A signed document Depot published: the catalog, or an edu whitelist run.
public struct PublicationRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "publication"
    public var id: Int64?
    /// `catalog` or `edu`.
    public var kind: String
    public var version: Int
    /// SHA-256 of the payload without the fields that change on every signing, to tell "nothing changed".
    public var contentDigest: String
    public var issued: String
    public var expires: String
    public var directory: String
    public var packages: Int
    public var publishedBy: String

    public enum Columns {
        public static let kind = Column(CodingKeys.kind)
        public static let version = Column(CodingKeys.version)
    }

    public init(kind: String, version: Int, contentDigest: String, issued: String, expires: String, directory: String,
                packages: Int, publishedBy: String) {
        self.kind = kind
        self.version = version
        self.contentDigest = contentDigest
        self.issued = issued
        self.expires = expires
        self.directory = directory
        self.packages = packages
        self.publishedBy = publishedBy
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// Takes the next version number of `kind` and commits it with the caller's transaction: higher than every
    /// publication recorded and every number reserved before (by runs that may have died before recording theirs),
    /// so a number once written into a file is never given out again.
    public static func reserveVersion(_ db: Database, kind: String) throws -> Int {
        let recorded = try latest(db, kind: kind)?.version ?? 0
        let reserved = try Int.fetchOne(db, sql: "SELECT reserved FROM publicationVersion WHERE kind = ?", arguments: [kind]) ?? 0
        let next = max(recorded, reserved) + 1
        try db.execute(sql: """
            INSERT INTO publicationVersion (kind, reserved) VALUES (?, ?)
            ON CONFLICT(kind) DO UPDATE SET reserved = excluded.reserved
            """, arguments: [kind, next])
        return next
    }

    /// The newest publication of `kind`, if any.
    public static func latest(_ db: Database, kind: String) throws -> PublicationRecord? {
        try PublicationRecord.filter(Columns.kind == kind).order(Columns.version.desc).fetchOne(db)
    }
}
