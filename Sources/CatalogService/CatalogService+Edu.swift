import Classification
import DepotCrypto
import DepotModel
import DepotPolicy
import Foundation
import GRDB
import Lifecycle
import Signing
import Storage
import Whitelist

/// A school as admins see it.
public struct SchoolView: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var tier: String
    public var allowed: [String]
    public var blocked: [String]
    public var costReference: String
    /// The tier lets the school order installs itself.
    public var selfInstall: Bool
    public var updatedAt: String
}

/// What `depot edu publish` did.
public struct EduPublicationSummary: Codable, Sendable, Equatable {
    /// `published`, `refreshed` or `unchanged`.
    public var action: String
    public var version: Int
    public var directory: String
    public var issued: String
    public var expires: String
    /// `tier-<id>` / `school-<id>` → number of apps listed.
    public var whitelists: [String: Int]
    public var packages: Int
    /// Edu-scope versions left off every list, with the reason (an installer fact an export needs is missing).
    public var skipped: [String]
    /// Versions the fast channel lists before their central review: `tier open: vscode 1.91.0 (follows 1.90.0)`.
    public var fastChannel: [String]
    /// Versions the fast channel keeps out, each with the reason (a difference, or the tier's cadence).
    public var fastChannelHeld: [String]
}

/// One self-install as an edu server recorded it, handed to `collectEduInstalls`.
public struct EduInstallInput: Codable, Sendable, Equatable {
    public var id: Int64
    public var school: String
    public var program: String
    public var version: String
    public var quantity: Int
    public var devices: [String]
    public var group: String?
    public var requestedBy: String
    public var requestedAt: String

    public init(id: Int64, school: String, program: String, version: String, quantity: Int, devices: [String], group: String?,
                requestedBy: String, requestedAt: String) {
        self.id = id
        self.school = school
        self.program = program
        self.version = version
        self.quantity = quantity
        self.devices = devices
        self.group = group
        self.requestedBy = requestedBy
        self.requestedAt = requestedAt
    }
}

/// One uninstall as an edu server recorded it: seats of an earlier install given back.
public struct EduUninstallInput: Codable, Sendable, Equatable {
    public var id: Int64
    public var install: Int64
    public var school: String
    public var program: String
    public var quantity: Int
    public var reportedBy: String
    public var reportedAt: String

    public init(id: Int64, install: Int64, school: String, program: String, quantity: Int, reportedBy: String, reportedAt: String) {
        self.id = id
        self.install = install
        self.school = school
        self.program = program
        self.quantity = quantity
        self.reportedBy = reportedBy
        self.reportedAt = reportedAt
    }
}

/// What `depot edu collect` brought back.
public struct EduCollectSummary: Codable, Sendable, Equatable {
    public var serverId: String
    /// Installs recorded now, each as an install order.
    public var collected: Int
    /// Uninstalls recorded now; their seats are free again.
    public var uninstallsCollected: Int = 0
    /// Seats the uninstalls collected now gave back.
    public var seatsReturned: Int = 0
    /// Installs this catalog had already collected (counted nothing).
    public var alreadyCollected: Int
    public var orders: [String]
    /// Installs that took more seats than were left (the school installed against an outdated count).
    public var overuse: [String]
}

extension CatalogService {
    var eduTiers: EduTierPolicy {
        get throws {
            guard let policies else {
                throw ServiceError(.internal, code: "edu.no-policy", "no policies are loaded; run Depot where Policies/ is, or pass --policies DIR")
            }
            return policies.eduTiers
        }
    }

    // MARK: Schools

