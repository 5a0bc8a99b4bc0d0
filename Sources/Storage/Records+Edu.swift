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
