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

/// A short-lived permission to download the packages of one install: the install answer's download URLs carry
/// its secret (`?grant=…`); only its SHA-256 is stored.
public struct EduGrant: Sendable, Codable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "downloadGrant"
    public var id: Int64?
    public var installId: Int64
    public var sha256: String
    public var createdAt: String
    public var expiresAt: String

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// An uninstall report: seats of an earlier install given back.
public struct EduUninstall: Sendable, Codable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "uninstall"
    public var id: Int64?
    public var installId: Int64
    /// Seats returned.
    public var quantity: Int
    /// JSON array of the device names reported, `[]` when a count was reported.
    public var devices: String
    public var reportedBy: String
    public var reportedAt: String

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// Why a download of a per-seat package is allowed, or the reason it is not.
public enum GrantCheck: Sendable, Equatable {
    /// The grant is current; it belongs to this install.
    case valid(EduInstall)
    case refused(String)
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
        migrator.registerMigration("v2-edu-grants") { db in
            try db.create(table: "downloadGrant") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("installId", .integer).notNull().indexed().references("install")
                t.column("sha256", .text).notNull().unique()
                t.column("createdAt", .text).notNull()
                t.column("expiresAt", .text).notNull()
            }
            try db.create(table: "uninstall") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("installId", .integer).notNull().indexed().references("install")
                t.column("quantity", .integer).notNull().check { $0 > 0 }
                t.column("devices", .text).notNull()
                t.column("reportedBy", .text).notNull()
                t.column("reportedAt", .text).notNull()
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

    /// Seats this server's own records take from `program` beyond what the published whitelist already counts:
    /// installs after `countedThrough` less uninstalls after `uninstallsCountedThrough`.
    static func seatsTaken(_ db: Database, program: String, countedThrough: Int64, uninstallsCountedThrough: Int64) throws -> Int {
        try Int.fetchOne(db, sql: """
            SELECT (SELECT COALESCE(SUM(quantity), 0) FROM install WHERE program = ? AND id > ?)
                 - (SELECT COALESCE(SUM(u.quantity), 0) FROM uninstall u JOIN install i ON i.id = u.installId
                    WHERE i.program = ? AND u.id > ?)
            """, arguments: [program, countedThrough, program, uninstallsCountedThrough]) ?? 0
    }

    /// Records `install` if `decide`, given the seats this server's records of the program take beyond the published
    /// counts, allows it; with `grantLifetime`, also a grant for downloading its packages (returned as its secret).
    /// The count and the inserts share one write transaction, so concurrent requests cannot both take the last seat.
    public func record(_ install: EduInstall, countedThrough: Int64, uninstallsCountedThrough: Int64 = 0,
                       grantLifetime: TimeInterval? = nil, now: Date = Date(),
                       decide: (_ seatsTaken: Int) -> (allowed: Bool, reason: String?)) throws
        -> Result<(install: EduInstall, grant: (secret: String, expires: Date)?), EduServerError> {
        let secret = grantLifetime == nil ? nil : "grant_" + Hex.encode(try SecureRandom.bytes(24))
        return try writer.write { db in
            let taken = try Self.seatsTaken(db, program: install.program, countedThrough: countedThrough,
                                            uninstallsCountedThrough: uninstallsCountedThrough)
            let decision = decide(taken)
            guard decision.allowed else {
                return .failure(EduServerError(.refused, code: "edu.install.refused", decision.reason ?? "refused"))
            }
            var stored = install
            try stored.insert(db)
            guard let secret, let grantLifetime, let id = stored.id else { return .success((stored, nil)) }
            let expires = now.addingTimeInterval(grantLifetime)
            var grant = EduGrant(id: nil, installId: id, sha256: SHA256Hasher.hex(secret), createdAt: Timestamp.string(now),
                                 expiresAt: Timestamp.string(expires))
            try grant.insert(db)
            return .success((stored, (secret, expires)))
        }
    }

    /// A fresh grant for an install that still holds seats (for devices that missed the first one).
    public func renewGrant(install id: Int64, school: String, lifetime: TimeInterval, now: Date = Date()) throws -> (secret: String, expires: Date) {
        let secret = "grant_" + Hex.encode(try SecureRandom.bytes(24))
        let expires = now.addingTimeInterval(lifetime)
        try writer.write { db in
            guard let install = try EduInstall.fetchOne(db, key: id), install.school == school else {
                throw EduServerError(.notFound, code: "edu.install.unknown",
                                     "school '\(school)' has no install \(id); GET /edu/v1/schools/\(school)/installs lists them")
            }
            if try Self.remaining(db, install) <= 0 {
                throw EduServerError(.refused, code: "edu.install.uninstalled",
                                     "install \(id) was uninstalled and its seats returned; order the program again")
            }
            var grant = EduGrant(id: nil, installId: id, sha256: SHA256Hasher.hex(secret), createdAt: Timestamp.string(now),
                                 expiresAt: Timestamp.string(expires))
            try grant.insert(db)
        }
        return (secret, expires)
    }

