import Classification
import DepotModel
import DepotPolicy
import Foundation
import GRDB
import Lifecycle
import Storage
import Whitelist

/// A version taken out of the orderable catalog, and what became of its installer.
public struct RetiredVersionView: Codable, Sendable, Equatable {
    /// The retirement's id.
    public var retirement: Int64
    /// The package version's id (`depot restore ID`).
    public var id: Int64
    public var program: String
    public var version: String
    public var variant: String
    public var rule: String
    public var reason: String
    public var retiredBy: String
    public var retiredAt: String
    /// The installer is kept through this day.
    public var blobRetainedUntil: String
    public var purgedAt: String?
    public var restoredBy: String?
    public var restoredAt: String?
}

/// What `depot prune --apply` did.
public struct PruneResult: Codable, Sendable, Equatable {
    public var at: CalendarDate
    public var retired: [RetiredVersionView]
    /// Versions the plan keeps.
    public var kept: Int
}

/// One retired installer `depot purge` looked at.
public struct PurgedBlob: Codable, Sendable, Equatable {
    public enum Outcome: String, Codable, Sendable {
        /// The blob (and its signature) was deleted.
        case deleted
        /// The version had no stored installer (an imported catalog version).
        case noInstaller = "no-installer"
        /// Another version still needs the same bytes; the blob stays.
        case shared
        /// The blob was already gone.
        case missing
        /// Deleting failed; the retirement is marked purged, the file is left for the operator.
        case failed
    }
    public var id: Int64
    public var program: String
    public var version: String
    public var sha256: String?
    public var outcome: Outcome
    public var detail: String
}

/// What `depot purge` did.
public struct PurgeResult: Codable, Sendable, Equatable {
    public var at: CalendarDate
    public var purged: [PurgedBlob]
    /// Retired versions whose retention has not yet passed.
    public var stillRetained: Int
}

extension CatalogService {
    /// Every version with the action, rule and reason the pruning rules give it on `day` (default today).
    public func prunePlan(at day: CalendarDate? = nil, by actor: DepotUser) async throws -> PrunePlan {
        try actor.require(.readLifecycle)
        let policies = try lifecyclePolicies("prune plan")
        let day = day ?? today
        let versions = try await database.writer.read { db in try self.prunableVersions(db, on: day) }
        return Pruner.plan(versions, policy: policies.pruning, at: day)
    }

    /// Retires what the plan for `day` retires: no longer orderable, installers kept for the retention period.
    public func applyPrune(at day: CalendarDate? = nil, by actor: DepotUser) async throws -> PruneResult {
        try actor.require(.prune)
        let policies = try lifecyclePolicies("prune")
        let day = day ?? today
        let at = now
        let stamp = nowString
        let retainedUntil = day.adding(days: policies.pruning.blobRetentionDays).description
        return try await database.writer.write { db in
            let plan = Pruner.plan(try self.prunableVersions(db, on: day), policy: policies.pruning, at: day)
            var retired: [RetiredVersionView] = []
            for decision in plan.retired {
                guard let id = Int64(decision.id), var version = try PackageVersionRecord.fetchOne(db, key: id),
                      version.state == .published else { continue }
                version.state = .retired
                version.updatedAt = stamp
                try version.update(db)
                var record = RetirementRecord(packageVersionId: id, rule: decision.rule.rawValue, reason: decision.reason,
                                              retiredBy: actor.name, retiredAt: stamp, blobRetainedUntil: retainedUntil)
                try record.insert(db)
                retired.append(Self.retiredView(record, program: decision.program, version: version))
            }
            let result = PruneResult(at: day, retired: retired, kept: plan.decisions.count - plan.retired.count)
            if !retired.isEmpty {
                try AuditLog.append(db, at: at, actor: actor.name, action: "prune.apply", subject: "prune:\(day)",
                                    after: Snapshot.json(retired.map { ["id": String($0.id), "program": $0.program,
                                                                        "version": $0.version, "rule": $0.rule] }))
            }
            return result
        }
    }

