import Classification
import DepotModel
import DepotPolicy
import Foundation
import GRDB
import Licensing
import Storage

/// What someone wants to order: programs (`program` or `program@version`) and profiles, for users, devices or a
/// group, paid by a cost reference, for one environment.
public struct OrderRequest: Sendable, Equatable {
    public var programs: [String]
    public var profiles: [String]
    public var users: [String]
    public var devices: [String]
    public var group: RecipientGroup?
    public var costReference: String
    public var environment: String
    /// The school the order is for (a school admin's own school when absent): only what its whitelist offers.
    public var school: String?

    public init(programs: [String] = [], profiles: [String] = [], users: [String] = [], devices: [String] = [],
                group: RecipientGroup? = nil, costReference: String, environment: String, school: String? = nil) {
        self.school = school
        self.programs = programs
        self.profiles = profiles
        self.users = users
        self.devices = devices
        self.group = group
        self.costReference = costReference
        self.environment = environment
    }
}

/// An order as quoted or placed.
public struct OrderView: Codable, Sendable, Equatable {
    /// `ORD-<n>` once placed; `quote` for a quote.
    public var id: String
    public var environment: String
    public var order: Order
    /// Sum of the items, excluding VAT.
    public var amount: Decimal

    private enum CodingKeys: String, CodingKey { case id, environment, order, amount }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(environment, forKey: .environment)
        try c.encode(order, forKey: .order)
        try c.encode(MoneyAmount(amount, currency: order.items.first?.currency ?? "SEK"), forKey: .amount)
    }

    public init(id: String, environment: String, order: Order, amount: Decimal) {
        self.id = id
        self.environment = environment
        self.order = order
        self.amount = amount
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        environment = try c.decode(String.self, forKey: .environment)
        order = try c.decode(Order.self, forKey: .order)
        amount = try MoneyAmount.decodeLegacy(c, .amount)
    }
}

/// The invoice files for one month.
public struct InvoiceFiles: Sendable {
    public var files: [(name: String, data: Data)]
}

extension CatalogService {
    /// Prices an order without placing it; the same rules as placing, so a quote that passes can be placed.
    public func quoteOrder(_ request: OrderRequest, by actor: DepotUser) async throws -> OrderView {
        try actor.require(.placeOrders)
        return try await database.writer.read { db in try self.buildOrder(db, request, id: "quote", by: actor) }
    }

    /// Places an order: checks every rule, takes the seats per-seat programs need, and records it, in one transaction.
    public func placeOrder(_ request: OrderRequest, by actor: DepotUser) async throws -> OrderView {
        try actor.require(.placeOrders)
        let at = now
        let stamp = nowString
        return try await database.writer.write { db in
            let draft = try self.buildOrder(db, request, id: "request", by: actor)
            var record = InstallOrderRecord(placedAt: stamp, placedBy: actor.name, costReference: draft.order.costReference.description,
                                            environment: request.environment, body: "{}")
            try record.insert(db)
            let id = "ORD-\(record.id!)"
            var order = draft.order
            order.id = id
            record.body = Snapshot.json(order)
            try record.update(db)
            for item in order.items {
                let programId = try Self.programId(db, item.program)
                if try self.countsSeats(db, programId: programId, version: item.version) {
                    try self.takeSeats(db, programId: programId, quantity: item.quantity, reference: "order:\(id)", by: actor, at: at)
                }
            }
            let view = OrderView(id: id, environment: request.environment, order: order, amount: order.amount)
            try AuditLog.append(db, at: at, actor: actor.name, action: "order.place", subject: "order:\(id)", after: Snapshot.json(view))
            return view
        }
    }

    /// Placed orders, newest first; school admins see their own.
    public func orders(by actor: DepotUser) async throws -> [OrderView] {
        try actor.require(.readOrders)
        return try await database.writer.read { db in
            try InstallOrderRecord.order(InstallOrderRecord.Columns.id.desc).fetchAll(db).compactMap { record -> OrderView? in
                if actor.role == .schoolAdmin && record.placedBy != actor.name { return nil }
                guard let order = try? JSONDecoder().decode(Order.self, from: Data(record.body.utf8)) else { return nil }
                return OrderView(id: order.id, environment: record.environment, order: order, amount: order.amount)
            }
        }
    }

