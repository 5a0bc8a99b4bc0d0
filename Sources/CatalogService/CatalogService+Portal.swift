import DepotCrypto
import DepotModel
import Foundation
import GRDB
import Storage

/// A signed-in portal user and the token every form they post must carry.
public struct PortalSession: Sendable, Equatable {
    public var user: DepotUser
    public var csrfToken: String
    public var expires: Date
}

extension CatalogService {
    /// How long a portal sign-in lasts: a working day.
    public static let portalSessionLifetime: TimeInterval = 8 * 3600

    /// Signs in to the portal with an API token. Returns the session secret for the cookie (never stored) and
    /// the session; sessions past their end are removed on the way.
    public func openPortalSession(token: String) async throws -> (secret: String, session: PortalSession) {
        let user = try await authenticate(token: token)
        let secret = Hex.encode(try SecureRandom.bytes(32))
        let csrf = Hex.encode(try SecureRandom.bytes(32))
        let at = now
        let expires = at.addingTimeInterval(Self.portalSessionLifetime)
        try await database.writer.write { db in
            guard let record = try UserRecord.filter(UserRecord.Columns.name == user.name).fetchOne(db), let userId = record.id else {
                throw Self.unknownUser(user.name)
            }
            try PortalSessionRecord.filter(PortalSessionRecord.Columns.expiresAt < Timestamp.string(at)).deleteAll(db)
            try PortalSessionRecord(id: SHA256Hasher.hex(secret), userId: userId, csrfToken: csrf,
                                    createdAt: Timestamp.string(at), expiresAt: Timestamp.string(expires)).insert(db)
            try AuditLog.append(db, at: at, actor: user.name, action: "portal.sign-in", subject: "user:\(user.name)")
        }
        return (secret, PortalSession(user: user, csrfToken: csrf, expires: expires))
    }

    /// The session a cookie secret stands for, or nil when it is unknown or has ended.
    public func portalSession(secret: String) async throws -> PortalSession? {
        let hash = SHA256Hasher.hex(secret)
        let at = now
        return try await database.writer.read { db -> PortalSession? in
            guard let record = try PortalSessionRecord.fetchOne(db, key: hash),
                  let expires = Timestamp.parse(record.expiresAt), expires > at,
                  let user = try UserRecord.fetchOne(db, key: record.userId), user.disabledAt == nil else { return nil }
            return PortalSession(user: DepotUser(name: user.name, role: user.role, school: user.school),
                                 csrfToken: record.csrfToken, expires: expires)
        }
    }

    /// Ends a portal session (sign out); unknown secrets are ignored.
    public func closePortalSession(secret: String) async throws {
        let hash = SHA256Hasher.hex(secret)
        let at = now
        try await database.writer.write { db in
            guard let record = try PortalSessionRecord.fetchOne(db, key: hash) else { return }
            let name = try UserRecord.fetchOne(db, key: record.userId)?.name ?? "unknown"
            _ = try record.delete(db)
            try AuditLog.append(db, at: at, actor: name, action: "portal.sign-out", subject: "user:\(name)")
        }
    }
}