    /// Brings a retired version back into the orderable catalog (`depot restore ID`), unless its installer was purged.
    public func restoreVersion(id: Int64, by actor: DepotUser) async throws -> RetiredVersionView {
        try actor.require(.prune)
        let at = now
        let stamp = nowString
        let blobs = self.blobs
        return try await database.writer.write { db in
            guard var version = try PackageVersionRecord.fetchOne(db, key: id) else {
                throw ServiceError(.notFound, code: "version.unknown",
                    "there is no package version \(id); 'depot catalog list --state retired --json' shows the retired ones")
            }
            let program = try String.fetchOne(db, sql: "SELECT slug FROM program WHERE id = ?", arguments: [version.programId]) ?? "?"
            guard version.state == .retired else {
                throw ServiceError(.conflict, code: "restore.state",
                    "\(program) \(version.version) (version \(id)) is \(version.state.rawValue), not retired; only retired versions are restored")
            }
            guard var retirement = try RetirementRecord
                .filter(RetirementRecord.Columns.packageVersionId == id && RetirementRecord.Columns.restoredAt == nil)
                .order(RetirementRecord.Columns.id.desc).fetchOne(db) else {
                throw ServiceError(.conflict, code: "restore.record",
                    "\(program) \(version.version) is retired but has no open retirement record; re-import it with 'depot catalog import'")
            }
            if let purged = retirement.purgedAt, let sha256 = version.sha256, !blobs.contains(sha256) {
                throw ServiceError(.refused, code: "restore.purged",
                    "the installer of \(program) \(version.version) was purged on \(purged.prefix(10)); submit it again instead")
            }
            version.state = .published
            version.updatedAt = stamp
            try version.update(db)
            retirement.restoredBy = actor.name
            retirement.restoredAt = stamp
            try retirement.update(db)
            let view = Self.retiredView(retirement, program: program, version: version)
            try AuditLog.append(db, at: at, actor: actor.name, action: "version.restore", subject: "version:\(id)",
                                before: Snapshot.json(["state": PackageState.retired.rawValue, "rule": retirement.rule]),
                                after: Snapshot.json(["state": PackageState.published.rawValue]))
            return view
        }
    }

    /// Retired versions that are not restored, newest retirement first.
    public func retiredVersions(by actor: DepotUser) async throws -> [RetiredVersionView] {
        try actor.require(.readLifecycle)
        return try await database.writer.read { db in
            try RetirementRecord.filter(RetirementRecord.Columns.restoredAt == nil).order(RetirementRecord.Columns.id.desc)
                .fetchAll(db).compactMap { record in
                    guard let version = try PackageVersionRecord.fetchOne(db, key: record.packageVersionId) else { return nil }
                    let program = try String.fetchOne(db, sql: "SELECT slug FROM program WHERE id = ?", arguments: [version.programId]) ?? "?"
                    return Self.retiredView(record, program: program, version: version)
                }
        }
    }

    /// Deletes the installers of retired versions whose retention ended before `day` (default today). A blob that
    /// another version still needs (published, or retired and still retained) stays. The database is updated and
    /// audited first; files are deleted after the commit, so a crash can leave a file behind but never a record
    /// that points at a deleted file as if it were still there.
    public func purge(at day: CalendarDate? = nil, by actor: DepotUser) async throws -> PurgeResult {
        try actor.require(.prune)
        let day = day ?? today
        let at = now
        let stamp = nowString
        let (result, doomed) = try await database.writer.write { db -> (PurgeResult, [(Int, String)]) in
            let open = try RetirementRecord
                .filter(RetirementRecord.Columns.restoredAt == nil && RetirementRecord.Columns.purgedAt == nil)
                .order(RetirementRecord.Columns.id).fetchAll(db)
            var purged: [PurgedBlob] = []
            var doomed: [(Int, String)] = []
            var retained = 0
            for var retirement in open {
                guard let until = CalendarDate(retirement.blobRetainedUntil), until < day else {
                    retained += 1
                    continue
                }
                guard let version = try PackageVersionRecord.fetchOne(db, key: retirement.packageVersionId) else { continue }
                let program = try String.fetchOne(db, sql: "SELECT slug FROM program WHERE id = ?", arguments: [version.programId]) ?? "?"
                var entry = PurgedBlob(id: version.id ?? 0, program: program, version: version.version, sha256: version.sha256,
                                       outcome: .noInstaller, detail: "no installer is stored for this version")
                if let sha256 = version.sha256 {
                    if let holder = try Self.blobHolder(db, sha256: sha256, except: version.id ?? 0, on: day) {
                        entry.outcome = .shared
                        entry.detail = "kept: \(holder) has the same installer"
                    } else {
                        entry.outcome = .deleted
                        entry.detail = "installer deleted; retained through \(retirement.blobRetainedUntil)"
                        doomed.append((purged.count, sha256))
                    }
                }
                retirement.purgedAt = stamp
                try retirement.update(db)
                purged.append(entry)
            }
            if !purged.isEmpty {
                try AuditLog.append(db, at: at, actor: actor.name, action: "purge", subject: "purge:\(day)",
                                    after: Snapshot.json(purged))
            }
            return (PurgeResult(at: day, purged: purged, stillRetained: retained), doomed)
        }
        var final = result
        let fm = FileManager.default
        for (index, sha256) in doomed {
            let url = blobs.url(for: sha256)
            guard fm.fileExists(atPath: url.path) else {
                final.purged[index].outcome = .missing
                final.purged[index].detail = "the installer was already gone"
                continue
            }
            do {
                try fm.removeItem(at: url)
                let signature = URL(fileURLWithPath: url.path + ".p7s")
                if fm.fileExists(atPath: signature.path) { try fm.removeItem(at: signature) }
            } catch {
                logger.error("purge could not delete \(url.path): \(error)")
                final.purged[index].outcome = .failed
                final.purged[index].detail = "could not delete \(url.path): \(error.localizedDescription); delete it by hand"
            }
        }
        return final
    }