    /// The month's invoice: install orders placed in it and packagings classified in it that carry a cost reference.
    /// `json` and `csv` give one file; `ubl` one PEPPOL BIS 3 invoice per cost reference. Same input, same bytes.
    public func invoices(period text: String, format: String, parties: InvoiceParties, by actor: DepotUser) async throws -> InvoiceFiles {
        try actor.require(.readInvoices)
        guard let policies else {
            throw ServiceError(.internal, code: "invoice.no-policy", "no policies are loaded; run Depot where Policies/ is, or pass --policies DIR")
        }
        let period = try InvoicePeriod(parsing: text)
        guard ["json", "csv", "ubl"].contains(format) else {
            throw ServiceError(.invalidInput, code: "invoice.format", "unknown invoice format '\(format)'; use json, csv or ubl")
        }
        let orders = try await database.writer.read { db -> [Order] in
            var orders = try InstallOrderRecord.fetchAll(db).compactMap { try? JSONDecoder().decode(Order.self, from: Data($0.body.utf8)) }
            // Packagings: one order each, dated by their classification, paid by the submission's cost reference.
            let rows = try Row.fetchAll(db, sql: """
                SELECT c.*, s.id AS submissionId, s.costReference, s.submitter, v.version, p.slug
                FROM classification c JOIN packageVersion v ON v.id = c.packageVersionId
                JOIN submission s ON s.packageVersionId = v.id JOIN program p ON p.id = v.programId
                WHERE s.costReference IS NOT NULL
                """)
            for row in rows {
                let record = try ClassificationRecord(row: row)
                guard let cost = try? CostReference(parsing: row["costReference"]),
                      let price = try? JSONDecoder().decode(Price.self, from: Data(record.price.utf8)),
                      let at = Timestamp.parse(record.classifiedAt), let tier = PackagingTier(rawValue: record.tier) else { continue }
                orders.append(Order.packaging(
                    id: "PKG-\(row["submissionId"] as Int64)", placedAt: at, costReference: cost, placedBy: row["submitter"],
                    program: ProgramVersion(program: row["slug"], version: row["version"]), tier: tier,
                    isUpdate: record.rules.contains { $0.lowercased().contains("update") }, price: price))
            }
            return orders
        }
        let generator = InvoiceGenerator(pricing: policies.pricing)
        let document = generator.document(orders: orders, period: period)
        switch format {
        case "json": return InvoiceFiles(files: [("invoice-\(period).json", try generator.json(document))])
        case "csv": return InvoiceFiles(files: [("invoice-\(period).csv", generator.csv(document))])
        default:
            // Issued on the last day of the period, so the same month always gives the same documents.
            let issue = CalendarDate(year: period.year, month: period.month, day: Self.lastDay(period.year, period.month))!
            return InvoiceFiles(files: try generator.ubl(document, parties: parties, issueDate: issue).map { ($0.fileName, $0.xml) })
        }
    }

    static func lastDay(_ year: Int, _ month: Int) -> Int {
        for day in stride(from: 31, through: 28, by: -1) where CalendarDate(year: year, month: month, day: day) != nil { return day }
        return 28
    }

    /// The newest published version of a program (by release date), or nil when none is published.
    static func newestPublished(_ db: Database, programId: Int64) throws -> String? {
        try String.fetchOne(db, sql: """
            SELECT version FROM packageVersion WHERE programId = ? AND state = 'published' ORDER BY released DESC, id DESC LIMIT 1
            """, arguments: [programId])
    }

    /// True when installs count against seats: the city has recorded entitlements for the program, or the
    /// version's licence is per seat by Policies/licences.yaml (then, with none recorded, no seats are owned).
    func countsSeats(_ db: Database, programId: Int64, version: String) throws -> Bool {
        if try EntitlementRecord.filter(EntitlementRecord.Columns.programId == programId).fetchCount(db) > 0 { return true }
        guard let policy = policies?.licences,
              let licence = try String.fetchOne(db, sql: "SELECT licence FROM packageVersion WHERE programId = ? AND version = ?",
                                                arguments: [programId, version]),
              let expression = try? SPDXExpression.parse(licence) else { return false }
        return expression.identifiers.contains { policy.needsSeats($0) }
    }

