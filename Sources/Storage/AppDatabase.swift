import DepotModel
import Foundation
import GRDB

/// The catalog's SQLite database: one `DatabaseWriter` (a WAL `DatabasePool` on disk, a queue in tests)
/// whose schema is brought up to date by named, append-only migrations when it is opened.
public struct AppDatabase: Sendable {
    /// The writer every use case goes through; one `write {}` per invariant.
    public let writer: any DatabaseWriter

    public init(_ writer: any DatabaseWriter) throws {
        self.writer = writer
        do {
            try Self.migrator.migrate(writer)
        } catch {
            throw StorageError(.internal, code: "storage.migrate", "could not bring the database schema up to date: \(error)")
        }
    }

    /// Opens (creating if needed) the database file in WAL mode with foreign keys on.
    public static func open(at url: URL) throws -> AppDatabase {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        do {
            let pool = try DatabasePool(path: url.path, configuration: configuration)
            return try AppDatabase(pool)
        } catch let error as StorageError {
            throw error
        } catch {
            throw StorageError(.internal, code: "storage.open",
                "could not open the database at \(url.path): \(error). Check that the depot home is writable, or pass --home DIR")
        }
    }

    /// An empty in-memory database with the current schema, for tests.
    public static func inMemory() throws -> AppDatabase {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        return try AppDatabase(DatabaseQueue(configuration: configuration))
    }
}

/// Storage failures, translated from SQLite's own so that callers see which input clashed with what.
public struct StorageError: DepotError {
    public let kind: ErrorKind
    public let code: String
    public let message: String

    public init(_ kind: ErrorKind, code: String, _ message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }
}
