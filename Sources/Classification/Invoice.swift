import DepotModel
import DepotPolicy
import Foundation

/// A calendar month invoiced at once, written `YYYY-MM`.
public struct InvoicePeriod: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// 1...9999.
    public let year: Int
    /// 1...12.
    public let month: Int

    /// A period, or nil for a month that does not exist.
    public init?(year: Int, month: Int) {
        guard (1...9999).contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    /// Parses exactly `YYYY-MM`, or throws an error that shows the expected form.
    public init(parsing text: String) throws {
        guard text.utf8.count == 7, let first = CalendarDate(text + "-01") else {
            throw ClassificationError(.invalidInput, code: "invoice.period",
                "'\(text)' is not a period; write a month as YYYY-MM, e.g. 2026-03")
        }
        year = first.year
        month = first.month
    }

    /// The first day of the month.
    public var firstDay: CalendarDate { CalendarDate(year: year, month: month, day: 1) ?? CalendarDate(daysSinceEpoch: 0) }
    /// The last day of the month.
    public var lastDay: CalendarDate { firstDay.adding(months: 1).adding(days: -1) }

    /// Whether a day falls in this month.
    public func contains(_ day: CalendarDate) -> Bool { day.year == year && day.month == month }

    public var description: String { String(firstDay.description.prefix(7)) }

    public static func < (lhs: InvoicePeriod, rhs: InvoicePeriod) -> Bool { (lhs.year, lhs.month) < (rhs.year, rhs.month) }

    public init(from decoder: any Decoder) throws {
        self = try InvoicePeriod(parsing: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// One invoice line: one order item, charged to its order's cost reference.
public struct InvoiceLine: Sendable, Equatable, Encodable {
    /// As written (`140:52120`, `ref:Stadshus AB`).
    public var costReference: String
    /// The order the item belongs to (JSON key `orderId`).
    public var orderID: String
    /// 1-based position of the item in its order.
    public var itemNumber: Int
    /// The day the order was placed, in Stockholm.
    public var orderedOn: CalendarDate
    /// The user who placed the order.
    public var placedBy: String
    /// Packaging or install.
    public var kind: OrderItemKind
    /// The catalog's program id.
    public var program: String
    /// The version ordered.
    public var version: String
    /// The item in words.
    public var item: String
    /// Installs, or 1 for a packaging.
    public var quantity: Int
    /// Excluding VAT.
    public var unitPrice: Decimal
    /// Excluding VAT, rounded to öre.
    public var amount: Decimal
    /// The currency of both amounts.
    public var currency: String = "SEK"

    private enum CodingKeys: String, CodingKey {
        case costReference, orderID = "orderId", itemNumber, orderedOn, placedBy, kind, program, version, item
        case quantity, unitPrice, amount
    }

    // Money as objects with a two-decimal string: exact, and the same bytes on every platform.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(costReference, forKey: .costReference)
        try c.encode(orderID, forKey: .orderID)
        try c.encode(itemNumber, forKey: .itemNumber)
        try c.encode(orderedOn, forKey: .orderedOn)
        try c.encode(placedBy, forKey: .placedBy)
        try c.encode(kind, forKey: .kind)
        try c.encode(program, forKey: .program)
        try c.encode(version, forKey: .version)
        try c.encode(item, forKey: .item)
        try c.encode(quantity, forKey: .quantity)
        try c.encode(MoneyAmount(unitPrice, currency: currency), forKey: .unitPrice)
        try c.encode(MoneyAmount(amount, currency: currency), forKey: .amount)
    }
}

/// What one cost reference owes for the period.
public struct CostReferenceTotal: Sendable, Equatable, Encodable {
    /// As written on the orders.
    public var costReference: String
    /// How many invoice lines it has.
    public var lineCount: Int
    /// Sum of the line amounts, excluding VAT.
    public var net: Decimal
    /// VAT on `net`, rounded to öre.
    public var vat: Decimal
    /// `net + vat`.
    public var gross: Decimal
    /// The currency of the three sums.
    public var currency: String = "SEK"

    private enum CodingKeys: String, CodingKey { case costReference, lineCount, net, vat, gross }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(costReference, forKey: .costReference)
        try c.encode(lineCount, forKey: .lineCount)
        try c.encode(MoneyAmount(net, currency: currency), forKey: .net)
        try c.encode(MoneyAmount(vat, currency: currency), forKey: .vat)
        try c.encode(MoneyAmount(gross, currency: currency), forKey: .gross)
    }
}

/// Every invoice line of a period and the totals per cost reference: the input of every export format.
public struct InvoiceDocument: Sendable, Equatable, Encodable {
    /// The month invoiced.
    public var period: InvoicePeriod
    /// `SEK`.
    public var currency: String
    /// VAT added per cost reference, e.g. 0.25.
    public var vatRate: Decimal
    /// Sorted by cost reference, then order day, order id and item number.
    public var lines: [InvoiceLine]
    /// Sorted by cost reference.
    public var totals: [CostReferenceTotal]

    /// Sum over all cost references, excluding VAT.
    public var net: Decimal { totals.reduce(Decimal(0)) { $0 + $1.net } }
    /// Sum of the VAT of each cost reference.
    public var vat: Decimal { totals.reduce(Decimal(0)) { $0 + $1.vat } }
    /// `net + vat`.
    public var gross: Decimal { net + vat }

    private enum CodingKeys: String, CodingKey { case period, currency, vatRate, lines, totals, net, vat, gross }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(period, forKey: .period)
        try c.encode(currency, forKey: .currency)
        try c.encode(Money.plain(vatRate), forKey: .vatRate)
        try c.encode(lines, forKey: .lines)
        try c.encode(totals, forKey: .totals)
        try c.encode(MoneyAmount(net, currency: currency), forKey: .net)
        try c.encode(MoneyAmount(vat, currency: currency), forKey: .vat)
        try c.encode(MoneyAmount(gross, currency: currency), forKey: .gross)
    }
}

