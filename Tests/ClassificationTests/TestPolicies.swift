import Classification
import DepotModel
import DepotPolicy
import Foundation

/// The policies in force, read from the repository's Policies/ so the tests judge the real rules and prices.
enum TestPolicies {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Policies")

    static func classification() throws -> ClassificationPolicy {
        try ClassificationPolicy.load(file: directory.appendingPathComponent(ClassificationPolicy.fileName))
    }

    static func pricing() throws -> PricingPolicy {
        try PricingPolicy.load(file: directory.appendingPathComponent(PricingPolicy.fileName))
    }

    /// An instant given as Stockholm wall-clock time.
    static func stockholm(_ text: String) -> Date {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = Pricing.stockholm
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.date(from: text) ?? Date(timeIntervalSince1970: 0)
    }

    static func day(_ text: String) -> CalendarDate {
        CalendarDate(text) ?? CalendarDate(daysSinceEpoch: 0)
    }
}
