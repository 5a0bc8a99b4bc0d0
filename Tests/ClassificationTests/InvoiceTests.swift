import Classification
import DepotModel
import DepotPolicy
import DepotTestSupport
import Foundation
import FoundationXML
import Testing

/// A month of orders with several cost references, built the way the service will build them.
struct MarchOrders {
    let pricing: Pricing
    let orders: [Order]
    let generator: InvoiceGenerator
    let march: InvoicePeriod

    static let parties = InvoiceParties(
        supplier: InvoiceParty(name: "Stadens IT-service", organisationNumber: "212000-0142",
                               street: "Ragnar Östbergs plan 1", city: "Stockholm", postalCode: "105 35",
                               approvedForFTax: true),
        customer: InvoiceParty(name: "Stadshus AB", organisationNumber: "556611-0010", city: "Stockholm"))

    init() throws {
        march = try InvoicePeriod(parsing: "2026-03")
        let policy = try TestPolicies.pricing()
        pricing = Pricing(policy: policy)
        generator = InvoiceGenerator(pricing: policy)
        let school = try CostReference(parsing: "140:52120")
        let care = try CostReference(parsing: "310:A7")
        let company = try CostReference(parsing: "ref:Stadshus AB/IT")

        let charged = try pricing.quote(tier: .complex, isUpdate: false, submittedAt: TestPolicies.day("2026-03-20"), positionInMonth: 15)
        let included = try pricing.quote(tier: .simple, isUpdate: true, submittedAt: TestPolicies.day("2026-03-02"), positionInMonth: 1)
        let includedNew = try pricing.quote(tier: .simple, isUpdate: false, submittedAt: TestPolicies.day("2026-03-03"), positionInMonth: 2)
        let preschool = Profile(id: "preschool-teacher", programs: [
            ProgramVersion(program: "gcompris", version: "4.1"),
            ProgramVersion(program: "firefox", version: "128.3.0"),
            ProgramVersion(program: "vlc", version: "3.0.21"),
        ])
        orders = [
            Order.packaging(id: "o-0002", placedAt: TestPolicies.stockholm("2026-03-20 10:00"), costReference: school,
                            placedBy: "anna", program: ProgramVersion(program: "labelprinter", version: "5.2"),
                            tier: .complex, isUpdate: false, price: charged),
            // Covered by the quota, on the same cost reference as charged work: a zero line on a real invoice.
            Order.packaging(id: "o-0001b", placedAt: TestPolicies.stockholm("2026-03-03 08:00"), costReference: school,
                            placedBy: "anna", program: ProgramVersion(program: "notepad-plus", version: "8.6"),
                            tier: .simple, isUpdate: false, price: includedNew),
            Order.packaging(id: "o-0001", placedAt: TestPolicies.stockholm("2026-03-02 08:15"), costReference: care,
                            placedBy: "bo", program: ProgramVersion(program: "7zip", version: "24.08"),
                            tier: .simple, isUpdate: true, price: included),
            try Order.install(id: "o-0003", placedAt: TestPolicies.stockholm("2026-03-05 13:00"), costReference: school,
                              placedBy: "anna", programs: [ProgramVersion(program: "geogebra", version: "6.0.850")],
                              recipients: Recipients(group: RecipientGroup(name: "Class 7B, Vasaskolan", kind: .devices, size: 30)),
                              pricing: pricing),
            try Order.install(id: "o-0004", placedAt: TestPolicies.stockholm("2026-03-12 09:30"), costReference: company,
                              placedBy: "cecilia", profiles: [preschool],
                              recipients: Recipients(users: ["dina", "erik", "dina"]), pricing: pricing),
            // Outside March in Stockholm (00:30 on April 1), and a February order: neither is on the March invoice.
            try Order.install(id: "o-0005", placedAt: TestPolicies.stockholm("2026-04-01 00:30"), costReference: school,
                              placedBy: "anna", programs: [ProgramVersion(program: "vlc", version: "3.0.21")],
                              recipients: Recipients(devices: ["pc-1"]), pricing: pricing),
            try Order.install(id: "o-0000", placedAt: TestPolicies.stockholm("2026-02-27 12:00"), costReference: care,
                              placedBy: "bo", programs: [ProgramVersion(program: "vlc", version: "3.0.21")],
                              recipients: Recipients(devices: ["pc-2"]), pricing: pricing),
        ]
    }
}

