import DepotModel
import DepotPolicy
import Foundation
import GRDB
import Lifecycle
import Storage

/// A version the city refused, as `depot versions refuse` recorded it.
public struct RefusedVersionView: Codable, Sendable, Equatable {
    public var program: String
    public var version: String
    public var reason: String
    public var refusedBy: String
    public var refusedAt: String
}

extension CatalogService {
    /// Declines a version of a program: it no longer counts as latest or second-latest, and pruning retires it.
    public func refuseVersion(program: String, version: String, reason: String,
                              by actor: DepotUser) async throws -> RefusedVersionView {
        try actor.require(.refuseVersions)
        let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !why.isEmpty else {
            throw ServiceError(.invalidInput, code: "refuse.reason",
                "say why \(program) \(version) is refused with --reason TEXT; the reason is shown in the currency report")
        }
        let at = now
        let stamp = nowString
        return try await database.writer.write { db in
            guard try self.isKnownProgram(db, program) else {
                throw ServiceError(.notFound, code: "program.unknown",
                    "there is no program '\(program)' in the catalog or in currency.yaml; 'depot catalog list' shows them")
            }
            let scheme = try self.programScheme(db, program)
            do {
                try VersionComparator(scheme).validate(version)
            } catch let error as VersionError {
                throw ServiceError(.invalidInput, code: error.code, "\(program): \(error.message)")
            }
            if let existing = try RefusedVersionRecord
                .filter(RefusedVersionRecord.Columns.program == program && RefusedVersionRecord.Columns.version == version)
                .fetchOne(db) {
                throw ServiceError(.conflict, code: "refuse.exists",
                    "\(program) \(version) was already refused by \(existing.refusedBy) on \(existing.refusedAt.prefix(10)): \(existing.reason)")
            }
            var record = RefusedVersionRecord(program: program, version: version, reason: why, refusedBy: actor.name, refusedAt: stamp)
            try record.insert(db)
            let view = RefusedVersionView(program: program, version: version, reason: why, refusedBy: actor.name, refusedAt: stamp)
            try AuditLog.append(db, at: at, actor: actor.name, action: "version.refuse", subject: "program:\(program)",
                                after: Snapshot.json(view))
            return view
        }
    }

    /// Every baseline program of `currency.yaml` against the latest and second-latest upstream releases not
    /// refused, on `day` (the Stockholm calendar day of the service clock when nil).
    public func currencyReport(at day: CalendarDate? = nil, by actor: DepotUser) async throws -> CurrencyReport {
        try actor.require(.readLifecycle)
        let policies = try lifecyclePolicies("currency report")
        let day = day ?? today
        let facts = try await database.writer.read { db in try self.programReleases(db, policies.currency) }
        return CurrencyEvaluator.report(facts, policy: policies.currency, at: day)
    }

    /// What the currency rule needs per baseline program: its scheme, published versions, releases and refusals.
    func programReleases(_ db: Database, _ policy: CurrencyPolicy) throws -> [ProgramReleases] {
        try policy.baseline.map { baseline in
            let published = try String.fetchAll(db, sql: """
                SELECT v.version FROM packageVersion v JOIN program p ON p.id = v.programId
                WHERE p.slug = ? AND v.state = 'published'
                """, arguments: [baseline.program])
            let upstream = try UpstreamReleaseRecord.filter(UpstreamReleaseRecord.Columns.program == baseline.program)
                .fetchAll(db).compactMap { record in
                    CalendarDate(record.released).map { UpstreamRelease(version: record.version, released: $0) }
                }
            let refused = try RefusedVersionRecord.filter(RefusedVersionRecord.Columns.program == baseline.program)
                .fetchAll(db).map { RefusedVersion(version: $0.version, reason: $0.reason) }
            return ProgramReleases(program: baseline.program, scheme: try programScheme(db, baseline.program),
                                   published: published, upstream: upstream, refused: refused)
        }
    }

    // MARK: Shared by the lifecycle use cases

    /// The policies, or an error naming the command that needs them.
    func lifecyclePolicies(_ what: String) throws -> PolicySet {
        guard let policies else {
            throw ServiceError(.internal, code: "lifecycle.no-policy",
                "the \(what) needs the policies; run Depot where Policies/ is, or pass --policies DIR")
        }
        return policies
    }

    /// The city's time zone, in which "today" and the maintenance windows are reckoned.
    var cityTimeZone: TimeZone {
        policies?.maintenanceWindows.timeZone ?? TimeZone(identifier: "Europe/Stockholm") ?? TimeZone(secondsFromGMT: 3600)!
    }

    /// The service clock's calendar day in Stockholm.
    var today: CalendarDate { CalendarDate(now, in: cityTimeZone) }

    /// Parses `--at DATE` (YYYY-MM-DD); nil stays nil (today).
    public static func lifecycleDay(_ text: String?, option: String = "--at") throws -> CalendarDate? {
        guard let text else { return nil }
        guard let day = CalendarDate(text.trimmingCharacters(in: .whitespaces)) else {
            throw ServiceError(.invalidInput, code: "date.invalid", "\(option) '\(text)' is not a date; write it as YYYY-MM-DD")
        }
        return day
    }

    /// A program id the catalog holds or `currency.yaml` names (upstream releases may come before the first packaging).
    func isKnownProgram(_ db: Database, _ program: String) throws -> Bool {
        if policies?.currency.program(program) != nil { return true }
        return try ProgramRecord.filter(ProgramRecord.Columns.slug == program).fetchCount(db) > 0
    }

    /// The scheme the program's manifest declares, else `auto`.
    func programScheme(_ db: Database, _ program: String) throws -> VersionScheme {
        let declared = try String.fetchOne(db, sql: "SELECT versionScheme FROM program WHERE slug = ?", arguments: [program])
        return declared.flatMap(VersionScheme.init(rawValue:)) ?? .auto
    }
}
