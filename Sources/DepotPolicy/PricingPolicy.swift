import Foundation

/// What packaging and install orders cost (`pricing.yaml`). Amounts exclude VAT; a price list applies from its
/// effective date on, so a new list never changes the price of work submitted before it.
public struct PricingPolicy: PolicyDocument, Codable {
    public static let fileName = "pricing.yaml"

    /// ISO 4217 code; the city invoices in SEK only.
    public var currency: String
    /// VAT added on invoices, e.g. 0.25.
    public var vatRate: Decimal
    /// Ordered by `effectiveFrom`, oldest first, no two on the same day.
    public var priceLists: [PriceList]

    /// Builds a policy in code.
    public init(currency: String = "SEK", vatRate: Decimal = Decimal(string: "0.25") ?? 0, priceLists: [PriceList]) {
        self.currency = currency
        self.vatRate = vatRate
        self.priceLists = priceLists
    }

    /// The price list in force on a day: the latest one effective on or before it; nil before the first.
    public func priceList(on date: CalendarDate) -> PriceList? {
        priceLists.last { $0.effectiveFrom <= date }
    }

    public static func read(from root: PolicyValue) -> PricingPolicy? {
        root.mapping { m in
            let currencyValue = m.required("currency")
            var currency = currencyValue?.string("a currency code")
            if let text = currency, text != "SEK" {
                currencyValue?.expected("SEK (the city invoices in Swedish kronor only)")
                currency = nil
            }
            let vat = m.required("vatRate")?.decimal(in: 0...1, maxFractionDigits: 4,
                                                    "a VAT rate from 0 to 1 such as 0.25")
            let listsValue = m.required("priceLists")
            let lists = listsValue?.list { item in
                item.mapping { p -> (PriceList, PolicyValue)? in
                    let effectiveValue = p.required("effectiveFrom")
                    let effective = effectiveValue?.date()
                    let included = p.required("includedPerMonth")?.int(in: 0...10_000, "a number of packagings")
                    let packaging: [PackagingTier: PackagingPrice]? = p.required("packaging")?.mapping { t in
                        var prices: [PackagingTier: PackagingPrice] = [:]
                        for tier in PackagingTier.allCases {
                            let price = t.required(tier.rawValue)?.mapping { k -> PackagingPrice? in
                                let new = k.required("new")?.amount()
                                let update = k.required("update")?.amount()
                                guard let new, let update else { return nil }
                                return PackagingPrice(new: new, update: update)
                            }
                            prices[tier] = price
                        }
                        return prices.count == PackagingTier.allCases.count ? prices : nil
                    }
                    let perInstall = p.required("installOrders")?.mapping { o in
                        o.required("perInstall")?.amount()
                    }
                    guard let effective, let effectiveValue, let included, let packaging, let perInstall else { return nil }
                    let list = PriceList(effectiveFrom: effective, includedPerMonth: included,
                                         packaging: packaging, installPerDeviceOrUser: perInstall)
                    return (list, effectiveValue)
                }
            }
            if let lists {
                if listsValue?.isEmptyList == true { listsValue?.expected("at least one price list") }
                for (earlier, later) in zip(lists, lists.dropFirst()) where later.0.effectiveFrom <= earlier.0.effectiveFrom {
                    later.1.report("expected a date after \(earlier.0.effectiveFrom) (price lists go oldest first, "
                        + "one per effective date), got '\(later.0.effectiveFrom)'")
                }
            }
            guard let currency, let vat, let lists else { return nil }
            return PricingPolicy(currency: currency, vatRate: vat, priceLists: lists.map(\.0))
        }
    }
}

/// The prices in force from one date on.
public struct PriceList: Sendable, Equatable, Codable {
    /// First day these prices apply to (by the day the work was submitted).
    public var effectiveFrom: CalendarDate
    /// Packagings per calendar month covered by the service fee, counted in order of submission.
    public var includedPerMonth: Int
    /// Price per tier, for new programs and for updates.
    public var packaging: [PackagingTier: PackagingPrice]
    /// Price of installing one program on one device or for one user through an install order.
    public var installPerDeviceOrUser: Decimal

    /// Builds a price list in code.
    public init(effectiveFrom: CalendarDate, includedPerMonth: Int, packaging: [PackagingTier: PackagingPrice],
                installPerDeviceOrUser: Decimal) {
        self.effectiveFrom = effectiveFrom
        self.includedPerMonth = includedPerMonth
        self.packaging = packaging
        self.installPerDeviceOrUser = installPerDeviceOrUser
    }

    /// The packaging price for a tier (zero if the list lacks the tier, which a loaded file never does).
    public func price(for tier: PackagingTier, isUpdate: Bool) -> Decimal {
        guard let price = packaging[tier] else { return 0 }
        return isUpdate ? price.update : price.new
    }
}

/// A tier's price for packaging a new program and for updating one already in the catalog, excluding VAT.
public struct PackagingPrice: Sendable, Equatable, Codable {
    /// Packaging a program new to the catalog.
    public var new: Decimal
    /// Packaging a new version of a program already in the catalog.
    public var update: Decimal

    /// Builds a price pair in code.
    public init(new: Decimal, update: Decimal) {
        self.new = new
        self.update = update
    }
}

extension PolicyValue {
    /// An amount in SEK excluding VAT: zero or more, at most two decimals (whole öre).
    func amount() -> Decimal? {
        guard let text = rawText, !isNull, let value = Self.parseDecimal(text, maxFractionDigits: 20), value >= 0 else {
            expected("a non-negative amount in SEK")
            return nil
        }
        guard Self.parseDecimal(text, maxFractionDigits: 2) != nil else {
            expected("an amount in SEK with at most two decimals (whole öre)")
            return nil
        }
        guard value <= 1_000_000_000 else {
            expected("an amount in SEK of at most 1000000000")
            return nil
        }
        return value
    }
}