    func buildOrder(_ db: Database, _ request: OrderRequest, id: String, by actor: DepotUser) throws -> OrderView {
        guard let environment = DeploymentEnvironment(rawValue: request.environment) else {
            throw ServiceError(.invalidInput, code: "order.environment", "unknown environment '\(request.environment)'; use admin or edu")
        }
        if actor.role == .schoolAdmin && environment != .edu {
            throw ServiceError(.forbidden, code: "order.environment", "\(actor.name) is a school-admin and orders for edu only")
        }
        guard let policies else {
            throw ServiceError(.internal, code: "order.no-policy", "no policies are loaded; run Depot where Policies/ is, or pass --policies DIR")
        }
        let cost = try CostReference(parsing: request.costReference)
        let schoolScope = try schoolOrderScope(db, request, environment: environment, by: actor)
        var programs: [ProgramVersion] = []
        for name in request.programs {
            let parts = name.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard let program = parts.first, !program.isEmpty, parts.count == 1 || !parts[1].isEmpty else {
                throw ServiceError(.invalidInput, code: "order.program",
                    "'\(name)' is not a program to order; write PROGRAM or PROGRAM@VERSION (GET /api/v1/catalog lists them)")
            }
            let programId = try Self.programId(db, program)
            if parts.count == 2 {
                programs.append(ProgramVersion(program: program, version: parts[1]))
            } else if let schoolScope, let listed = schoolScope.newestListed(program) {
                programs.append(ProgramVersion(program: program, version: listed))
            } else {
                guard let latest = try Self.newestPublished(db, programId: programId) else {
                    throw ServiceError(.refused, code: "order.unpublished", "\(program) has no published version to order")
                }
                programs.append(ProgramVersion(program: program, version: latest))
            }
        }
        var profiles: [Profile] = []
        for id in request.profiles {
            guard let profile = try ProfileRecord.filter(ProfileRecord.Columns.slug == id).fetchOne(db) else {
                throw ServiceError(.notFound, code: "profile.unknown", "there is no profile '\(id)'; GET /api/v1/profiles lists them")
            }
            var members: [ProgramVersion] = []
            for program in profile.programs {
                let programId = try Self.programId(db, program)
                if let latest = try Self.newestPublished(db, programId: programId) {
                    members.append(ProgramVersion(program: program, version: latest))
                }
            }
            profiles.append(Profile(id: id, programs: members))
        }
        let recipients = Recipients(users: request.users, devices: request.devices, group: request.group)
        let order = try Order.install(id: id, placedAt: now, costReference: cost, placedBy: actor.name, programs: programs,
                                      profiles: profiles, recipients: recipients, pricing: Pricing(policy: policies.pricing))
        if let schoolScope {
            for item in order.items {
                if let reason = schoolScope.refusal(program: item.program, version: item.version) {
                    throw ServiceError(.refused, code: "order.school.whitelist", reason)
                }
            }
        }
        // What the rules need to know about every version in the order.
        var catalog: [ProgramVersion: OrderableVersion] = [:]
        let today = Timestamp.day(now)
        for item in order.items {
            let key = ProgramVersion(program: item.program, version: item.version)
            let programId = try Self.programId(db, item.program)
            guard let version = try PackageVersionRecord
                .filter(PackageVersionRecord.Columns.programId == programId && PackageVersionRecord.Columns.version == item.version)
                .fetchOne(db) else { continue }
            let environments = (version.licenceScope.flatMap(LicenceScope.init(rawValue:))?.environments ?? [])
                .compactMap(DeploymentEnvironment.init(rawValue:))
            var seatsTotal: Int?
            var seatsUsed = 0
            if try countsSeats(db, programId: programId, version: item.version) {
                let usage = try Self.usage(db, programId: programId, today: today)
                seatsTotal = usage.owned
                seatsUsed = usage.used
            }
            catalog[key] = OrderableVersion(program: item.program, version: item.version, state: version.state,
                                            licenceEnvironments: environments, seatsTotal: seatsTotal, seatsUsed: seatsUsed)
        }
        try OrderRules.check(order, environment: environment, catalog: catalog)
        return OrderView(id: id, environment: environment.rawValue, order: order, amount: order.amount)
    }
}