@Suite("Orders and invoices")
struct InvoiceTests {
    let month: MarchOrders

    init() throws {
        month = try MarchOrders()
    }

    @Test("a group order: one program to 30 devices is one item of 30 installs")
    func groupOrder() throws {
        let order = try #require(month.orders.first { $0.id == "o-0003" })
        #expect(order.items.count == 1)
        let item = try #require(order.items.first)
        #expect(item.quantity == 30)
        #expect(item.unitPrice == 99)
        #expect(item.amount == 2970)
        #expect(item.description == "Install: geogebra 6.0.850 for 30 devices in group Class 7B, Vasaskolan")
        let line = try #require(month.generator.lines(orders: month.orders, period: month.march).first { $0.orderID == "o-0003" })
        #expect(line.costReference == "140:52120")
        #expect(line.amount == 2970)
    }

    @Test("a profile order orders each of its programs for each user")
    func profileOrder() throws {
        let order = try #require(month.orders.first { $0.id == "o-0004" })
        #expect(order.items.map(\.program) == ["gcompris", "firefox", "vlc"])
        #expect(order.items.allSatisfy { $0.quantity == 2 && $0.amount == 198 && $0.profile == "preschool-teacher" })
        #expect(order.amount == 594)
        let lines = month.generator.lines(orders: month.orders, period: month.march).filter { $0.orderID == "o-0004" }
        #expect(lines.map(\.itemNumber) == [1, 2, 3])
        #expect(lines.allSatisfy { $0.costReference == "ref:Stadshus AB/IT" && $0.item.contains("via profile preschool-teacher") })
    }