    /// Adds a school; the tier defaults to the policy's `defaultTier`.
    public func addSchool(id: String, name: String, tier: String? = nil, costReference: String? = nil,
                          by actor: DepotUser) async throws -> SchoolView {
        try actor.require(.manageSchools)
        guard actor.role == .admin else {
            throw ServiceError(.forbidden, code: "edu.school.add", "only an admin adds schools; \(actor.name) is a \(actor.role.rawValue)")
        }
        let tiers = try eduTiers
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 200 else {
            throw ServiceError(.invalidInput, code: "edu.school.name", "--name must be 1 to 200 characters")
        }
        let cost = costReference ?? "ref:\(id)"
        _ = try CostReference(parsing: cost)
        let school = School(id: id, name: name, tier: tier ?? tiers.defaultTier)
        try school.validate(tiers: tiers, candidates: [])
        let stamp = nowString
        let at = now
        return try await database.writer.write { db in
            if try SchoolRecord.fetchOne(db, key: id) != nil {
                throw ServiceError(.conflict, code: "edu.school.exists", "school '\(id)' exists; change it with 'depot edu schools set \(id)'")
            }
            let record = SchoolRecord(id: id, name: name, tier: school.tier, allowed: [], blocked: [], costReference: cost,
                                      createdAt: stamp, updatedAt: stamp)
            try record.insert(db)
            let view = Self.schoolView(record, tiers: tiers)
            try AuditLog.append(db, at: at, actor: actor.name, action: "edu.school.add", subject: "school:\(id)", after: Snapshot.json(view))
            return view
        }
    }

    /// Changes a school's tier (the principal's decision) and allows or blocks apps within what the tier permits.
    /// A school admin may change only their own school.
    public func updateSchool(id: String, tier: String? = nil, allow: [String] = [], block: [String] = [],
                             costReference: String? = nil, by actor: DepotUser) async throws -> SchoolView {
        try actor.require(.manageSchools)
        if actor.role == .schoolAdmin, actor.school != id {
            throw ServiceError(.forbidden, code: "edu.school.scope",
                "\(actor.name) is the school admin of '\(actor.school ?? "no school")' and cannot change school '\(id)'")
        }
        if let costReference { _ = try CostReference(parsing: costReference) }
        let tiers = try eduTiers
        let stamp = nowString
        let at = now
        return try await database.writer.write { db in
            guard var record = try SchoolRecord.fetchOne(db, key: id) else {
                throw ServiceError(.notFound, code: "edu.school.unknown", "there is no school '\(id)'; 'depot edu schools list' shows them")
            }
            let before = Self.schoolView(record, tiers: tiers)
            var school = School(id: record.id, name: record.name, tier: tier ?? record.tier, allowed: record.allowed, blocked: record.blocked)
            for program in allow { school.allow(program) }
            for program in block { school.block(program) }
            // Allows are checked against what the catalog offers to edu and the tier's categories.
            try school.validate(tiers: tiers, candidates: try self.eduCandidates(db).candidates)
            record.tier = school.tier
            record.allowed = school.allowed
            record.blocked = school.blocked
            if let costReference { record.costReference = costReference }
            record.updatedAt = stamp
            try record.update(db)
            let view = Self.schoolView(record, tiers: tiers)
            try AuditLog.append(db, at: at, actor: actor.name, action: "edu.school.update", subject: "school:\(id)",
                                before: Snapshot.json(before), after: Snapshot.json(view))
            return view
        }
    }

    /// Every school, by id.
    public func schools(by actor: DepotUser) async throws -> [SchoolView] {
        try actor.require(.readCatalog)
        let tiers = try eduTiers
        return try await database.writer.read { db in
            try SchoolRecord.order(Column("id")).fetchAll(db).map { Self.schoolView($0, tiers: tiers) }
        }
    }

    static func schoolView(_ record: SchoolRecord, tiers: EduTierPolicy) -> SchoolView {
        SchoolView(id: record.id, name: record.name, tier: record.tier, allowed: record.allowed, blocked: record.blocked,
                   costReference: record.costReference, selfInstall: tiers.tier(record.tier)?.selfInstall ?? false,
                   updatedAt: record.updatedAt)
    }

    // MARK: Whitelists

