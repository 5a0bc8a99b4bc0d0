import DepotModel
import DepotPolicy
import Foundation

/// A seller or buyer on an electronic invoice, identified by its Swedish organisation number.
public struct InvoiceParty: Sendable, Codable, Equatable {
    /// Registered name.
    public var name: String
    /// Ten digits, optionally written `NNNNNN-NNNN`; the last is a Luhn check digit.
    public var organisationNumber: String
    /// Street and number, if known.
    public var street: String?
    /// City, if known.
    public var city: String?
    /// Postal code, if known.
    public var postalCode: String?
    /// The seller holds F-tax approval (F-skatt): the invoice must then say "Godkänd för F-skatt" (rule SE-R-005).
    public var approvedForFTax: Bool

    /// Builds a party.
    public init(name: String, organisationNumber: String, street: String? = nil, city: String? = nil,
                postalCode: String? = nil, approvedForFTax: Bool = false) {
        self.name = name
        self.organisationNumber = organisationNumber
        self.street = street
        self.city = city
        self.postalCode = postalCode
        self.approvedForFTax = approvedForFTax
    }

    /// The ten digits, or an error naming the party and the expected form.
    public func validatedNumber(role: String) throws -> String {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ClassificationError(.invalidInput, code: "invoice.party-name",
                "the \(role)'s name is empty; give its registered name")
        }
        let digits = organisationNumber.replacingOccurrences(of: "-", with: "")
        guard digits.count == 10, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw ClassificationError(.invalidInput, code: "invoice.org-number",
                "\(role) organisation number '\(organisationNumber)' is not ten digits; write it as NNNNNN-NNNN")
        }
        guard Self.luhnValid(digits) else {
            throw ClassificationError(.invalidInput, code: "invoice.org-number",
                "\(role) organisation number '\(organisationNumber)' has a wrong check digit; copy it from Bolagsverket")
        }
        return digits
    }

    static func luhnValid(_ digits: String) -> Bool {
        var sum = 0
        for (index, char) in digits.enumerated() {
            guard let d = char.wholeNumberValue else { return false }
            let weighted = index % 2 == 0 ? d * 2 : d
            sum += weighted > 9 ? weighted - 9 : weighted
        }
        return sum % 10 == 0
    }
}

/// Who invoices whom, and the terms; passed in because they are the city's settings, not the orders'.
public struct InvoiceParties: Sendable, Codable, Equatable {
    /// The seller (the unit that packages and installs).
    public var supplier: InvoiceParty
    /// The buyer (the city, or a city company).
    public var customer: InvoiceParty
    /// Days from issue to due date.
    public var paymentTermsDays: Int
    /// Invoice numbers are `PREFIX-YYYYMM-NNN`, numbered by cost reference in sorted order.
    public var invoiceNumberPrefix: String

    /// Builds the parties.
    public init(supplier: InvoiceParty, customer: InvoiceParty, paymentTermsDays: Int = 30, invoiceNumberPrefix: String = "DEPOT") {
        self.supplier = supplier
        self.customer = customer
        self.paymentTermsDays = paymentTermsDays
        self.invoiceNumberPrefix = invoiceNumberPrefix
    }
}

/// One PEPPOL BIS Billing 3.0 invoice: the document for one cost reference.
public struct UBLInvoice: Sendable, Equatable {
    /// The cost reference it bills (also its BuyerReference).
    public var costReference: String
    /// The invoice number (cbc:ID).
    public var invoiceID: String
    /// A safe file name: `<invoiceID>.xml`.
    public var fileName: String
    /// UTF-8 XML.
    public var xml: Data
}

extension InvoiceGenerator {
    /// The CustomizationID of PEPPOL BIS Billing 3.0.
    public static let peppolCustomizationID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
    /// The ProfileID of PEPPOL BIS Billing 3.0 (billing process 01).
    public static let peppolProfileID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"

