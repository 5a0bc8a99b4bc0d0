import Foundation
import GRDB

/// A portal sign-in: `id` is the SHA-256 of the secret in the browser's cookie, so a copy of the database
/// cannot be turned into a live session.
public struct PortalSessionRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "portalSession"
    public var id: String
    public var userId: Int64
    public var csrfToken: String
    public var createdAt: String
    public var expiresAt: String

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let userId = Column(CodingKeys.userId)
        public static let expiresAt = Column(CodingKeys.expiresAt)
    }

    public init(id: String, userId: Int64, csrfToken: String, createdAt: String, expiresAt: String) {
        self.id = id
        self.userId = userId
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}