/// Turns orders into invoice lines and exports. Pure and deterministic: no clock, sorted output,
/// Decimal arithmetic, fixed number formatting; the same orders give byte-identical files.
public struct InvoiceGenerator: Sendable {
    /// `SEK`.
    public let currency: String
    /// VAT added per cost reference, e.g. 0.25.
    public let vatRate: Decimal
    /// The zone whose calendar puts an order in a month.
    public let timeZone: TimeZone

    /// A generator for the VAT rate and currency of the pricing policy.
    public init(pricing: PricingPolicy, timeZone: TimeZone = Pricing.stockholm) {
        self.init(vatRate: pricing.vatRate, currency: pricing.currency, timeZone: timeZone)
    }

    /// A generator with an explicit VAT rate.
    public init(vatRate: Decimal, currency: String = "SEK", timeZone: TimeZone = Pricing.stockholm) {
        self.vatRate = vatRate
        self.currency = currency
        self.timeZone = timeZone
    }

    /// One line per item of every order placed in the period (Stockholm days), in a fixed order.
    public func lines(orders: [Order], period: InvoicePeriod) -> [InvoiceLine] {
        var lines: [InvoiceLine] = []
        for order in orders {
            let day = CalendarDate(order.placedAt, in: timeZone)
            guard period.contains(day) else { continue }
            for (index, item) in order.items.enumerated() {
                lines.append(InvoiceLine(
                    costReference: order.costReference.description, orderID: order.id, itemNumber: index + 1,
                    orderedOn: day, placedBy: order.placedBy, kind: item.kind, program: item.program,
                    version: item.version, item: item.description, quantity: item.quantity,
                    unitPrice: item.unitPrice, amount: Money.rounded(item.amount), currency: currency))
            }
        }
        return lines.sorted {
            ($0.costReference, $0.orderedOn, $0.orderID, $0.itemNumber) < ($1.costReference, $1.orderedOn, $1.orderID, $1.itemNumber)
        }
    }

    /// Totals per cost reference, sorted by it; VAT is computed on each reference's net and rounded to öre.
    public func totals(_ lines: [InvoiceLine]) -> [CostReferenceTotal] {
        var byReference: [String: (count: Int, net: Decimal)] = [:]
        for line in lines {
            let current = byReference[line.costReference] ?? (0, 0)
            byReference[line.costReference] = (current.count + 1, current.net + line.amount)
        }
        return byReference.keys.sorted().map { reference in
            let entry = byReference[reference] ?? (0, 0)
            let vat = Money.rounded(entry.net * vatRate)
            return CostReferenceTotal(costReference: reference, lineCount: entry.count, net: entry.net, vat: vat,
                                      gross: entry.net + vat, currency: currency)
        }
    }

    /// Lines and totals of a period, ready for any export.
    public func document(orders: [Order], period: InvoicePeriod) -> InvoiceDocument {
        let lines = lines(orders: orders, period: period)
        return InvoiceDocument(period: period, currency: currency, vatRate: vatRate, lines: lines, totals: totals(lines))
    }

    /// Pretty-printed JSON with sorted keys; money as strings with two decimals ("4350.00").
    public func json(_ document: InvoiceDocument) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(document)
        data.append(UInt8(ascii: "\n"))
        return data
    }

    /// The CSV header, in column order.
    public static let csvHeader = [
        "type", "costReference", "orderId", "itemNumber", "orderedOn", "placedBy", "kind", "program", "version",
        "item", "quantity", "unitPrice", "amount", "vat", "amountInclVat", "currency",
    ]

    /// RFC 4180 CSV (CRLF, quoted where needed, UTF-8): a header, then per cost reference its `line` rows and a
    /// `total` row whose `amount` is the net, with `vat` and `amountInclVat` filled. '.' decimal separator.
    public func csv(_ document: InvoiceDocument) -> Data {
        var rows: [[String]] = [Self.csvHeader]
        let linesByReference = Dictionary(grouping: document.lines, by: \.costReference)
        for total in document.totals {
            for line in linesByReference[total.costReference] ?? [] {
                rows.append([
                    "line", line.costReference, line.orderID, String(line.itemNumber), line.orderedOn.description,
                    line.placedBy, line.kind.rawValue, line.program, line.version, line.item, String(line.quantity),
                    Money.format(line.unitPrice), Money.format(line.amount), "", "", document.currency,
                ])
            }
            rows.append([
                "total", total.costReference, "", "", "", "", "", "", "", "Total \(document.period) (\(total.lineCount) line\(total.lineCount == 1 ? "" : "s"))",
                "", "", Money.format(total.net), Money.format(total.vat), Money.format(total.gross), document.currency,
            ])
        }
        let text = rows.map { $0.map(Self.csvField).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
        return Data(text.utf8)
    }

    static func csvField(_ field: String) -> String {
        // By scalar: "\r\n" is one Character, so a Character test would miss it.
        guard field.unicodeScalars.contains(where: { ",\"\r\n".unicodeScalars.contains($0) }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