    /// Published versions whose licence scope includes edu, with a stored installer, as whitelist candidates; and,
    /// for the fast channel, versions still in the pipeline (not approved centrally, so `approvedScope` nil) of
    /// programs that have such a published version, unless a reviewer already kept their licence out of edu.
    /// Versions whose facts an export relies on are missing are left out with the reason.
    func eduCandidates(_ db: Database) throws -> (candidates: [WhitelistCandidate], skipped: [String], schemes: [String: String]) {
        let rows = try Row.fetchAll(db, sql: """
            SELECT v.id AS versionId, v.state, p.id AS programId, p.slug, p.name, p.publisher, p.category, p.baseline, p.versionScheme,
                   p.installerType AS programInstaller, p.silentSwitch AS programSilent, s.facts
            FROM packageVersion v JOIN program p ON p.id = v.programId
            LEFT JOIN submission s ON s.packageVersionId = v.id
            WHERE v.sha256 IS NOT NULL AND v.size IS NOT NULL AND (
                (v.state = 'published' AND v.licenceScope IN ('edu', 'both'))
                OR (v.state IN ('inspected', 'licence-approved', 'classified', 'tested', 'signed')
                    AND (v.licenceScope IS NULL OR v.licenceScope IN ('edu', 'both'))
                    AND EXISTS (SELECT 1 FROM packageVersion a WHERE a.programId = v.programId AND a.state = 'published'
                                AND a.licenceScope IN ('edu', 'both'))))
            ORDER BY p.slug, v.id
            """)
        let today = Timestamp.day(now)
        var candidates: [WhitelistCandidate] = []
        var skipped: [String] = []
        var schemes: [String: String] = [:]
        for row in rows {
            let versionId: Int64 = row["versionId"]
            let programId: Int64 = row["programId"]
            guard let version = try PackageVersionRecord.fetchOne(db, key: versionId), let sha256 = version.sha256,
                  let size = version.size else { continue }
            let slug: String = row["slug"]
            let published = (row["state"] as String) == PackageState.published.rawValue
            schemes[slug] = row["versionScheme"]
            // A published version is listed only while its stored signature verifies; the fast channel has its own rule.
            guard !published || signatureVerifies(sha256: sha256) else {
                skipped.append("\(slug) \(version.version): its stored signature does not verify against the root; left off every list")
                continue
            }
            let facts = (row["facts"] as String?).flatMap { try? JSONDecoder().decode(InstallerFacts.self, from: Data($0.utf8)) }
            let needsSeat = try countsSeats(db, programId: programId, version: version.version)
            let seats = needsSeat ? try Self.usage(db, programId: programId, today: today).available : nil
            let candidate = WhitelistCandidate(
                program: slug, name: row["name"], version: version.version, sha256: sha256.lowercased(), size: size,
                downloadPath: EduLayout.package(sha256), platforms: version.platforms,
                installerType: version.installerType ?? row["programInstaller"] ?? facts?.installerType ?? facts?.format ?? "unknown",
                silentSwitch: row["programSilent"] ?? facts?.windows?.silentSwitch,
                // The publisher the installer itself names, so the fast channel compares like with like.
                publisher: facts?.publisher ?? row["publisher"],
                productName: facts?.windows?.versionInfo?["ProductName"] ?? (facts?.windows != nil ? facts?.name : nil),
                signer: facts?.windows?.signature?.subject.map { SignerIdentity(.authenticode, $0) },
                licence: version.licence ?? "NOASSERTION",
                approvedScope: published ? version.licenceScope.flatMap(LicenceScope.init(rawValue:)) : nil,
                needsSeat: needsSeat, seatsAvailable: seats, category: row["category"], standardSet: row["baseline"])
            if let problem = Self.validationProblem(candidate) {
                skipped.append("\(slug) \(version.version): \(problem)")
            } else {
                candidates.append(candidate)
            }
        }
        return (withLicenceTexts(candidates), skipped, schemes)
    }

    static func validationProblem(_ candidate: WhitelistCandidate) -> String? {
        do {
            try candidate.validate()
            return nil
        } catch {
            return error.message
        }
    }

    /// The builder over the edu candidates, listing in the fast channel only what earlier publications admitted.
    func whitelistBuilder(_ db: Database) throws -> (WhitelistBuilder, skipped: [String]) {
        let (candidates, skipped, schemes) = try eduCandidates(db)
        var builder = try WhitelistBuilder(tiers: try eduTiers, candidates: candidates) { program, a, b in
            let scheme = schemes[program].flatMap(VersionScheme.init(rawValue:)) ?? .dotted
            return (try? VersionComparator(scheme).compare(a, b)) == .newer
        }
        builder.fastAdmitted = try Self.fastAdmitted(db)
        return (builder, skipped)
    }

