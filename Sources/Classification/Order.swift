import DepotModel
import DepotPolicy
import Foundation

/// A program at a version, as orders and profiles name it.
public struct ProgramVersion: Sendable, Codable, Equatable, Hashable {
    /// The catalog's program id.
    public var program: String
    /// The version ordered.
    public var version: String

    /// Builds a reference.
    public init(program: String, version: String) {
        self.program = program
        self.version = version
    }
}

/// A named bundle of programs for one kind of user ("preschool teacher"); ordering it orders its programs.
public struct Profile: Sendable, Codable, Equatable {
    /// The profile's id in `Catalog/`.
    public var id: String
    /// The programs it bundles, each at the version to install.
    public var programs: [ProgramVersion]

    /// Builds a profile.
    public init(id: String, programs: [ProgramVersion]) {
        self.id = id
        self.programs = programs
    }
}

/// Who or what receives an install: named users, named devices, or a group counted by size (a class, a unit).
public struct Recipients: Sendable, Codable, Equatable {
    /// User names.
    public var users: [String]
    /// Device names.
    public var devices: [String]
    /// A group such as a class or a unit, with how many devices or users it counts.
    public var group: RecipientGroup?

    /// Builds recipients; duplicates in `users` and `devices` count once.
    public init(users: [String] = [], devices: [String] = [], group: RecipientGroup? = nil) {
        self.users = Array(Set(users)).sorted()
        self.devices = Array(Set(devices)).sorted()
        self.group = group
    }

    /// How many installs this is: one per user, device, and member of the group.
    public var count: Int {
        // Sets again: a decoded value never went through init.
        Set(users).count &+ Set(devices).count &+ max(group?.size ?? 0, 0)
    }

    /// Words for an invoice line: "30 devices in group 7B", "2 users, 1 device".
    public var summary: String {
        var parts: [String] = []
        if !users.isEmpty { parts.append("\(users.count) user\(users.count == 1 ? "" : "s")") }
        if !devices.isEmpty { parts.append("\(devices.count) device\(devices.count == 1 ? "" : "s")") }
        if let group {
            let noun = group.kind == .devices ? "device" : "user"
            parts.append("\(group.size) \(noun)\(group.size == 1 ? "" : "s") in group \(group.name)")
        }
        return parts.joined(separator: ", ")
    }
}

/// A class, a unit or another group, with its size.
public struct RecipientGroup: Sendable, Codable, Equatable {
    /// Whether the group's members are devices or users.
    public enum Kind: String, Sendable, Codable { case users, devices }
    /// The group's name as the directory knows it ("7B", "Hemtjänst Norr").
    public var name: String
    /// Devices or users.
    public var kind: Kind
    /// How many members it has.
    public var size: Int

    /// Builds a group.
    public init(name: String, kind: Kind, size: Int) {
        self.name = name
        self.kind = kind
        self.size = size
    }
}

/// What an order item buys.
public enum OrderItemKind: String, Sendable, Codable {
    /// Packaging a program (one per submission; the monthly quota may cover it).
    case packaging
    /// Installing a packaged program on devices or for users.
    case install
}

/// One line of an order: one program at one version, for a quantity at a unit price.
public struct OrderItem: Sendable, Codable, Equatable {
    /// Packaging or install.
    public var kind: OrderItemKind
    /// The catalog's program id.
    public var program: String
    /// The version ordered.
    public var version: String
    /// Installs (one per device or user), or 1 for a packaging.
    public var quantity: Int
    /// Charged per unit excluding VAT: 0 for a packaging the quota covers, so `amount = unitPrice × quantity` always
    /// holds (e-invoice validators check it).
    public var unitPrice: Decimal
    /// Excluding VAT: `unitPrice × quantity` rounded to öre.
    public var amount: Decimal
    /// The price list's unit price, charged or not (differs from `unitPrice` only when the quota covers it).
    public var listPrice: Decimal
    /// Who receives the installs (empty for a packaging).
    public var recipients: Recipients
    /// The profile this item came from, if it was ordered as part of one.
    public var profile: String?
    /// For a packaging: its tier.
    public var tier: PackagingTier?
    /// For a packaging: an update of a program already in the catalog.
    public var isUpdate: Bool?
    /// For a packaging: covered by the monthly quota.
    public var includedInQuota: Bool
    /// The currency of every amount of the item (the price list's).
    public var currency: String

