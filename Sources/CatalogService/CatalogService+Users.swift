import DepotCrypto
import DepotModel
import Foundation
import GRDB
import Storage

/// A user as listed to admins (never with a token).
public struct UserSummary: Codable, Sendable, Equatable {
    public var name: String
    public var role: Role
    public var school: String?
    public var createdAt: String
    /// When the user was disabled; absent while they may act.
    public var disabledAt: String?

    public init(name: String, role: Role, school: String?, createdAt: String, disabledAt: String? = nil) {
        self.name = name
        self.role = role
        self.school = school
        self.createdAt = createdAt
        self.disabledAt = disabledAt
    }
}

/// A newly created user and the token that is shown exactly once.
public struct NewUser: Codable, Sendable {
    public var user: UserSummary
    public var token: String
}

extension CatalogService {
    static let tokenPrefix = "dpt_"

    /// Adds a user with one role and returns their first API token. Admins only.
    public func addUser(name: String, role: Role, school: String?, by actor: DepotUser) async throws -> NewUser {
        try actor.require(.manageUsers)
        try Self.validateUserName(name)
        if role == .schoolAdmin && (school ?? "").isEmpty {
            throw ServiceError(.invalidInput, code: "user.school-required",
                "a school-admin answers for one school; add --school ID for \(name)")
        }
        if role != .schoolAdmin && school != nil {
            throw ServiceError(.invalidInput, code: "user.school-unexpected",
                "only a school-admin is scoped to a school; drop --school or use --role school-admin for \(name)")
        }
        if let school { try await requireKnownSchool(school) }
        let token = try Self.newToken()
        let stamp = nowString
        let at = now
        let summary = try await database.writer.write { db -> UserSummary in
            if try UserRecord.filter(UserRecord.Columns.name == name).fetchOne(db) != nil {
                throw ServiceError(.conflict, code: "user.exists", "a user named '\(name)' already exists; choose another name")
            }
            var record = UserRecord(name: name, role: role, school: school, createdAt: stamp)
            try record.insert(db)
            var tokenRecord = APITokenRecord(userId: record.id!, tokenHash: SHA256Hasher.hex(token), createdAt: stamp)
            try tokenRecord.insert(db)
            let summary = UserSummary(name: name, role: role, school: school, createdAt: stamp)
            try AuditLog.append(db, at: at, actor: actor.name, action: "user.add", subject: "user:\(name)",
                                after: Snapshot.json(summary))
            return summary
        }
        return NewUser(user: summary, token: token)
    }

    /// Creates the first admin when the store has no users; returns nil when users already exist.
    public func bootstrapAdmin(name: String = "admin") async throws -> NewUser? {
        let hasUsers = try await database.writer.read { db in try UserRecord.fetchCount(db) > 0 }
        guard !hasUsers else { return nil }
        return try await addUser(name: name, role: .admin, school: nil, by: .system)
    }

    /// Issues an additional token for an existing user (the old ones stay valid). Admins only.
    public func issueToken(for name: String, by actor: DepotUser) async throws -> String {
        try actor.require(.manageUsers)
        let token = try Self.newToken()
        let stamp = nowString
        let at = now
        try await database.writer.write { db in
            guard let user = try UserRecord.filter(UserRecord.Columns.name == name).fetchOne(db) else {
                throw Self.unknownUser(name)
            }
            var record = APITokenRecord(userId: user.id!, tokenHash: SHA256Hasher.hex(token), createdAt: stamp)
            try record.insert(db)
            try AuditLog.append(db, at: at, actor: actor.name, action: "token.issue", subject: "user:\(name)")
        }
        return token
    }

    public func listUsers(by actor: DepotUser) async throws -> [UserSummary] {
        try actor.require(.manageUsers)
        return try await database.writer.read { db in
            try UserRecord.order(UserRecord.Columns.name).fetchAll(db).map {
                UserSummary(name: $0.name, role: $0.role, school: $0.school, createdAt: $0.createdAt, disabledAt: $0.disabledAt)
            }
        }
    }

    /// The user a bearer token belongs to, or an `unauthenticated` error.
    public func authenticate(token: String) async throws -> DepotUser {
        let hash = SHA256Hasher.hex(token)
        let stamp = nowString
        let user = try await database.writer.write { db -> UserRecord? in
            // A revoked token or a disabled user stops here at once: the check is part of every request.
            guard let user = try UserRecord.fetchOne(db, sql: """
                SELECT user.* FROM user JOIN apiToken ON apiToken.userId = user.id
                WHERE apiToken.tokenHash = ? AND apiToken.revokedAt IS NULL AND user.disabledAt IS NULL
                """, arguments: [hash]) else { return nil }
            // Last use to the minute: enough to see which tokens are still in use, without a write per request.
            try db.execute(sql: """
                UPDATE apiToken SET lastUsedAt = ? WHERE tokenHash = ? AND (lastUsedAt IS NULL OR substr(lastUsedAt, 1, 16) < substr(?, 1, 16))
                """, arguments: [stamp, hash, stamp])
            return user
        }
        guard let user else {
            throw ServiceError(.unauthenticated, code: "auth.token",
                "the bearer token is not known, revoked, or its user is disabled; ask an admin for a token ('depot users token NAME')")
        }
        return DepotUser(name: user.name, role: user.role, school: user.school)
    }

    /// The CLI's acting user, named with `--as` or `DEPOT_USER`.
    public func user(named name: String) async throws -> DepotUser {
        if name == DepotUser.system.name { throw Self.unknownUser(name) }
        let user = try await database.writer.read { db in
            try UserRecord.filter(UserRecord.Columns.name == name).fetchOne(db)
        }
        guard let user else { throw Self.unknownUser(name) }
        guard user.disabledAt == nil else {
            throw ServiceError(.forbidden, code: "user.disabled",
                "\(name) is disabled (since \(user.disabledAt ?? "")); an admin enables them with 'depot users enable \(name)'")
        }
        return DepotUser(name: user.name, role: user.role, school: user.school)
    }

    static func unknownUser(_ name: String) -> ServiceError {
        ServiceError(.notFound, code: "user.unknown",
            "there is no user '\(name)'; list users with 'depot users list' or add one with 'depot users add \(name) --role ROLE'")
    }

    static func validateUserName(_ name: String) throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789.-_")
        guard (1...64).contains(name.count), name.allSatisfy({ allowed.contains($0) }), name != DepotUser.system.name else {
            throw ServiceError(.invalidInput, code: "user.name",
                "'\(name)' is not a usable user name; use 1–64 lowercase letters, digits, '.', '-' or '_' (and not 'system')")
        }
    }

    static func newToken() throws -> String { tokenPrefix + Hex.encode(try SecureRandom.bytes(24)) }
}