    /// The whitelist of one school or one tier, as the catalog stands now (for exports).
    public func eduWhitelist(school: String? = nil, tier: String? = nil, by actor: DepotUser) async throws -> WhitelistPayload {
        try actor.require(.readCatalog)
        if actor.role == .schoolAdmin, let school, actor.school != school {
            throw ServiceError(.forbidden, code: "edu.school.scope",
                "\(actor.name) is the school admin of '\(actor.school ?? "no school")' and cannot read school '\(school)'")
        }
        return try await database.writer.read { db in
            let (builder, _) = try self.whitelistBuilder(db)
            if let school {
                guard let record = try SchoolRecord.fetchOne(db, key: school) else {
                    throw ServiceError(.notFound, code: "edu.school.unknown", "there is no school '\(school)'; 'depot edu schools list' shows them")
                }
                return try builder.whitelist(school: School(id: record.id, name: record.name, tier: record.tier,
                                                            allowed: record.allowed, blocked: record.blocked))
            }
            return try builder.whitelist(tier: tier ?? (try self.eduTiers).defaultTier)
        }
    }

    /// Writes the signed edu directory (see `EduLayout`): every tier's and school's whitelist, `index.json`, the root
    /// certificate and the listed installers, signed with the edu key, version increasing, expiry from policy.
    public func publishEdu(to directory: URL? = nil, refresh: Bool = false, by actor: DepotUser) async throws -> EduPublicationSummary {
        try actor.require(.publish)
        let directory = try publicationDirectory(directory, defaultName: "edu")
        let signer = try keyStore.signer(for: .edu)
        let root = try keyStore.rootCertificate()
        let policy = signingPolicy
        let blobs = self.blobs
        let at = now
        let stamp = nowString
        let expires = at.addingTimeInterval(Double(policy.eduExpiryDays) * 86_400)

        return try await database.writer.write { db in
            var (builder, skipped) = try self.whitelistBuilder(db)
            // The fast channel: what its rule lets in, admitted as often as each tier's cadence says.
            let fast = try self.fastChannelAdmissions(db, builder: builder, at: at)
            builder.fastAdmitted = fast.admitted
            let schools = try SchoolRecord.order(Column("id")).fetchAll(db).map {
                School(id: $0.id, name: $0.name, tier: $0.tier, allowed: $0.allowed, blocked: $0.blocked)
            }
            let payloads = try builder.publication(schools: schools)
            var collected: [String: JSONValue] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT serverId, MAX(installId) AS last FROM eduInstall GROUP BY serverId") {
                collected[row["serverId"]] = .integer(row["last"])
            }
            var uninstallsCollected: [String: JSONValue] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT serverId, MAX(uninstallId) AS last FROM eduUninstall GROUP BY serverId") {
                uninstallsCollected[row["serverId"]] = .integer(row["last"])
            }
            let index = EduIndex(schools: schools.map { EduIndexSchool(id: $0.id, name: $0.name, tier: $0.tier) },
                                 tiers: (try self.eduTiers).tiers.map(\.id))
            var documents: [(path: String, type: String, payload: [String: JSONValue])] = []
            for payload in payloads {
                guard case .object(var members) = try JSONValue(encoding: payload) else { continue }
                members["collectedThrough"] = .object(collected)
                members["uninstallsCollectedThrough"] = .object(uninstallsCollected)
                let path = payload.kind == .school ? EduLayout.schoolWhitelist(payload.school ?? "") : EduLayout.tierWhitelist(payload.tier)
                documents.append((path, EduLayout.whitelistType, members))
            }
            guard case .object(let indexMembers) = try JSONValue(encoding: index) else {
                throw ServiceError(.internal, code: "edu.index", "the edu index could not be encoded")
            }
            documents.append((EduLayout.indexFile, EduLayout.indexType, indexMembers))
            let digest = SHA256Hasher.hex(try JSONValue.array(documents.map { .object(["path": .string($0.path), "body": .object($0.payload)]) })
                .canonicalBytes)