    /// Whether `secret` is a current grant: known, not past its expiry, and its install still holding seats.
    public func checkGrant(secret: String, now: Date = Date()) throws -> GrantCheck {
        let hash = SHA256Hasher.hex(secret)
        return try writer.read { db in
            guard let grant = try EduGrant.filter(Column("sha256") == hash).fetchOne(db),
                  let install = try EduInstall.fetchOne(db, key: grant.installId) else {
                return .refused("the grant is not known to this edu server; use the download URL of an install order")
            }
            guard let expires = Timestamp.parse(grant.expiresAt), expires > now else {
                return .refused("the grant of install \(grant.installId) expired at \(grant.expiresAt); "
                    + "the school admin gets a fresh one with POST /edu/v1/schools/\(install.school)/installs/\(grant.installId)/grant")
            }
            if try Self.remaining(db, install) <= 0 {
                return .refused("install \(grant.installId) was uninstalled and its seats returned; order the program again")
            }
            return .valid(install)
        }
    }

    /// Seats an install still holds: its quantity less what uninstall reports returned.
    static func remaining(_ db: Database, _ install: EduInstall) throws -> Int {
        let returned = try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(quantity), 0) FROM uninstall WHERE installId = ?",
                                        arguments: [install.id]) ?? 0
        return install.quantity - returned
    }

    /// Records an uninstall of `quantity` seats (or of the named devices) of one install of `school`; never returns
    /// more seats than the install still holds.
    public func recordUninstall(install id: Int64, school: String, devices: [String]?, quantity: Int?, reportedBy: String,
                                now: Date = Date()) throws -> (uninstall: EduUninstall, remaining: Int) {
        try writer.write { db in
            guard let install = try EduInstall.fetchOne(db, key: id), install.school == school else {
                throw EduServerError(.notFound, code: "edu.install.unknown",
                                     "school '\(school)' has no install \(id); GET /edu/v1/schools/\(school)/installs lists them")
            }
            let remaining = try Self.remaining(db, install)
            if remaining <= 0 {
                throw EduServerError(.conflict, code: "edu.uninstall.done",
                                     "install \(id) was already uninstalled; its \(install.quantity) seats were returned")
            }
            let returned: Int
            if let devices, !devices.isEmpty {
                let ordered = Set(install.deviceList)
                if !ordered.isEmpty, let stranger = devices.first(where: { !ordered.contains($0) }) {
                    throw EduServerError.invalidRequest("device '\(stranger.prefix(80))' is not one install \(id) was ordered for; "
                        + "it lists \(install.deviceList.joined(separator: ", "))")
                }
                let earlier = try EduUninstall.filter(Column("installId") == id).fetchAll(db)
                    .flatMap { (try? JSONDecoder().decode([String].self, from: Data($0.devices.utf8))) ?? [] }
                if let again = devices.first(where: Set(earlier).contains) {
                    throw EduServerError(.conflict, code: "edu.uninstall.done", "device '\(again.prefix(80))' was already reported uninstalled")
                }
                guard Set(devices).count == devices.count else {
                    throw EduServerError.invalidRequest("\"devices\" names a device twice; list each device once")
                }
                returned = devices.count
            } else {
                returned = quantity ?? remaining
            }
            guard returned >= 1, returned <= remaining else {
                throw EduServerError.invalidRequest("install \(id) holds \(remaining) seat\(remaining == 1 ? "" : "s"); "
                    + "an uninstall returns 1 to \(remaining), not \(returned)")
            }
            let devicesJSON = String(decoding: try JSONEncoder().encode(devices ?? []), as: UTF8.self)
            var record = EduUninstall(id: nil, installId: id, quantity: returned, devices: devicesJSON, reportedBy: reportedBy,
                                      reportedAt: Timestamp.string(now))
            try record.insert(db)
            return (record, remaining - returned)
        }
    }

    /// Every uninstall with an id above `id`, oldest first, with the install each belongs to.
    public func uninstalls(after id: Int64) throws -> [(uninstall: EduUninstall, install: EduInstall)] {
        try writer.read { db in
            try EduUninstall.filter(Column("id") > id).order(Column("id")).fetchAll(db).compactMap { u in
                try EduInstall.fetchOne(db, key: u.installId).map { (u, $0) }
            }
        }
    }

    /// Seats each of `ids`' installs still holds.
    public func remainingSeats(installs ids: [Int64]) throws -> [Int64: Int] {
        try writer.read { db in
            var result: [Int64: Int] = [:]
            for install in try EduInstall.filter(keys: ids).fetchAll(db) { result[install.id ?? 0] = try Self.remaining(db, install) }
            return result
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