    /// Who else needs a blob on `day`: a version that is not retired, a retired one still within its retention,
    /// or a test record's evidence. Nil when nobody does.
    static func blobHolder(_ db: Database, sha256: String, except id: Int64, on day: CalendarDate) throws -> String? {
        let others = try Row.fetchAll(db, sql: """
            SELECT v.id, v.version, v.state, p.slug FROM packageVersion v JOIN program p ON p.id = v.programId
            WHERE v.sha256 = ? AND v.id != ?
            """, arguments: [sha256, id])
        for row in others {
            let otherId: Int64 = row["id"]
            let name = "\(row["slug"] as String) \(row["version"] as String) (version \(otherId))"
            if (row["state"] as String) != PackageState.retired.rawValue { return name }
            let open = try RetirementRecord
                .filter(RetirementRecord.Columns.packageVersionId == otherId && RetirementRecord.Columns.restoredAt == nil
                        && RetirementRecord.Columns.purgedAt == nil)
                .fetchOne(db)
            if let open, let until = CalendarDate(open.blobRetainedUntil), until >= day { return name + ", retired but retained" }
        }
        if try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM packageTest WHERE evidenceSha256 = ?", arguments: [sha256]) ?? 0 > 0 {
            return "a test record's evidence"
        }
        return nil
    }

    static func retiredView(_ record: RetirementRecord, program: String, version: PackageVersionRecord) -> RetiredVersionView {
        RetiredVersionView(retirement: record.id ?? 0, id: version.id ?? 0, program: program, version: version.version,
                           variant: version.variant, rule: record.rule, reason: record.reason, retiredBy: record.retiredBy,
                           retiredAt: record.retiredAt, blobRetainedUntil: record.blobRetainedUntil, purgedAt: record.purgedAt,
                           restoredBy: record.restoredBy, restoredAt: record.restoredAt)
    }

    /// Every catalog version as the pruning rules see it on `day`: orders and order-linked seat use give the last
    /// ordered and installed days, entitlements the licence end, refusals and schedules the rest.
    func prunableVersions(_ db: Database, on day: CalendarDate) throws -> [PrunableVersion] {
        let zone = cityTimeZone
        // Last day each (program, version) was ordered, and each order's versions (for its seat use).
        var lastOrdered: [String: CalendarDate] = [:]
        var orderVersions: [String: [String: String]] = [:]  // order id → program → version
        for record in try InstallOrderRecord.fetchAll(db) {
            guard let order = try? JSONDecoder().decode(Order.self, from: Data(record.body.utf8)) else { continue }
            let placed = CalendarDate(order.placedAt, in: zone)
            for item in order.items {
                let key = item.program + "\u{0}" + item.version
                lastOrdered[key] = max(lastOrdered[key] ?? placed, placed)
                orderVersions[order.id, default: [:]][item.program] = item.version
            }
        }
        // Seats taken by an order are installs of the ordered version; other seat use names no version.
        var lastInstalled: [String: CalendarDate] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT s.reference, s.at, p.slug FROM seatUse s JOIN program p ON p.id = s.programId") {
            let reference: String = row["reference"]
            let program: String = row["slug"]
            guard reference.hasPrefix("order:"), let version = orderVersions[String(reference.dropFirst(6))]?[program],
                  let when = Timestamp.parse(row["at"]) else { continue }
            let key = program + "\u{0}" + version
            let installed = CalendarDate(when, in: zone)
            lastInstalled[key] = max(lastInstalled[key] ?? installed, installed)
        }
        // A program's licence ends with its last entitlement; one without an end date never ends.
        var licenceEnds: [Int64: CalendarDate?] = [:]
        for entitlement in try EntitlementRecord.fetchAll(db) {
            let end = entitlement.expires.flatMap(CalendarDate.init)
            if let known = licenceEnds[entitlement.programId] {
                licenceEnds[entitlement.programId] = (known == nil || end == nil) ? nil : max(known!, end!)
            } else {
                licenceEnds[entitlement.programId] = end
            }
        }
        var refusals: [String: [String]] = [:]
        for refusal in try RefusedVersionRecord.fetchAll(db) { refusals[refusal.program, default: []].append(refusal.version) }
        var needs: [String: [String]] = [:]
        for upgrade in try ScheduledUpgradeRecord.fetchAll(db) {
            needs[upgrade.program + "\u{0}" + upgrade.toVersion, default: []]
                .append("upgrade schedule \(upgrade.id ?? 0) (\(upgrade.program) \(upgrade.toVersion) → \(upgrade.rings.joined(separator: ", ")))")
        }
        for (key, reasons) in try eduWhitelistNeeds(db) { needs[key, default: []] += reasons }

        let rows = try Row.fetchAll(db, sql: """
            SELECT v.*, p.slug, p.versionScheme FROM packageVersion v JOIN program p ON p.id = v.programId ORDER BY v.id
            """)
        return try rows.map { row in
            let version = try PackageVersionRecord(row: row)
            let program: String = row["slug"]
            let scheme = VersionScheme(rawValue: row["versionScheme"] ?? "") ?? .auto
            let key = program + "\u{0}" + version.version
            let refused = (refusals[program] ?? []).contains { refusedVersion in
                refusedVersion == version.version
                    || (try? VersionComparator(scheme).compare(refusedVersion, version.version)) == .same
            }
            let licenceEnd: CalendarDate? = licenceEnds[version.programId] ?? nil
            return PrunableVersion(
                id: String(version.id ?? 0), program: program, variant: version.variant.isEmpty ? "all platforms" : version.variant,
                version: version.version, scheme: scheme, state: version.state, platforms: version.platforms,
                publishedOn: version.released.flatMap(CalendarDate.init) ?? CalendarDate(String(version.createdAt.prefix(10))),
                lastOrdered: lastOrdered[key], lastInstalled: lastInstalled[key], licenceEnds: licenceEnd,
                refused: refused, neededBy: needs[key] ?? [])
        }
    }

    /// What the edu whitelists still need, keyed by program and version: every version a tier's or a school's list
    /// offers as the catalog stands, so that an app schools install is never retired from under them.
    func eduWhitelistNeeds(_ db: Database) throws -> [String: [String]] {
        guard policies != nil else { return [:] }
        let (builder, _) = try whitelistBuilder(db)
        let schools = try SchoolRecord.order(Column("id")).fetchAll(db).map {
            School(id: $0.id, name: $0.name, tier: $0.tier, allowed: $0.allowed, blocked: $0.blocked)
        }
        var needs: [String: [String]] = [:]
        for payload in try builder.publication(schools: schools) {
            for app in payload.apps {
                let name = payload.kind == .school ? "the edu whitelist of school \(payload.school ?? "")" : "the edu tier \(payload.tier)"
                needs[app.program + "\u{0}" + app.version, default: []].append(name)
            }
        }
        return needs.mapValues { Array(Set($0)).sorted() }
    }
}
