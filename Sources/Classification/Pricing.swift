import DepotModel
import DepotPolicy
import Foundation

/// A price excluding VAT, with what it was computed from, so a quote explains itself.
public struct Price: Sendable, Codable, Equatable {
    /// What is charged excluding VAT: `unitPrice × quantity`, or 0 when the monthly quota covers it.
    public var amount: Decimal
    /// Always `SEK`.
    public var currency: String
    /// VAT added on the invoice, e.g. 0.25.
    public var vatRate: Decimal
    /// The service fee already covers this packaging (one of the first N of its month).
    public var includedInQuota: Bool
    /// The list price of one unit (one packaging, one install), charged or not.
    public var unitPrice: Decimal
    /// Packagings are 1; installs are one per device or user.
    public var quantity: Int
    /// The first day of the price list that set this price.
    public var priceListEffectiveFrom: CalendarDate

    /// Builds a price.
    public init(amount: Decimal, currency: String = "SEK", vatRate: Decimal, includedInQuota: Bool,
                unitPrice: Decimal, quantity: Int, priceListEffectiveFrom: CalendarDate) {
        self.amount = amount
        self.currency = currency
        self.vatRate = vatRate
        self.includedInQuota = includedInQuota
        self.unitPrice = unitPrice
        self.quantity = quantity
        self.priceListEffectiveFrom = priceListEffectiveFrom
    }

    private enum CodingKeys: String, CodingKey {
        case amount, currency, vatRate, includedInQuota, unitPrice, quantity, priceListEffectiveFrom
    }

    // Amounts are written as money objects; prices stored before that (bare numbers) still read.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(MoneyAmount(amount, currency: currency), forKey: .amount)
        try c.encode(currency, forKey: .currency)
        try c.encode(Money.plain(vatRate), forKey: .vatRate)
        try c.encode(includedInQuota, forKey: .includedInQuota)
        try c.encode(MoneyAmount(unitPrice, currency: currency), forKey: .unitPrice)
        try c.encode(quantity, forKey: .quantity)
        try c.encode(priceListEffectiveFrom, forKey: .priceListEffectiveFrom)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        currency = try c.decode(String.self, forKey: .currency)
        amount = try MoneyAmount.decodeLegacy(c, .amount)
        // A rate is a decimal string like the invoice's ("0.25"); older stored prices have a number.
        if let text = try? c.decode(String.self, forKey: .vatRate), let rate = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) {
            vatRate = rate
        } else {
            vatRate = try c.decode(Decimal.self, forKey: .vatRate)
        }
        includedInQuota = try c.decode(Bool.self, forKey: .includedInQuota)
        unitPrice = try MoneyAmount.decodeLegacy(c, .unitPrice)
        quantity = try c.decode(Int.self, forKey: .quantity)
        priceListEffectiveFrom = try c.decode(CalendarDate.self, forKey: .priceListEffectiveFrom)
    }
}

/// One packaging as the monthly quota counts it.
public struct QuotaEntry: Sendable, Equatable {
    /// The submission's id; ties in time are broken by it, so the count never depends on input order.
    public var id: String
    /// When it was submitted.
    public var submittedAt: Date

    /// Builds an entry.
    public init(id: String, submittedAt: Date) {
        self.id = id
        self.submittedAt = submittedAt
    }
}

/// Turns `pricing.yaml` into prices. Pure: every rule that depends on the date takes the date.
public struct Pricing: Sendable {
    /// The price lists in force.
    public let policy: PricingPolicy
    /// The zone whose calendar decides the day and month of an instant (the city's: Europe/Stockholm).
    public let timeZone: TimeZone

    /// The city's time zone.
    public static let stockholm = TimeZone(identifier: "Europe/Stockholm") ?? TimeZone(secondsFromGMT: 3600) ?? .current

    /// Prices from a policy, with days and months counted in `timeZone`.
    public init(policy: PricingPolicy, timeZone: TimeZone = Pricing.stockholm) {
        self.policy = policy
        self.timeZone = timeZone
    }

    /// The list in force on a day: the latest effective on or before it. A later list never reaches back.
    public func priceList(on day: CalendarDate) throws -> PriceList {
        guard let list = policy.priceList(on: day) else {
            let first = policy.priceLists.first.map { " (the first one starts \($0.effectiveFrom))" } ?? ""
            throw ClassificationError(.refused, code: "pricing.no-list",
                "no price list in pricing.yaml is in force on \(day)\(first); add a list effective on or before that day")
        }
        return list
    }

    /// The price of one packaging submitted on `submittedAt`, the `positionInMonth`-th (from 1) of its calendar
    /// month counted across the city in order of submission; the first `includedPerMonth` cost nothing.
    public func quote(tier: PackagingTier, isUpdate: Bool, submittedAt: CalendarDate, positionInMonth: Int) throws -> Price {
        guard positionInMonth >= 1 else {
            throw ClassificationError(.invalidInput, code: "pricing.position",
                "position in month \(positionInMonth) is not a position; count packagings of a month from 1")
        }
        let list = try priceList(on: submittedAt)
        let unit = list.price(for: tier, isUpdate: isUpdate)
        let included = positionInMonth <= list.includedPerMonth
        return Price(amount: included ? 0 : unit, currency: policy.currency, vatRate: policy.vatRate,
                     includedInQuota: included, unitPrice: unit, quantity: 1, priceListEffectiveFrom: list.effectiveFrom)
    }

    /// As above, for an instant; its day is taken in the city's time zone.
    public func quote(tier: PackagingTier, isUpdate: Bool, submittedAt: Date, positionInMonth: Int) throws -> Price {
        try quote(tier: tier, isUpdate: isUpdate, submittedAt: CalendarDate(submittedAt, in: timeZone),
                  positionInMonth: positionInMonth)
    }

    /// The price of installing one program on `quantity` devices or for `quantity` users, ordered on `orderedOn`.
    public func quoteInstall(quantity: Int, orderedOn: CalendarDate) throws -> Price {
        guard (1...Order.maxQuantity).contains(quantity) else {
            throw ClassificationError(.invalidInput, code: "order.quantity",
                "an install order for \(quantity) devices or users is not possible; order 1 to \(Order.maxQuantity) at a time")
        }
        let list = try priceList(on: orderedOn)
        let unit = list.installPerDeviceOrUser
        return Price(amount: Money.rounded(unit * Decimal(quantity)), currency: policy.currency, vatRate: policy.vatRate,
                     includedInQuota: false, unitPrice: unit, quantity: quantity, priceListEffectiveFrom: list.effectiveFrom)
    }

    /// As above, for an instant; its day is taken in the city's time zone.
    public func quoteInstall(quantity: Int, orderedAt: Date) throws -> Price {
        try quoteInstall(quantity: quantity, orderedOn: CalendarDate(orderedAt, in: timeZone))
    }

    /// Each packaging's position in its calendar month (1 = first), counted in order of submission, ties by id.
    /// Feed it every packaging of the months concerned, already priced or not, so positions never shift.
    public func positionsInMonth(_ entries: [QuotaEntry]) -> [String: Int] {
        let ordered = entries.sorted { ($0.submittedAt, $0.id) < ($1.submittedAt, $1.id) }
        var counts: [Int: Int] = [:]
        var positions: [String: Int] = [:]
        for entry in ordered {
            let day = CalendarDate(entry.submittedAt, in: timeZone)
            let month = day.year * 12 + day.month
            let next = (counts[month] ?? 0) &+ 1
            counts[month] = next
            positions[entry.id] = next
        }
        return positions
    }
}
