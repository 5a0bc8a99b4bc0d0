import DepotModel
import DepotPolicy
import Foundation
import GRDB
import Lifecycle
import Storage

/// An upgrade as scheduled by a release manager.
public struct ScheduledUpgradeView: Codable, Sendable, Equatable {
    public var id: Int64
    public var program: String
    public var toVersion: String
    public var rings: [String]
    /// `YYYY-MM-DD`, or nil for as soon as the notice allows.
    public var start: String?
    public var createdBy: String
    public var createdAt: String

    init(_ record: ScheduledUpgradeRecord) {
        id = record.id ?? 0
        program = record.program
        toVersion = record.toVersion
        rings = record.rings
        start = record.start
        createdBy = record.createdBy
        createdAt = record.createdAt
    }
}

/// `depot schedule plan`: every scheduled upgrade with its waves, flags included.
public struct SchedulePlan: Codable, Sendable, Equatable {
    public var upgrades: [ScheduledUpgradeView]
    /// In upgrade order, then ring order.
    public var waves: [Wave]
    /// The time zone the local times are in.
    public var timeZone: String
}

extension CatalogService {
    /// Schedules an upgrade of `program` to `version` through `rings` in order (`depot schedule add`).
    public func scheduleUpgrade(program: String, toVersion version: String, rings: [String], start: CalendarDate? = nil,
                                by actor: DepotUser) async throws -> ScheduledUpgradeView {
        try actor.require(.scheduleUpgrades)
        let policies = try lifecyclePolicies("upgrade schedule")
        let rings = rings.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let known = policies.maintenanceWindows.environments.map(\.id)
        guard !rings.isEmpty else {
            throw ServiceError(.invalidInput, code: "schedule.rings",
                "name the rings in rollout order with --rings, e.g. --rings \(known.joined(separator: ","))")
        }
        if let unknown = rings.first(where: { !known.contains($0) }) {
            throw ServiceError(.invalidInput, code: "schedule.ring",
                "ring '\(unknown)' has no maintenance windows in maintenance-windows.yaml; use \(known.joined(separator: ", "))")
        }
        if Set(rings).count != rings.count {
            throw ServiceError(.invalidInput, code: "schedule.rings", "--rings names a ring twice (\(rings.joined(separator: ","))); name each once")
        }
        let at = now
        let stamp = nowString
        return try await database.writer.write { db in
            guard try self.isKnownProgram(db, program) else {
                throw ServiceError(.notFound, code: "program.unknown",
                    "there is no program '\(program)' in the catalog or in currency.yaml; 'depot catalog list' shows them")
            }
            do {
                try VersionComparator(try self.programScheme(db, program)).validate(version)
            } catch let error as VersionError {
                throw ServiceError(.invalidInput, code: error.code, "\(program): \(error.message)")
            }
            if let refusal = try RefusedVersionRecord
                .filter(RefusedVersionRecord.Columns.program == program && RefusedVersionRecord.Columns.version == version)
                .fetchOne(db) {
                throw ServiceError(.refused, code: "schedule.refused",
                    "\(program) \(version) is refused (\(refusal.reason)); schedule a version the city can take")
            }
            var record = ScheduledUpgradeRecord(program: program, toVersion: version, rings: rings, start: start?.description,
                                                createdBy: actor.name, createdAt: stamp)
            try record.insert(db)
            let view = ScheduledUpgradeView(record)
            try AuditLog.append(db, at: at, actor: actor.name, action: "schedule.add", subject: "schedule:\(view.id)",
                                after: Snapshot.json(view))
            return view
        }
    }

    /// The waves of every scheduled upgrade in the maintenance windows, with conflicts and currency violations flagged.
    public func schedulePlan(by actor: DepotUser) async throws -> SchedulePlan {
        try actor.require(.readLifecycle)
        let policies = try lifecyclePolicies("upgrade schedule")
        let (records, facts) = try await database.writer.read { db in
            (try ScheduledUpgradeRecord.order(ScheduledUpgradeRecord.Columns.id).fetchAll(db),
             try self.programReleases(db, policies.currency))
        }
        let deadlines = CurrencyEvaluator.report(facts, policy: policies.currency, at: today).deadlines
        // The notice runs from the day each upgrade was announced, so the plan does not drift as days pass.
        let upgrades = records.map {
            ScheduledUpgrade(program: $0.program, toVersion: $0.toVersion, rings: $0.rings, start: $0.start.flatMap(CalendarDate.init),
                             announced: Timestamp.parse($0.createdAt))
        }
        let waves = UpgradeScheduler.plan(upgrades: upgrades, windows: policies.maintenanceWindows, currency: policies.currency,
                                          deadlines: deadlines, now: now)
        return SchedulePlan(upgrades: records.map(ScheduledUpgradeView.init), waves: waves,
                            timeZone: policies.maintenanceWindows.timeZoneIdentifier)
    }

    /// The plan as an RFC 5545 calendar; the same schedule always gives the same bytes.
    public func scheduleCalendar(by actor: DepotUser) async throws -> String {
        let plan = try await schedulePlan(by: actor)
        let policies = try lifecyclePolicies("upgrade schedule")
        var names: [String: String] = [:]
        for baseline in policies.currency.baseline { names[baseline.program] = baseline.name }
        let programs = Set(plan.upgrades.map(\.program))
        let catalogNames = try await database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT slug, name FROM program").map { ($0["slug"] as String, $0["name"] as String) }
        }
        for (slug, name) in catalogNames where programs.contains(slug) && names[slug] == nil { names[slug] = name }
        // Stamped with the newest announcement, not the wall clock, so an unchanged schedule exports identically.
        let stamp = plan.upgrades.compactMap { Timestamp.parse($0.createdAt) }.max() ?? Date(timeIntervalSince1970: 0)
        return CalendarExport.ics(waves: plan.waves, timeZoneIdentifier: plan.timeZone, stamp: stamp, names: names)
    }
}