    /// Builds an item as given; prefer `Order.packaging` and `Order.install`, which price it.
    public init(kind: OrderItemKind, program: String, version: String, quantity: Int, unitPrice: Decimal, amount: Decimal,
                listPrice: Decimal? = nil, recipients: Recipients = Recipients(), profile: String? = nil, tier: PackagingTier? = nil,
                isUpdate: Bool? = nil, includedInQuota: Bool = false, currency: String = "SEK") {
        self.currency = currency
        self.kind = kind
        self.program = program
        self.version = version
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.amount = amount
        self.listPrice = listPrice ?? unitPrice
        self.recipients = recipients
        self.profile = profile
        self.tier = tier
        self.isUpdate = isUpdate
        self.includedInQuota = includedInQuota
    }

    private enum CodingKeys: String, CodingKey {
        case kind, program, version, quantity, unitPrice, amount, listPrice, recipients, profile, tier, isUpdate, includedInQuota
    }

    // Amounts are written as money objects; orders stored before that (bare numbers, SEK) still read.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(program, forKey: .program)
        try c.encode(version, forKey: .version)
        try c.encode(quantity, forKey: .quantity)
        try c.encode(MoneyAmount(unitPrice, currency: currency), forKey: .unitPrice)
        try c.encode(MoneyAmount(amount, currency: currency), forKey: .amount)
        try c.encode(MoneyAmount(listPrice, currency: currency), forKey: .listPrice)
        try c.encode(recipients, forKey: .recipients)
        try c.encodeIfPresent(profile, forKey: .profile)
        try c.encodeIfPresent(tier, forKey: .tier)
        try c.encodeIfPresent(isUpdate, forKey: .isUpdate)
        try c.encode(includedInQuota, forKey: .includedInQuota)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(OrderItemKind.self, forKey: .kind)
        program = try c.decode(String.self, forKey: .program)
        version = try c.decode(String.self, forKey: .version)
        quantity = try c.decode(Int.self, forKey: .quantity)
        currency = (try? c.decode(MoneyAmount.self, forKey: .amount))?.currency ?? "SEK"
        unitPrice = try MoneyAmount.decodeLegacy(c, .unitPrice)
        amount = try MoneyAmount.decodeLegacy(c, .amount)
        listPrice = try MoneyAmount.decodeLegacy(c, .listPrice)
        recipients = try c.decode(Recipients.self, forKey: .recipients)
        profile = try c.decodeIfPresent(String.self, forKey: .profile)
        tier = try c.decodeIfPresent(PackagingTier.self, forKey: .tier)
        isUpdate = try c.decodeIfPresent(Bool.self, forKey: .isUpdate)
        includedInQuota = try c.decode(Bool.self, forKey: .includedInQuota)
    }

    /// The item in words, as it appears on an invoice line.
    public var description: String {
        switch kind {
        case .packaging:
            let what = isUpdate == true ? "update" : "new program"
            let quota = includedInQuota ? ", included in the monthly quota" : ""
            return "Packaging (\(tier?.rawValue ?? "unclassified"), \(what)\(quota)): \(program) \(version)"
        case .install:
            let via = profile.map { " via profile \($0)" } ?? ""
            let who = recipients.summary
            return "Install: \(program) \(version)" + (who.isEmpty ? "" : " for \(who)") + via
        }
    }
}

