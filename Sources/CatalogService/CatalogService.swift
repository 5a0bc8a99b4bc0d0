import DepotModel
import DepotPolicy
import Foundation
import GRDB
import Inspection
import Logging
import Sandbox
import Storage

/// The use cases of the catalog. Each state change is one method, one transaction and one audit event;
/// the CLI and the HTTP server call these and never touch SQL.
public struct CatalogService: Sendable {
    public let home: DepotHome
    public let database: AppDatabase
    public let clock: any DepotClock
    public let logger: Logger
    /// The policies in force, when a policy folder was loaded.
    public var policies: PolicySet?
    /// Files at least this large get a progress bar on a terminal.
    public var progressThresholdBytes: Int64 = 50_000_000
    /// Limits on what intake reads: size, entries, ratio, nesting.
    public var intakeLimits: InspectionLimits
    /// Where automatic install tests run; nil means Wine under `<home>/sandbox` (see `WineRunner`).
    public var installTestRunner: (any InstallTestRunner)?
    /// What `open` removed from `incoming/` (uploads of killed processes), for `depot doctor` to report.
    public var sweptAtOpen = IncomingSweep(files: 0, bytes: 0)

    public init(home: DepotHome, database: AppDatabase, clock: any DepotClock = SystemClock(), logger: Logger,
                intakeLimits: InspectionLimits = .standard) {
        self.home = home
        self.database = database
        self.clock = clock
        self.logger = logger
        self.intakeLimits = intakeLimits
    }

    /// Creates the home's folders if needed and opens its database.
    public static func open(home: DepotHome, clock: any DepotClock = SystemClock(), logger: Logger) throws -> CatalogService {
        do {
            try home.create()
        } catch {
            throw ServiceError(.internal, code: "home.create",
                "could not create the depot home at \(home.root.path): \(error.localizedDescription); choose another with --home DIR or DEPOT_HOME")
        }
        // What uploads and submissions killed part-way left in incoming/ goes now; live uploads hold a lock.
        let swept = BlobStore(home: home).sweepIncoming()
        if swept.files > 0 {
            logger.notice("removed \(swept.files) unfinished upload(s), \(swept.bytes) bytes, from \(home.incoming.path)")
        }
        var service = CatalogService(home: home, database: try AppDatabase.open(at: home.database), clock: clock, logger: logger)
        service.sweptAtOpen = IncomingSweep(files: swept.files, bytes: swept.bytes)
        return service
    }

    /// True when the database exists and already holds programs.
    public func isCatalogEmpty() async throws -> Bool {
        try await database.writer.read { db in try ProgramRecord.fetchCount(db) == 0 }
    }

    var now: Date { clock.now() }
    var nowString: String { Timestamp.string(clock.now()) }
}

/// JSON snapshots for audit records: sorted keys so that equal values always serialise alike.
enum Snapshot {
    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }
}
