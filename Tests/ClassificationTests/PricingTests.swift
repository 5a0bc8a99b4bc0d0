import Classification
import DepotModel
import DepotPolicy
import Foundation
import Testing

@Suite("Pricing")
struct PricingTests {
    let pricing: Pricing

    init() throws {
        pricing = Pricing(policy: try TestPolicies.pricing())
    }

    @Test("the 14th packaging of a month is included, the 15th is charged")
    func monthlyQuotaBoundary() throws {
        let day = TestPolicies.day("2026-03-10")
        let list = try pricing.priceList(on: day)
        #expect(list.includedPerMonth == 14)
        let last = try pricing.quote(tier: .complex, isUpdate: false, submittedAt: day, positionInMonth: 14)
        #expect(last.includedInQuota)
        #expect(last.amount == 0)
        #expect(last.unitPrice == 17400)
        let next = try pricing.quote(tier: .complex, isUpdate: false, submittedAt: day, positionInMonth: 15)
        #expect(!next.includedInQuota)
        #expect(next.amount == 17400)
        #expect(next.currency == "SEK")
        #expect(next.vatRate == Decimal(string: "0.25"))
        let update = try pricing.quote(tier: .simple, isUpdate: true, submittedAt: day, positionInMonth: 15)
        #expect(update.amount == 1650)
    }

    @Test("positions are counted per calendar month in order of submission, whatever the input order")
    func positionsInMonth() {
        var entries: [QuotaEntry] = []
        for n in 1...16 {
            entries.append(QuotaEntry(id: "s\(n)", submittedAt: TestPolicies.stockholm("2026-03-\(n < 10 ? "0" : "")\(n) 09:00")))
        }
        // Past midnight in Stockholm but still March 31 in UTC: counts for April.
        entries.append(QuotaEntry(id: "april-1", submittedAt: TestPolicies.stockholm("2026-04-01 00:30")))
        // The same second as s3: the id breaks the tie.
        entries.append(QuotaEntry(id: "s3b", submittedAt: TestPolicies.stockholm("2026-03-03 09:00")))
        let positions = pricing.positionsInMonth(entries.reversed())
        #expect(positions["s1"] == 1)
        #expect(positions["s3"] == 3)
        #expect(positions["s3b"] == 4)
        #expect(positions["s16"] == 17)
        #expect(positions["april-1"] == 1)
    }

    @Test("a new price list applies from its effective date, never before")
    func priceChangeOnEffectiveDate() throws {
        let before = try pricing.quote(tier: .simple, isUpdate: false, submittedAt: TestPolicies.day("2025-12-31"), positionInMonth: 20)
        #expect(before.amount == 4200)
        #expect(before.priceListEffectiveFrom == TestPolicies.day("2025-01-01"))
        let on = try pricing.quote(tier: .simple, isUpdate: false, submittedAt: TestPolicies.day("2026-01-01"), positionInMonth: 20)
        #expect(on.amount == 4350)
        #expect(on.priceListEffectiveFrom == TestPolicies.day("2026-01-01"))
        // The day is the city's: 23:30 UTC on New Year's Eve is already 2026 in Stockholm.
        let instant = try #require(ISO8601DateFormatter().date(from: "2025-12-31T23:30:00Z"))
        let stockholm = try pricing.quote(tier: .simple, isUpdate: false, submittedAt: instant, positionInMonth: 20)
        #expect(stockholm.amount == 4350)
        // And the quota too: 2025 covers 12, 2026 covers 14.
        let thirteenth2025 = try pricing.quote(tier: .simple, isUpdate: false, submittedAt: TestPolicies.day("2025-12-31"), positionInMonth: 13)
        let thirteenth2026 = try pricing.quote(tier: .simple, isUpdate: false, submittedAt: TestPolicies.day("2026-01-01"), positionInMonth: 13)
        #expect(!thirteenth2025.includedInQuota)
        #expect(thirteenth2026.includedInQuota)
    }

    @Test("before the first price list, and for a position below 1, the quote is refused with the reason")
    func refusals() {
        #expect {
            try pricing.quote(tier: .simple, isUpdate: false, submittedAt: TestPolicies.day("2024-12-31"), positionInMonth: 1)
        } throws: { error in
            let e = error as? ClassificationError
            return e?.code == "pricing.no-list" && e?.message.contains("2025-01-01") == true
        }
        #expect(throws: ClassificationError.self) {
            try pricing.quote(tier: .simple, isUpdate: false, submittedAt: TestPolicies.day("2026-01-01"), positionInMonth: 0)
        }
        #expect(throws: ClassificationError.self) {
            try pricing.quoteInstall(quantity: 0, orderedOn: TestPolicies.day("2026-01-01"))
        }
    }

    @Test("installs are priced per device or user from the list in force")
    func installPrice() throws {
        let old = try pricing.quoteInstall(quantity: 30, orderedOn: TestPolicies.day("2025-06-01"))
        #expect(old.amount == 2850)
        let new = try pricing.quoteInstall(quantity: 30, orderedOn: TestPolicies.day("2026-06-01"))
        #expect(new.unitPrice == 99)
        #expect(new.amount == 2970)
        #expect(new.quantity == 30)
    }

    @Test("amounts print with two decimals and a point, exactly")
    func moneyFormatting() {
        #expect(Money.format(1234.5) == "1234.50")
        #expect(Money.format(0) == "0.00")
        #expect(Money.format(Decimal(string: "0.005") ?? 0) == "0.01")
        #expect(Money.format(Decimal(string: "-2.5") ?? 0) == "-2.50")
        #expect(Money.format(Decimal(string: "99999999999.99") ?? 0) == "99999999999.99")
        #expect(Money.format(Decimal(string: "4350") ?? 0 * 30) == "4350.00")
        #expect(Money.plain(Decimal(string: "0.25") ?? 0) == "0.25")
        #expect(Money.plain(25) == "25")
        #expect(Money.parse("1250.50") == Decimal(string: "1250.50"))
        #expect(Money.parse("1,5") == nil)
        #expect(Money.parse("1.505") == nil)
    }
}