/// An order: who ordered what, when, and who pays.
public struct Order: Sendable, Codable, Equatable {
    /// The most installs one item may order, which also keeps every amount far from overflow.
    public static let maxQuantity = 100_000

    /// Unique order id.
    public var id: String
    /// When it was placed; its day in Stockholm decides the price list and the invoice period.
    public var placedAt: Date
    /// Who pays.
    public var costReference: CostReference
    /// The user who placed it.
    public var placedBy: String
    /// At least one.
    public var items: [OrderItem]

    /// Builds an order as given.
    public init(id: String, placedAt: Date, costReference: CostReference, placedBy: String, items: [OrderItem]) {
        self.id = id
        self.placedAt = placedAt
        self.costReference = costReference
        self.placedBy = placedBy
        self.items = items
    }

    /// Sum of the items, excluding VAT.
    public var amount: Decimal { items.reduce(Decimal(0)) { $0 + $1.amount } }

    /// The order for one packaging, priced by a quote from `Pricing.quote`.
    public static func packaging(id: String, placedAt: Date, costReference: CostReference, placedBy: String,
                                 program: ProgramVersion, tier: PackagingTier, isUpdate: Bool, price: Price) -> Order {
        let item = OrderItem(kind: .packaging, program: program.program, version: program.version, quantity: 1,
                             unitPrice: price.amount, amount: price.amount, listPrice: price.unitPrice, tier: tier, isUpdate: isUpdate,
                             includedInQuota: price.includedInQuota, currency: price.currency)
        return Order(id: id, placedAt: placedAt, costReference: costReference, placedBy: placedBy, items: [item])
    }

    /// An install order: every program (each listed program, then each program of each profile) to the same
    /// recipients, priced per install from the list in force on the day it is placed. A program named twice is
    /// ordered once. Refused when there is nothing to install or nobody to install it for.
    public static func install(id: String, placedAt: Date, costReference: CostReference, placedBy: String,
                               programs: [ProgramVersion] = [], profiles: [Profile] = [], recipients: Recipients,
                               pricing: Pricing) throws -> Order {
        if let group = recipients.group, group.size < 1 || group.size > maxQuantity {
            throw ClassificationError(.invalidInput, code: "order.group-size",
                "group '\(group.name)' has size \(group.size); give its number of \(group.kind.rawValue), 1 to \(maxQuantity)")
        }
        let quantity = recipients.count
        guard quantity >= 1 else {
            throw ClassificationError(.invalidInput, code: "order.no-recipients",
                "order \(id) names no users, devices or group; say who the programs are for")
        }
        var wanted: [(ProgramVersion, String?)] = programs.map { ($0, nil) }
        for profile in profiles {
            guard !profile.programs.isEmpty else {
                throw ClassificationError(.invalidInput, code: "order.empty-profile",
                    "profile '\(profile.id)' has no programs; add programs to it in Catalog/ or order programs directly")
            }
            wanted += profile.programs.map { ($0, profile.id) }
        }
        guard !wanted.isEmpty else {
            throw ClassificationError(.invalidInput, code: "order.empty",
                "order \(id) names no program or profile; name at least one")
        }
        guard wanted.count <= 1000 else {
            throw ClassificationError(.tooLarge, code: "order.too-many-items",
                "order \(id) has \(wanted.count) programs; split it into orders of at most 1000")
        }
        let price = try pricing.quoteInstall(quantity: quantity, orderedAt: placedAt)
        var seen: Set<ProgramVersion> = []
        var items: [OrderItem] = []
        for (program, profile) in wanted where seen.insert(program).inserted {
            items.append(OrderItem(kind: .install, program: program.program, version: program.version, quantity: quantity,
                                   unitPrice: price.unitPrice, amount: price.amount, recipients: recipients, profile: profile,
                                   currency: price.currency))
        }
        return Order(id: id, placedAt: placedAt, costReference: costReference, placedBy: placedBy, items: items)
    }
}