            let last = try PublicationRecord.latest(db, kind: "edu")
            let (unchanged, fresh) = Self.compare(last, digest: digest, directory: directory, at: at, policy: policy)
            let counts = Dictionary(payloads.map { ($0.subject, $0.apps.count) }, uniquingKeysWith: { a, _ in a })
            let hashes = Set(payloads.flatMap { $0.apps.map(\.sha256) })
            if refresh, fresh, let last {
                return EduPublicationSummary(action: "unchanged", version: last.version, directory: directory.path, issued: last.issued,
                                             expires: last.expires, whitelists: counts, packages: hashes.count, skipped: skipped,
                                             fastChannel: [], fastChannelHeld: [])
            }
            for var admission in fast.new { try admission.insert(db) }
            let version = (last?.version ?? 0) + 1
            let fm = FileManager.default
            try fm.createDirectory(at: directory.appendingPathComponent("packages"), withIntermediateDirectories: true)
            for sha256 in hashes.sorted() {
                let target = directory.appendingPathComponent(EduLayout.package(sha256))
                if fm.fileExists(atPath: target.path) { continue }
                let partial = target.appendingPathExtension("partial")
                try? fm.removeItem(at: partial)
                try fm.copyItem(at: blobs.url(for: sha256), to: partial)
                try fm.moveItem(at: partial, to: target)
            }
            try Data(try root.pem().utf8).write(to: directory.appendingPathComponent(EduLayout.rootFile), options: .atomic)
            // Whitelists first and the index last, so a reader never sees a school in the index without its list.
            for document in documents {
                let bytes = try SignedDocument.sign(payload: document.payload, type: document.type, version: version, issued: at,
                                                    expires: expires, with: signer)
                let url = directory.appendingPathComponent(document.path)
                try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(bytes).write(to: url, options: .atomic)
            }
            var record = PublicationRecord(kind: "edu", version: version, contentDigest: digest, issued: stamp,
                                           expires: Timestamp.string(expires), directory: directory.path,
                                           packages: hashes.count, publishedBy: actor.name)
            try record.insert(db)
            let summary = EduPublicationSummary(action: unchanged ? "refreshed" : "published", version: version, directory: directory.path,
                                                issued: stamp, expires: Timestamp.string(expires), whitelists: counts,
                                                packages: hashes.count, skipped: skipped, fastChannel: fast.listed,
                                                fastChannelHeld: fast.held)
            try AuditLog.append(db, at: at, actor: actor.name, action: "edu.publish", subject: "edu:\(version)",
                                before: last.map { Snapshot.json(["version": $0.version]) }, after: Snapshot.json(summary))
            return summary
        }
    }

    // MARK: Collect

    /// Brings an edu server's recorded self-installs into the catalog: each becomes an edu install order paid by the
    /// school's cost reference (and so an invoice line), and takes its seats. Installs already collected from that
    /// server are skipped, so collecting twice counts nothing twice.
    /// Uninstalls give their seats back, also once per server and uninstall id.
    public func collectEduInstalls(serverId: String, installs: [EduInstallInput], uninstalls: [EduUninstallInput] = [],
                                   by actor: DepotUser) async throws -> EduCollectSummary {
        try actor.require(.collectInstalls)
        guard !serverId.isEmpty, serverId.count <= 100 else {
            throw ServiceError(.invalidInput, code: "edu.collect.server", "the edu state names no server id; is it an edu server's --state directory?")
        }
        guard let policies else {
            throw ServiceError(.internal, code: "edu.no-policy", "no policies are loaded; run Depot where Policies/ is, or pass --policies DIR")
        }
        let at = now
        let stamp = nowString
        return try await database.writer.write { db in
            var summary = EduCollectSummary(serverId: serverId, collected: 0, alreadyCollected: 0, orders: [], overuse: [])
            for install in installs.sorted(by: { $0.id < $1.id }) {
                if try EduInstallRecord.filter(Column("serverId") == serverId && Column("installId") == install.id).fetchCount(db) > 0 {
                    summary.alreadyCollected += 1
                    continue
                }
                guard install.quantity >= 1 else { continue }
                let school = try SchoolRecord.fetchOne(db, key: install.school)
                let cost = try CostReference(parsing: school?.costReference ?? "ref:\(install.school)")
                let recipients = install.devices.isEmpty
                    ? Recipients(group: RecipientGroup(name: install.group ?? install.school, kind: .devices, size: install.quantity))
                    : Recipients(devices: install.devices)
                var record = InstallOrderRecord(placedAt: install.requestedAt, placedBy: "\(install.requestedBy)@\(install.school)",
                                                costReference: cost.description, environment: "edu", body: "{}")
                try record.insert(db)
                let orderId = "ORD-\(record.id!)"
                let order = try Order.install(
                    id: orderId, placedAt: Timestamp.parse(install.requestedAt) ?? at, costReference: cost,
                    placedBy: record.placedBy, programs: [ProgramVersion(program: install.program, version: install.version)],
                    recipients: recipients, pricing: Pricing(policy: policies.pricing))
                record.body = Snapshot.json(order)
                try record.update(db)
                if let programId = try Int64.fetchOne(db, sql: "SELECT id FROM program WHERE slug = ?", arguments: [install.program]),
                   try self.countsSeats(db, programId: programId, version: install.version) {
                    // The install happened: its seats are recorded even when the count was outdated, and flagged.
                    let usage = try Self.usage(db, programId: programId, today: Timestamp.day(at))
                    if usage.available < install.quantity {
                        summary.overuse.append("\(install.program): install \(install.id) at \(install.school) took \(install.quantity) seats, \(usage.available) were left")
                    }
                    var use = SeatUseRecord(programId: programId, quantity: install.quantity, reference: "order:\(orderId)",
                                            usedBy: record.placedBy, at: stamp)
                    try use.insert(db)
                }
                var collected = EduInstallRecord(serverId: serverId, installId: install.id, school: install.school, program: install.program,
                                                 version: install.version, quantity: install.quantity, requestedBy: install.requestedBy,
                                                 requestedAt: install.requestedAt, orderId: orderId, collectedAt: stamp)
                try collected.insert(db)
                summary.collected += 1
                summary.orders.append(orderId)
            }
            for uninstall in uninstalls.sorted(by: { $0.id < $1.id }) where uninstall.quantity >= 1 {
                if try EduUninstallRecord.filter(Column("serverId") == serverId && Column("uninstallId") == uninstall.id).fetchCount(db) > 0 {
                    continue
                }
                let installOrder = try EduInstallRecord.filter(Column("serverId") == serverId && Column("installId") == uninstall.install)
                    .fetchOne(db)?.orderId
                if let programId = try Int64.fetchOne(db, sql: "SELECT id FROM program WHERE slug = ?", arguments: [uninstall.program]),
                   let installOrder,
                   try SeatUseRecord.filter(Column("programId") == programId && Column("reference") == "order:\(installOrder)").fetchCount(db) > 0 {
                    // Only seats that an install of this server took here are given back.
                    var returned = SeatReturnRecord(programId: programId, quantity: uninstall.quantity,
                                                    reference: "edu-uninstall:\(serverId):\(uninstall.id)",
                                                    returnedBy: "\(uninstall.reportedBy)@\(uninstall.school)", at: stamp)
                    try returned.insert(db)
                    summary.seatsReturned += uninstall.quantity
                }
                var record = EduUninstallRecord(serverId: serverId, uninstallId: uninstall.id, installId: uninstall.install,
                                                school: uninstall.school, program: uninstall.program, quantity: uninstall.quantity,
                                                reportedBy: uninstall.reportedBy, reportedAt: uninstall.reportedAt, collectedAt: stamp)
                try record.insert(db)
                summary.uninstallsCollected += 1
            }
            if summary.collected > 0 || summary.uninstallsCollected > 0 {
                try AuditLog.append(db, at: at, actor: actor.name, action: "edu.collect", subject: "edu-server:\(serverId)",
                                    after: Snapshot.json(summary))
            }
            return summary
        }
    }
}