    /// One UBL 2.1 invoice per cost reference that owes something (a reference whose lines are all covered by the
    /// quota gets no invoice), issued on `issueDate`, all lines at the standard VAT rate (category S).
    public func ubl(_ document: InvoiceDocument, parties: InvoiceParties, issueDate: CalendarDate) throws -> [UBLInvoice] {
        let supplierNumber = try parties.supplier.validatedNumber(role: "supplier")
        let customerNumber = try parties.customer.validatedNumber(role: "customer")
        guard (0...365).contains(parties.paymentTermsDays) else {
            throw ClassificationError(.invalidInput, code: "invoice.terms",
                "payment terms of \(parties.paymentTermsDays) days are not possible; give 0 to 365 days")
        }
        let prefix = parties.invoiceNumberPrefix
        guard (1...20).contains(prefix.count), prefix.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            throw ClassificationError(.invalidInput, code: "invoice.prefix",
                "invoice number prefix '\(prefix)' must be 1 to 20 letters, digits or '-'")
        }
        let dueDate = issueDate.adding(days: parties.paymentTermsDays)
        let linesByReference = Dictionary(grouping: document.lines, by: \.costReference)
        let period = document.period.description.replacingOccurrences(of: "-", with: "")
        var invoices: [UBLInvoice] = []
        for total in document.totals where total.net > 0 {
            let sequence = String(invoices.count + 1)
            let id = "\(prefix)-\(period)-" + String(repeating: "0", count: max(0, 3 - sequence.count)) + sequence
            var x = XMLWriter()
            x.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
            x.open("Invoice", attributes: [
                ("xmlns", "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"),
                ("xmlns:cac", "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"),
                ("xmlns:cbc", "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"),
            ])
            x.leaf("cbc:CustomizationID", Self.peppolCustomizationID)
            x.leaf("cbc:ProfileID", Self.peppolProfileID)
            x.leaf("cbc:ID", id)
            x.leaf("cbc:IssueDate", issueDate.description)
            x.leaf("cbc:DueDate", dueDate.description)
            x.leaf("cbc:InvoiceTypeCode", "380")
            x.leaf("cbc:Note", "Packaging and installs ordered in \(document.period), cost reference \(total.costReference)")
            x.leaf("cbc:DocumentCurrencyCode", document.currency)
            x.leaf("cbc:AccountingCost", total.costReference)
            x.leaf("cbc:BuyerReference", total.costReference)
            x.open("cac:InvoicePeriod")
            x.leaf("cbc:StartDate", document.period.firstDay.description)
            x.leaf("cbc:EndDate", document.period.lastDay.description)
            x.close("cac:InvoicePeriod")
            x.open("cac:AccountingSupplierParty")
            party(&x, parties.supplier, number: supplierNumber, withVAT: true)
            x.close("cac:AccountingSupplierParty")
            x.open("cac:AccountingCustomerParty")
            party(&x, parties.customer, number: customerNumber, withVAT: false)
            x.close("cac:AccountingCustomerParty")
            x.open("cac:PaymentTerms")
            x.leaf("cbc:Note", "\(parties.paymentTermsDays) days net")
            x.close("cac:PaymentTerms")
            let currency = [("currencyID", document.currency)]
            x.open("cac:TaxTotal")
            x.leaf("cbc:TaxAmount", Money.format(total.vat), attributes: currency)
            x.open("cac:TaxSubtotal")
            x.leaf("cbc:TaxableAmount", Money.format(total.net), attributes: currency)
            x.leaf("cbc:TaxAmount", Money.format(total.vat), attributes: currency)
            taxCategory(&x, "cac:TaxCategory", rate: document.vatRate)
            x.close("cac:TaxSubtotal")
            x.close("cac:TaxTotal")
            x.open("cac:LegalMonetaryTotal")
            x.leaf("cbc:LineExtensionAmount", Money.format(total.net), attributes: currency)
            x.leaf("cbc:TaxExclusiveAmount", Money.format(total.net), attributes: currency)
            x.leaf("cbc:TaxInclusiveAmount", Money.format(total.gross), attributes: currency)
            x.leaf("cbc:PayableAmount", Money.format(total.gross), attributes: currency)
            x.close("cac:LegalMonetaryTotal")
            for (index, line) in (linesByReference[total.costReference] ?? []).enumerated() {
                x.open("cac:InvoiceLine")
                x.leaf("cbc:ID", String(index + 1))
                x.leaf("cbc:Note", "Order \(line.orderID) item \(line.itemNumber), placed \(line.orderedOn) by \(line.placedBy)")
                // C62 is UN/ECE Recommendation 20's "one": one packaging, one install.
                x.leaf("cbc:InvoicedQuantity", String(line.quantity), attributes: [("unitCode", "C62")])
                x.leaf("cbc:LineExtensionAmount", Money.format(line.amount), attributes: currency)
                x.leaf("cbc:AccountingCost", line.costReference)
                x.open("cac:Item")
                x.leaf("cbc:Description", line.item)
                x.leaf("cbc:Name", "\(line.kind == .packaging ? "Packaging" : "Install"): \(line.program) \(line.version)")
                taxCategory(&x, "cac:ClassifiedTaxCategory", rate: document.vatRate)
                x.close("cac:Item")
                x.open("cac:Price")
                x.leaf("cbc:PriceAmount", Money.format(line.unitPrice), attributes: currency)
                x.close("cac:Price")
                x.close("cac:InvoiceLine")
            }
            x.close("Invoice")
            invoices.append(UBLInvoice(costReference: total.costReference, invoiceID: id, fileName: id + ".xml",
                                       xml: Data(x.text.utf8)))
        }
        return invoices
    }

    private func party(_ x: inout XMLWriter, _ party: InvoiceParty, number: String, withVAT: Bool) {
        x.open("cac:Party")
        // 0007 is the ISO 6523 scheme of Swedish organisation numbers.
        x.leaf("cbc:EndpointID", number, attributes: [("schemeID", "0007")])
        x.open("cac:PartyName")
        x.leaf("cbc:Name", party.name)
        x.close("cac:PartyName")
        x.open("cac:PostalAddress")
        if let street = party.street { x.leaf("cbc:StreetName", street) }
        if let city = party.city { x.leaf("cbc:CityName", city) }
        if let postalCode = party.postalCode { x.leaf("cbc:PostalZone", postalCode) }
        x.open("cac:Country")
        x.leaf("cbc:IdentificationCode", "SE")
        x.close("cac:Country")
        x.close("cac:PostalAddress")
        if withVAT {
            // A Swedish VAT number is SE, the organisation number, and 01.
            x.open("cac:PartyTaxScheme")
            x.leaf("cbc:CompanyID", "SE\(number)01")
            x.open("cac:TaxScheme")
            x.leaf("cbc:ID", "VAT")
            x.close("cac:TaxScheme")
            x.close("cac:PartyTaxScheme")
            if party.approvedForFTax {
                // The Swedish CIUS puts F-tax approval in a second tax scheme, "TAX", beside VAT.
                x.open("cac:PartyTaxScheme")
                x.leaf("cbc:CompanyID", "Godkänd för F-skatt")
                x.open("cac:TaxScheme")
                x.leaf("cbc:ID", "TAX")
                x.close("cac:TaxScheme")
                x.close("cac:PartyTaxScheme")
            }
        }
        x.open("cac:PartyLegalEntity")
        x.leaf("cbc:RegistrationName", party.name)
        x.leaf("cbc:CompanyID", number, attributes: [("schemeID", "0007")])
        x.close("cac:PartyLegalEntity")
        x.close("cac:Party")
    }

    private func taxCategory(_ x: inout XMLWriter, _ element: String, rate: Decimal) {
        x.open(element)
        x.leaf("cbc:ID", "S")
        x.leaf("cbc:Percent", Money.plain(rate * 100, scale: 2))
        x.open("cac:TaxScheme")
        x.leaf("cbc:ID", "VAT")
        x.close("cac:TaxScheme")
        x.close(element)
    }
}

/// A minimal indenting XML writer: escapes text and attributes and drops characters XML 1.0 forbids.
struct XMLWriter {
    private(set) var text = ""
    private var depth = 0

    mutating func raw(_ s: String) { text += s }

    mutating func open(_ name: String, attributes: [(String, String)] = []) {
        text += indent + "<" + name + Self.attributes(attributes) + ">\n"
        depth += 1
    }

    mutating func close(_ name: String) {
        depth -= 1
        text += indent + "</" + name + ">\n"
    }

    mutating func leaf(_ name: String, _ value: String, attributes: [(String, String)] = []) {
        text += indent + "<" + name + Self.attributes(attributes) + ">" + Self.escape(value) + "</" + name + ">\n"
    }

    private var indent: String { String(repeating: "  ", count: max(depth, 0)) }

    private static func attributes(_ list: [(String, String)]) -> String {
        list.map { " \($0.0)=\"\(escape($0.1))\"" }.joined()
    }

    static func escape(_ s: String) -> String { XMLText.escape(s) }
}
