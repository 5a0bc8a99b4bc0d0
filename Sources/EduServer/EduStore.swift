import DepotCrypto
import DepotModel
import Foundation
import GRDB

/// A school admin's or teacher's API token; only its SHA-256 is stored.
public struct EduToken: Sendable, Codable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "token"
    public var id: Int64?
    public var name: String
    public var school: String
    public var sha256: String
    public var createdAt: String

    enum CodingKeys: String, CodingKey { case id, name, school, sha256, createdAt }
    public enum Columns {
        static let name = Column("name")
        static let school = Column("school")
        static let sha256 = Column("sha256")
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// One accepted self-install: a program for named devices, or for a class as one group order.
public struct EduInstall: Sendable, Codable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "install"
    public var id: Int64?
    public var school: String
    public var program: String
    public var version: String
    /// JSON array of device names; `[]` for a group order.
    public var devices: String
    public var groupName: String?
    public var groupSize: Int?
    /// Seats this install takes: the number of devices, or the group's size.
    public var quantity: Int
    /// The name of the token that asked.
    public var requestedBy: String
    public var requestedAt: String

    public enum Columns {
        static let id = Column("id")
        static let school = Column("school")
        static let program = Column("program")
        static let quantity = Column("quantity")
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// The device names of a device order.
    public var deviceList: [String] { (try? JSONDecoder().decode([String].self, from: Data(devices.utf8))) ?? [] }
}

/// The edu server's own store, `STATE/edu.sqlite`: its id, tokens and installs. It survives restarts and is what
/// `depot edu collect` reads back into the catalog.
public struct EduStore: Sendable {
    public static let fileName = "edu.sqlite"
    let writer: DatabasePool
    /// This server's id, created once with the store; whitelists say which of its installs are already counted.
    public let serverID: String

    /// Opens (creating if needed) `directory/edu.sqlite`.
    public init(directory: URL) throws {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            writer = try DatabasePool(path: directory.appendingPathComponent(Self.fileName).path, configuration: configuration)
            try Self.migrator.migrate(writer)
            serverID = try writer.write { db in
                if let id = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'serverId'") { return id }
                let id = UUID().uuidString.lowercased()
                try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('serverId', ?)", arguments: [id])
                return id
            }
        } catch let error as EduServerError {
            throw error
        } catch {
            throw EduServerError(.internal, code: "edu.store.open",
                                 "cannot open the edu store in \(directory.path) (\(error)); check --state and its permissions")
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "meta") { t in
                t.primaryKey("key", .text)
                t.column("value", .text).notNull()
            }
            try db.create(table: "token") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().unique()
                t.column("school", .text).notNull()
                t.column("sha256", .text).notNull().unique()
                t.column("createdAt", .text).notNull()
            }
            try db.create(table: "install") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("school", .text).notNull().indexed()
                t.column("program", .text).notNull().indexed()
                t.column("version", .text).notNull()
                t.column("devices", .text).notNull()
                t.column("groupName", .text)
                t.column("groupSize", .integer)
                t.column("quantity", .integer).notNull().check { $0 > 0 }
                t.column("requestedBy", .text).notNull()
                t.column("requestedAt", .text).notNull()
            }
        }
        return migrator
    }

    /// Creates a token for `school`; returns the secret (shown once) and the stored record.
    public func addToken(name: String, school: String, now: Date = Date()) throws -> (secret: String, token: EduToken) {
        let secret = "edu_" + Hex.encode(try SecureRandom.bytes(32))
        var token = EduToken(id: nil, name: name, school: school, sha256: SHA256Hasher.hex(secret),
                             createdAt: Timestamp.string(now))
        do {
            try writer.write { db in
                if try EduToken.filter(EduToken.Columns.name == name).fetchCount(db) > 0 {
                    throw EduServerError(.conflict, code: "edu.token.exists",
                                         "a token named '\(name)' already exists; choose another name")
                }
                try token.insert(db)
            }
        } catch let error as EduServerError { throw error }
        return (secret, token)
    }

    /// Every token, by name (hashes only).
    public func tokens() throws -> [EduToken] {
        try writer.read { db in try EduToken.order(EduToken.Columns.name).fetchAll(db) }
    }

    /// The token whose secret this is, or nil.
    public func token(secret: String) throws -> EduToken? {
        let hash = SHA256Hasher.hex(secret)
        return try writer.read { db in try EduToken.filter(EduToken.Columns.sha256 == hash).fetchOne(db) }
    }

    /// Records `install` if `decide`, given the seats this server's installs of the program after `countedThrough`
    /// already take, allows it; the count and the insert share one write transaction, so concurrent requests cannot
    /// both take the last seat.
    public func record(_ install: EduInstall, countedThrough: Int64,
                       decide: (_ seatsTaken: Int) -> (allowed: Bool, reason: String?)) throws -> Result<EduInstall, EduServerError> {
        try writer.write { db in
            let taken = try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(quantity), 0) FROM install WHERE program = ? AND id > ?",
                                         arguments: [install.program, countedThrough]) ?? 0
            let decision = decide(taken)
            guard decision.allowed else {
                return .failure(EduServerError(.refused, code: "edu.install.refused", decision.reason ?? "refused"))
            }
            var stored = install
            try stored.insert(db)
            return .success(stored)
        }
    }

    /// A school's installs, oldest first.
    public func installs(school: String) throws -> [EduInstall] {
        try writer.read { db in
            try EduInstall.filter(EduInstall.Columns.school == school).order(EduInstall.Columns.id).fetchAll(db)
        }
    }

    /// Every install with an id above `id`, oldest first (what `depot edu collect` has not brought back yet).
    public func installs(after id: Int64) throws -> [EduInstall] {
        try writer.read { db in
            try EduInstall.filter(EduInstall.Columns.id > id).order(EduInstall.Columns.id).fetchAll(db)
        }
    }
}