    @Test("an order with nobody to install for, or nothing to install, is refused with the reason")
    func refusedOrders() throws {
        let reference = try CostReference(parsing: "140:52120")
        #expect {
            try Order.install(id: "o-9", placedAt: TestPolicies.stockholm("2026-03-01 10:00"), costReference: reference,
                              placedBy: "anna", programs: [ProgramVersion(program: "vlc", version: "3")],
                              recipients: Recipients(), pricing: month.pricing)
        } throws: { ($0 as? ClassificationError)?.code == "order.no-recipients" }
        #expect {
            try Order.install(id: "o-9", placedAt: TestPolicies.stockholm("2026-03-01 10:00"), costReference: reference,
                              placedBy: "anna", profiles: [Profile(id: "empty", programs: [])],
                              recipients: Recipients(users: ["x"]), pricing: month.pricing)
        } throws: { ($0 as? ClassificationError)?.message.contains("profile 'empty' has no programs") == true }
        #expect(throws: ClassificationError.self) {
            try Order.install(id: "o-9", placedAt: TestPolicies.stockholm("2026-03-01 10:00"), costReference: reference,
                              placedBy: "anna", programs: [ProgramVersion(program: "vlc", version: "3")],
                              recipients: Recipients(group: RecipientGroup(name: "huge", kind: .devices, size: Int.max)),
                              pricing: month.pricing)
        }
    }

    @Test("lines and totals per cost reference for a month with several cost references")
    func linesAndTotals() throws {
        let document = month.generator.document(orders: month.orders, period: month.march)
        #expect(document.lines.map(\.orderID) == ["o-0001b", "o-0003", "o-0002", "o-0001", "o-0004", "o-0004", "o-0004"])
        #expect(document.totals.map(\.costReference) == ["140:52120", "310:A7", "ref:Stadshus AB/IT"])
        let school = try #require(document.totals.first)
        #expect(school.net == Decimal(20370))
        #expect(school.vat == Decimal(string: "5092.50"))
        #expect(school.gross == Decimal(string: "25462.50"))
        #expect(document.totals[1].net == 0)
        #expect(document.totals[2].net == 594)
    }

    @Test("CSV: RFC 4180 with a header, line rows, a total row per cost reference, two decimals")
    func csv() throws {
        let document = month.generator.document(orders: month.orders, period: month.march)
        let text = try #require(String(data: month.generator.csv(document), encoding: .utf8))
        #expect(text.hasSuffix("\r\n"))
        let rows = text.components(separatedBy: "\r\n").dropLast()
        #expect(rows.first == InvoiceGenerator.csvHeader.joined(separator: ","))
        #expect(rows.count == 1 + 7 + 3)
        #expect(rows.contains("line,140:52120,o-0003,1,2026-03-05,anna,install,geogebra,6.0.850,\"Install: geogebra 6.0.850 for 30 devices in group Class 7B, Vasaskolan\",30,99.00,2970.00,,,SEK"))
        #expect(rows.contains("total,140:52120,,,,,,,,Total 2026-03 (3 lines),,,20370.00,5092.50,25462.50,SEK"))
        #expect(rows.contains("total,310:A7,,,,,,,,Total 2026-03 (1 line),,,0.00,0.00,0.00,SEK"))
        let parsed = try parseCSV(text)
        #expect(parsed.allSatisfy { $0.count == InvoiceGenerator.csvHeader.count })
        let amountColumn = try #require(InvoiceGenerator.csvHeader.firstIndex(of: "amount"))
        #expect(parsed.dropFirst().allSatisfy { $0[amountColumn].wholeMatch(of: /\d+\.\d\d/) != nil })
        // Line amounts of each reference add up to its total row.
        for total in parsed where total[0] == "total" {
            let sum = parsed.filter { $0[0] == "line" && $0[1] == total[1] }
                .reduce(Decimal(0)) { $0 + (Money.parse($1[amountColumn]) ?? -1) }
            #expect(Money.format(sum) == total[amountColumn])
        }
    }

    @Test("JSON: lines, totals per cost reference, and money as {amount: two-decimal string, currency} objects")
    func json() throws {
        let document = month.generator.document(orders: month.orders, period: month.march)
        let data = try month.generator.json(document)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["period"] as? String == "2026-03")
        #expect(object["currency"] as? String == "SEK")
        #expect(object["vatRate"] as? String == "0.25")
        #expect(object["net"] as? [String: String] == ["amount": "20964.00", "currency": "SEK"])
        let lines = try #require(object["lines"] as? [[String: Any]])
        #expect(lines.count == 7)
        #expect(lines.first?["costReference"] as? String == "140:52120")
        #expect(lines.first?["amount"] as? [String: String] == ["amount": "0.00", "currency": "SEK"])
        #expect(lines.dropFirst().first?["quantity"] as? Int == 30)
        let totals = try #require(object["totals"] as? [[String: Any]])
        #expect(totals.map { $0["costReference"] as? String } == ["140:52120", "310:A7", "ref:Stadshus AB/IT"])
        #expect(totals.last?["gross"] as? [String: String] == ["amount": "742.50", "currency": "SEK"])
    }

    @Test("UBL: one PEPPOL BIS 3 invoice per cost reference that owes, mandatory elements present, lines sum to totals")
    func ubl() throws {
        let document = month.generator.document(orders: month.orders, period: month.march)
        let invoices = try month.generator.ubl(document, parties: MarchOrders.parties, issueDate: TestPolicies.day("2026-04-02"))
        // 310:A7 owes nothing (its packaging was covered by the quota), so it gets no invoice.
        #expect(invoices.map(\.costReference) == ["140:52120", "ref:Stadshus AB/IT"])
        #expect(invoices.map(\.fileName) == ["DEPOT-202603-001.xml", "DEPOT-202603-002.xml"])
        for invoice in invoices {
            let root = try #require(try XMLDocument(data: invoice.xml, options: []).rootElement())
            #expect(root.localName == "Invoice")
            #expect(root.uri == "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2")
            #expect(text(root, "CustomizationID") == "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0")
            #expect(text(root, "ProfileID") == "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0")
            #expect(text(root, "ID") == invoice.invoiceID)
            #expect(text(root, "IssueDate") == "2026-04-02")
            #expect(text(root, "DueDate") == "2026-05-02")
            #expect(text(root, "InvoiceTypeCode") == "380")
            #expect(text(root, "DocumentCurrencyCode") == "SEK")
            #expect(text(root, "BuyerReference") == invoice.costReference)
            for (partyElement, number) in [("AccountingSupplierParty", "2120000142"), ("AccountingCustomerParty", "5566110010")] {
                let party = try #require(child(root, partyElement).flatMap { child($0, "Party") })
                #expect(text(party, "EndpointID") == number)
                #expect(child(party, "EndpointID").flatMap { attribute($0, "schemeID") } == "0007")
                #expect(child(party, "PartyName").flatMap { text($0, "Name") }?.isEmpty == false)
                #expect(child(party, "PostalAddress").flatMap { child($0, "Country") }.flatMap { text($0, "IdentificationCode") } == "SE")
                #expect(child(party, "PartyLegalEntity").flatMap { text($0, "CompanyID") } == number)
            }
            let supplier = try #require(child(root, "AccountingSupplierParty").flatMap { child($0, "Party") })
            let schemes = children(supplier, "PartyTaxScheme").map { scheme in
                [text(scheme, "CompanyID"), child(scheme, "TaxScheme").flatMap { text($0, "ID") }]
            }
            #expect(schemes == [["SE212000014201", "VAT"], ["Godkänd för F-skatt", "TAX"]])

            let taxTotal = try #require(child(root, "TaxTotal"))
            let subtotal = try #require(child(taxTotal, "TaxSubtotal"))
            let category = try #require(child(subtotal, "TaxCategory"))
            #expect(text(category, "ID") == "S")
            #expect(text(category, "Percent") == "25")
            let monetary = try #require(child(root, "LegalMonetaryTotal"))
            let lineExtension = try amount(monetary, "LineExtensionAmount")
            let taxExclusive = try amount(monetary, "TaxExclusiveAmount")
            let taxInclusive = try amount(monetary, "TaxInclusiveAmount")
            let payable = try amount(monetary, "PayableAmount")
            let tax = try amount(taxTotal, "TaxAmount")

            let lines = children(root, "InvoiceLine")
            #expect(!lines.isEmpty)
            var sum = Decimal(0)
            for line in lines {
                let quantity = try #require(child(line, "InvoicedQuantity"))
                #expect(attribute(quantity, "unitCode") == "C62")
                let lineAmount = try amount(line, "LineExtensionAmount")
                let price = try #require(child(line, "Price"))
                let unit = try amount(price, "PriceAmount")
                #expect(unit * (Decimal(string: quantity.stringValue ?? "") ?? -1) == lineAmount)
                let item = try #require(child(line, "Item"))
                #expect(text(item, "Name")?.isEmpty == false)
                #expect(child(item, "ClassifiedTaxCategory").flatMap { text($0, "ID") } == "S")
                sum += lineAmount
            }
            #expect(sum == lineExtension)
            #expect(lineExtension == taxExclusive)
            #expect(try amount(subtotal, "TaxableAmount") == taxExclusive)
            #expect(tax == Money.rounded(taxExclusive * Decimal(string: "0.25")!))
            #expect(taxInclusive == taxExclusive + tax)
            #expect(payable == taxInclusive)
        }
        let school = try #require(invoices.first)
        #expect(String(data: school.xml, encoding: .utf8)?.contains("<cbc:PayableAmount currencyID=\"SEK\">25462.50</cbc:PayableAmount>") == true)
    }

    @Test("UBL with a party number that fails its check digit is refused and names it")
    func badOrganisationNumber() throws {
        var parties = MarchOrders.parties
        parties.customer.organisationNumber = "556611-0012"
        let document = month.generator.document(orders: month.orders, period: month.march)
        #expect {
            try month.generator.ubl(document, parties: parties, issueDate: TestPolicies.day("2026-04-02"))
        } throws: { ($0 as? ClassificationError)?.message.contains("customer organisation number '556611-0012'") == true }
        #expect(throws: ClassificationError.self) { try InvoicePeriod(parsing: "2026-13") }
        #expect(throws: ClassificationError.self) { try InvoicePeriod(parsing: "2026-3") }
        #expect(try InvoicePeriod(parsing: "2026-02").lastDay == TestPolicies.day("2026-02-28"))
    }

    @Test("the same orders in any order give byte-identical JSON, CSV and UBL")
    func byteIdentical() throws {
        let shuffled = [3, 0, 6, 5, 1, 4, 2].map { month.orders[$0] }
        let a = month.generator.document(orders: month.orders, period: month.march)
        let b = month.generator.document(orders: shuffled, period: month.march)
        #expect(try month.generator.json(a) == month.generator.json(b))
        #expect(month.generator.csv(a) == month.generator.csv(b))
        let issue = TestPolicies.day("2026-04-02")
        #expect(try month.generator.ubl(a, parties: MarchOrders.parties, issueDate: issue)
            == month.generator.ubl(b, parties: MarchOrders.parties, issueDate: issue))
        #expect(try month.generator.json(a).count > 500)
    }

    @Test("the UBL parses with Python's xml.etree too, and its totals agree", .enabled(if: Tools.which("python3") != nil))
    func ublWithPython() throws {
        let document = month.generator.document(orders: month.orders, period: month.march)
        let invoice = try #require(try month.generator.ubl(document, parties: MarchOrders.parties,
                                                           issueDate: TestPolicies.day("2026-04-02")).first)
        let script = """
        import sys, xml.etree.ElementTree as ET
        from decimal import Decimal
        ns = {"cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
              "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"}
        root = ET.parse(sys.stdin.buffer).getroot()
        lines = sum(Decimal(e.text) for e in root.findall("cac:InvoiceLine/cbc:LineExtensionAmount", ns))
        total = Decimal(root.find("cac:LegalMonetaryTotal/cbc:LineExtensionAmount", ns).text)
        print(lines == total, root.find("cbc:BuyerReference", ns).text)
        """
        let result = try Tools.run("python3", ["-c", script], stdin: invoice.xml)
        #expect(result.succeeded, "\(result.stderr)")
        #expect(result.stdout == "True 140:52120\n")
    }
}

