import Foundation
import GRDB

/// A version the vendor released, as a release manager recorded it (`depot upstream add` or `import`).
public struct UpstreamReleaseRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "upstreamRelease"
    public var id: Int64?
    public var program: String
    public var version: String
    /// `YYYY-MM-DD`.
    public var released: String
    /// `cli`, or the name of the file it was imported from.
    public var source: String
    public var recordedBy: String
    public var recordedAt: String

    public enum Columns {
        public static let program = Column(CodingKeys.program)
        public static let version = Column(CodingKeys.version)
    }

    public init(id: Int64? = nil, program: String, version: String, released: String, source: String,
                recordedBy: String, recordedAt: String) {
        self.id = id
        self.program = program
        self.version = version
        self.released = released
        self.source = source
        self.recordedBy = recordedBy
        self.recordedAt = recordedAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A version the city declines to run, with the release manager's reason.
public struct RefusedVersionRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "refusedVersion"
    public var id: Int64?
    public var program: String
    public var version: String
    public var reason: String
    public var refusedBy: String
    public var refusedAt: String

    public enum Columns {
        public static let program = Column(CodingKeys.program)
        public static let version = Column(CodingKeys.version)
    }

    public init(id: Int64? = nil, program: String, version: String, reason: String, refusedBy: String, refusedAt: String) {
        self.id = id
        self.program = program
        self.version = version
        self.reason = reason
        self.refusedBy = refusedBy
        self.refusedAt = refusedAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// An upgrade a release manager scheduled: one program to one version, ring by ring.
public struct ScheduledUpgradeRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "scheduledUpgrade"
    public var id: Int64?
    public var program: String
    public var toVersion: String
    /// Rings in rollout order.
    public var rings: [String]
    /// `YYYY-MM-DD`, or nil for as soon as the notice allows.
    public var start: String?
    public var createdBy: String
    public var createdAt: String

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let program = Column(CodingKeys.program)
    }

    public init(id: Int64? = nil, program: String, toVersion: String, rings: [String], start: String?,
                createdBy: String, createdAt: String) {
        self.id = id
        self.program = program
        self.toVersion = toVersion
        self.rings = rings
        self.start = start
        self.createdBy = createdBy
        self.createdAt = createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A package version taken out of the orderable catalog by `depot prune --apply`; open until restored.
public struct RetirementRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "retirement"
    public var id: Int64?
    public var packageVersionId: Int64
    /// The prune rule that retired it (`superseded`, `unused`, …).
    public var rule: String
    public var reason: String
    public var retiredBy: String
    public var retiredAt: String
    /// `YYYY-MM-DD`: the installer is kept through this day so the version can be restored.
    public var blobRetainedUntil: String
    public var purgedAt: String?
    public var restoredBy: String?
    public var restoredAt: String?

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let packageVersionId = Column(CodingKeys.packageVersionId)
        public static let restoredAt = Column(CodingKeys.restoredAt)
        public static let purgedAt = Column(CodingKeys.purgedAt)
    }

    public init(id: Int64? = nil, packageVersionId: Int64, rule: String, reason: String, retiredBy: String, retiredAt: String,
                blobRetainedUntil: String, purgedAt: String? = nil, restoredBy: String? = nil, restoredAt: String? = nil) {
        self.id = id
        self.packageVersionId = packageVersionId
        self.rule = rule
        self.reason = reason
        self.retiredBy = retiredBy
        self.retiredAt = retiredAt
        self.blobRetainedUntil = blobRetainedUntil
        self.purgedAt = purgedAt
        self.restoredBy = restoredBy
        self.restoredAt = restoredAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
