import DepotModel
import Foundation
import GRDB

/// A school on the edu network.
public struct SchoolRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "school"
    public var id: String
    public var name: String
    public var tier: String
    public var allowed: [String]
    public var blocked: [String]
    /// Who pays the school's self-installs (`ref:…` or `ADMIN:IKB`).
    public var costReference: String
    public var createdAt: String
    public var updatedAt: String

    public init(id: String, name: String, tier: String, allowed: [String], blocked: [String], costReference: String,
                createdAt: String, updatedAt: String) {
        self.id = id
        self.name = name
        self.tier = tier
        self.allowed = allowed
        self.blocked = blocked
        self.costReference = costReference
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A self-install recorded by an edu server and collected into the catalog.
public struct EduInstallRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "eduInstall"
    public var id: Int64?
    public var serverId: String
    public var installId: Int64
    public var school: String
    public var program: String
    public var version: String
    public var quantity: Int
    public var requestedBy: String
    public var requestedAt: String
    public var orderId: String?
    public var collectedAt: String

    public init(serverId: String, installId: Int64, school: String, program: String, version: String, quantity: Int,
                requestedBy: String, requestedAt: String, orderId: String?, collectedAt: String) {
        self.serverId = serverId
        self.installId = installId
        self.school = school
        self.program = program
        self.version = version
        self.quantity = quantity
        self.requestedBy = requestedBy
        self.requestedAt = requestedAt
        self.orderId = orderId
        self.collectedAt = collectedAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// An uninstall an edu server recorded, brought back by `depot edu collect` (once per server and id).
public struct EduUninstallRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "eduUninstall"
    public var id: Int64?
    public var serverId: String
    public var uninstallId: Int64
    public var installId: Int64
    public var school: String
    public var program: String
    public var quantity: Int
    public var reportedBy: String
    public var reportedAt: String
    public var collectedAt: String

    public init(serverId: String, uninstallId: Int64, installId: Int64, school: String, program: String, quantity: Int,
                reportedBy: String, reportedAt: String, collectedAt: String) {
        self.serverId = serverId
        self.uninstallId = uninstallId
        self.installId = installId
        self.school = school
        self.program = program
        self.quantity = quantity
        self.reportedBy = reportedBy
        self.reportedAt = reportedAt
        self.collectedAt = collectedAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// Seats given back to a program's entitlements (an uninstall); subtracted from the seats `seatUse` records.
public struct SeatReturnRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "seatReturn"
    public var id: Int64?
    public var programId: Int64
    public var quantity: Int
    public var reference: String
    public var returnedBy: String
    public var at: String

    public init(programId: Int64, quantity: Int, reference: String, returnedBy: String, at: String) {
        self.programId = programId
        self.quantity = quantity
        self.reference = reference
        self.returnedBy = returnedBy
        self.at = at
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// An installer the fast channel admitted to a tier's whitelists (before its own central review), and when.
public struct EduFastChannelRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "eduFastChannel"
    public var id: Int64?
    public var tier: String
    public var program: String
    public var version: String
    public var sha256: String
    /// The centrally approved version it followed.
    public var follows: String
    public var admittedAt: String

    public init(tier: String, program: String, version: String, sha256: String, follows: String, admittedAt: String) {
        self.tier = tier
        self.program = program
        self.version = version
        self.sha256 = sha256
        self.follows = follows
        self.admittedAt = admittedAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
