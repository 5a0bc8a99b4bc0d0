import DepotCrypto
import DepotModel
import DepotPolicy
import Foundation
import GRDB
import Storage

/// One API token as admins see it: never the secret, only when it was made, last used and revoked.
public struct TokenSummary: Codable, Sendable, Equatable {
    public var id: Int64
    public var user: String
    public var createdAt: String
    public var lastUsedAt: String?
    public var revokedAt: String?
}

/// Ending access: revoking tokens, disabling users, resetting calendar feeds. Each change is one audit record.
extension CatalogService {
    /// A user's tokens, oldest first. Admins only.
    public func tokens(of name: String, by actor: DepotUser) async throws -> [TokenSummary] {
        try actor.require(.manageUsers)
        return try await database.writer.read { db in
            let user = try Self.userRecord(db, name)
            return try APITokenRecord.filter(APITokenRecord.Columns.userId == user.id!).order(Column("id")).fetchAll(db).map {
                TokenSummary(id: $0.id!, user: name, createdAt: $0.createdAt, lastUsedAt: $0.lastUsedAt, revokedAt: $0.revokedAt)
            }
        }
    }

    /// Revokes one token of a user; it stops working with the next request. Admins only.
    public func revokeToken(of name: String, id: Int64, by actor: DepotUser) async throws -> TokenSummary {
        try actor.require(.manageUsers)
        let stamp = nowString
        let at = now
        return try await database.writer.write { db in
            let user = try Self.userRecord(db, name)
            guard var token = try APITokenRecord.fetchOne(db, key: id), token.userId == user.id else {
                throw ServiceError(.notFound, code: "token.unknown",
                    "\(name) has no token \(id); 'depot users tokens \(name)' lists their tokens by id")
            }
            if token.revokedAt == nil {
                token.revokedAt = stamp
                try token.update(db)
                try AuditLog.append(db, at: at, actor: actor.name, action: "token.revoke", subject: "user:\(name)", after: "token \(id)")
            }
            return TokenSummary(id: id, user: name, createdAt: token.createdAt, lastUsedAt: token.lastUsedAt, revokedAt: token.revokedAt)
        }
    }

    /// Disables or enables a user. A disabled user's tokens, portal sessions and calendar feed stop at once; the
    /// CLI refuses them as `--as`. Admins only; nobody disables themselves (the last admin would lock everyone out).
    public func setUserDisabled(_ name: String, _ disabled: Bool, by actor: DepotUser) async throws -> UserSummary {
        try actor.require(.manageUsers)
        if disabled && name == actor.name {
            throw ServiceError(.refused, code: "user.disable-self", "\(name) cannot disable themselves; ask another admin")
        }
        let stamp = nowString
        let at = now
        return try await database.writer.write { db in
            var user = try Self.userRecord(db, name)
            let wasDisabled = user.disabledAt != nil
            if wasDisabled != disabled {
                user.disabledAt = disabled ? stamp : nil
                try user.update(db)
                if disabled { try PortalSessionRecord.filter(Column("userId") == user.id!).deleteAll(db) }
                try AuditLog.append(db, at: at, actor: actor.name, action: disabled ? "user.disable" : "user.enable", subject: "user:\(name)")
            }
            return UserSummary(name: user.name, role: user.role, school: user.school, createdAt: user.createdAt, disabledAt: user.disabledAt)
        }
    }

    /// The secret of a user's private calendar feed, made on first use.
    public func calendarFeedSecret(for user: DepotUser) async throws -> String {
        try await database.writer.write { db in
            var record = try Self.userRecord(db, user.name)
            if let secret = record.calendarSecret { return secret }
            let secret = Hex.encode(try SecureRandom.bytes(24))
            record.calendarSecret = secret
            try record.update(db)
            return secret
        }
    }

    /// Replaces a user's calendar-feed secret: the old feed URL stops working at once. Admins, or the user themselves.
    public func resetCalendarFeed(of name: String, by actor: DepotUser) async throws -> String {
        if actor.name != name { try actor.require(.manageUsers) }
        let secret = Hex.encode(try SecureRandom.bytes(24))
        let at = now
        try await database.writer.write { db in
            var record = try Self.userRecord(db, name)
            record.calendarSecret = secret
            try record.update(db)
            try AuditLog.append(db, at: at, actor: actor.name, action: "calendar.reset", subject: "user:\(name)")
        }
        return secret
    }

    /// The user a calendar-feed secret belongs to, or nil when it is unknown, reset or the user is disabled.
    public func calendarFeedUser(secret: String) async throws -> DepotUser? {
        guard !secret.isEmpty, secret.count <= 128 else { return nil }
        return try await database.writer.read { db in
            guard let user = try UserRecord.filter(UserRecord.Columns.calendarSecret == secret).fetchOne(db),
                  user.disabledAt == nil else { return nil }
            return DepotUser(name: user.name, role: user.role, school: user.school)
        }
    }

    /// Refuses a school id the catalog does not know, naming the closest known ones.
    func requireKnownSchool(_ id: String) async throws {
        let known = try await database.writer.read { db in try String.fetchAll(db, sql: "SELECT id FROM school ORDER BY id") }
        guard !known.contains(id) else { return }
        if known.isEmpty {
            throw ServiceError(.invalidInput, code: "user.school-unknown",
                "there is no school '\(id)': no schools are known yet; add it first with 'depot edu schools add \(id) --name NAME'")
        }
        let hint = Suggestion.nearest(to: id, in: known).map { "did you mean '\($0)'? " } ?? ""
        throw ServiceError(.invalidInput, code: "user.school-unknown",
            "there is no school '\(id)'; \(hint)known schools: \(known.prefix(8).joined(separator: ", "))\(known.count > 8 ? ", …" : "") ('depot edu schools list')")
    }

    static func userRecord(_ db: Database, _ name: String) throws -> UserRecord {
        guard let user = try UserRecord.filter(UserRecord.Columns.name == name).fetchOne(db) else { throw unknownUser(name) }
        return user
    }
}
