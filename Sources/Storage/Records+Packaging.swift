import Foundation
import GRDB

/// Someone asked for a catalogued program to be packaged: the packagers' queue of wanted work.
public struct PackagingRequestRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "packagingRequest"
    public var id: Int64?
    public var programId: Int64
    /// The version asked for; nil for the newest release.
    public var version: String?
    public var note: String?
    public var requestedBy: String
    public var requestedAt: String

    public init(id: Int64? = nil, programId: Int64, version: String?, note: String?, requestedBy: String, requestedAt: String) {
        self.id = id
        self.programId = programId
        self.version = version
        self.note = note
        self.requestedBy = requestedBy
        self.requestedAt = requestedAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