private func children(_ element: XMLElement, _ name: String) -> [XMLElement] {
    (element.children ?? []).compactMap { $0 as? XMLElement }.filter { $0.localName == name }
}

private func child(_ element: XMLElement, _ name: String) -> XMLElement? {
    children(element, name).first
}

// FoundationXML on Linux does not find attributes by name on namespaced elements; look through the list.
private func attribute(_ element: XMLElement, _ name: String) -> String? {
    (element.attributes ?? []).first { $0.name == name || $0.localName == name }?.stringValue
}

private func text(_ element: XMLElement, _ name: String) -> String? {
    child(element, name)?.stringValue
}

private func amount(_ element: XMLElement, _ name: String) throws -> Decimal {
    let node = try #require(child(element, name))
    #expect(attribute(node, "currencyID") == "SEK")
    let value = try #require(node.stringValue)
    #expect(value.wholeMatch(of: /\d+\.\d\d/) != nil, "\(name) is '\(value)'")
    return try #require(Money.parse(value))
}

/// A strict RFC 4180 reader, so the test does not trust the writer's own quoting.
private func parseCSV(_ text: String) throws -> [[String]] {
    var rows: [[String]] = []
    var row: [String] = []
    var field = ""
    var quoted = false
    var scalars = Array(text.unicodeScalars)[...]
    while let c = scalars.popFirst() {
        if quoted {
            if c == "\"" {
                if scalars.first == "\"" { scalars.removeFirst(); field.unicodeScalars.append("\"") } else { quoted = false }
            } else {
                field.unicodeScalars.append(c)
            }
        } else if c == "\"" {
            quoted = true
        } else if c == "," {
            row.append(field); field = ""
        } else if c == "\r" {
            #expect(scalars.popFirst() == "\n")
            row.append(field); field = ""
            rows.append(row); row = []
        } else {
            field.unicodeScalars.append(c)
        }
    }
    #expect(!quoted)
    return rows
}

