import Classification
import DepotModel
import DepotPolicy
import Foundation
import GRDB
import Storage

/// What intake cannot see and the packager knows; every answer defaults to the simple case.
public struct PackagingAnswers: Sendable, Equatable {
    public var perUserConfiguration: Bool
    public var licenceActivation: Bool
    public var dependencies: Int
    public var components: Int

    public init(perUserConfiguration: Bool = false, licenceActivation: Bool = false, dependencies: Int = 0, components: Int = 1) {
        self.perUserConfiguration = perUserConfiguration
        self.licenceActivation = licenceActivation
        self.dependencies = dependencies
        self.components = components
    }
}

/// A packaging's classification as packagers and finance see it.
public struct ClassificationView: Codable, Sendable, Equatable {
    public var submission: Int64
    public var program: String
    public var version: String
    public var state: PackageState
    /// `simple` or `complex`.
    public var tier: String
    /// Every rule that fired, in words.
    public var reasons: [String]
    public var price: Price
    public var includedInQuota: Bool
    public var positionInMonth: Int
    public var classifiedBy: String
    public var classifiedAt: String
}

extension CatalogService {
    /// Classifies a licence-approved packaging as simple or complex by the rules in Policies/classification.yaml,
    /// prices it from the price list in force on its submission day (the month's first N are included), and
    /// moves it to `classified`. Classifying again shows the stored result and changes nothing.
    public func classify(submission id: Int64, answers: PackagingAnswers = PackagingAnswers(),
                         by actor: DepotUser) async throws -> ClassificationView {
        try actor.require(.classify)
        guard let policies else {
            throw ServiceError(.internal, code: "classify.no-policy",
                "no policies are loaded; run Depot where Policies/ is, or pass --policies DIR")
        }
        let stamp = nowString
        let at = now
        let timeZone = Pricing.stockholm
        return try await database.writer.write { db in
            guard let submission = try SubmissionRecord.fetchOne(db, key: id) else {
                throw ServiceError(.notFound, code: "submission.unknown", "there is no submission \(id); 'depot submissions list' shows them")
            }
            guard let versionId = submission.packageVersionId, let facts = submission.facts,
                  var version = try PackageVersionRecord.fetchOne(db, key: versionId) else {
                throw ServiceError(.refused, code: "classify.quarantined", "submission \(id) is quarantined; it can never be classified")
            }
            if let existing = try ClassificationRecord.filter(ClassificationRecord.Columns.packageVersionId == versionId).fetchOne(db) {
                return try Self.classificationView(db, existing, submission: submission, version: version)
            }
            guard version.state == .licenceApproved else {
                let next = version.state == .inspected
                    ? "its licence must be approved first ('depot reviews decide')"
                    : "only a licence-approved version is classified"
                throw ServiceError(.conflict, code: "classify.state", "submission \(id) is \(version.state.rawValue); \(next)")
            }
            let isUpdate = try PackageVersionRecord
                .filter(PackageVersionRecord.Columns.programId == version.programId && PackageVersionRecord.Columns.id != versionId)
                .fetchCount(db) > 0
            let input = ClassificationInput(facts: facts, isUpdate: isUpdate, perUserConfiguration: answers.perUserConfiguration,
                                            licenceActivation: answers.licenceActivation, dependencies: answers.dependencies,
                                            components: answers.components)
            let result = Classifier(policy: policies.classification).classify(input)
            // The month's packagings count in order of submission: every submission that was not quarantined.
            let entries = try SubmissionRecord.filter(Column("quarantined") == false).fetchAll(db).compactMap { s -> QuotaEntry? in
                guard let when = Timestamp.parse(s.submittedAt) else { return nil }
                return QuotaEntry(id: String(format: "%012lld", s.id!), submittedAt: when)
            }
            let pricing = Pricing(policy: policies.pricing, timeZone: timeZone)
            let position = pricing.positionsInMonth(entries)[String(format: "%012lld", id)] ?? 1
            let submittedAt = Timestamp.parse(submission.submittedAt) ?? at
            let price = try pricing.quote(tier: result.tier, isUpdate: isUpdate, submittedAt: submittedAt, positionInMonth: position)
            var record = ClassificationRecord(
                packageVersionId: versionId, tier: result.tier.rawValue, reasons: result.reasons, rules: result.rules,
                price: Snapshot.json(price), positionInMonth: position, classifiedBy: actor.name, classifiedAt: stamp)
            try record.insert(db)
            version.state = .classified
            version.updatedAt = stamp
            try version.update(db)
            let view = try Self.classificationView(db, record, submission: submission, version: version)
            try AuditLog.append(db, at: at, actor: actor.name, action: "package.classify", subject: "submission:\(id)",
                                before: Snapshot.json(["state": PackageState.licenceApproved.rawValue]), after: Snapshot.json(view))
            return view
        }
    }

    static func classificationView(_ db: Database, _ record: ClassificationRecord, submission: SubmissionRecord,
                                   version: PackageVersionRecord) throws -> ClassificationView {
        let program = try String.fetchOne(db, sql: "SELECT slug FROM program WHERE id = ?", arguments: [version.programId]) ?? "?"
        guard let price = try? JSONDecoder().decode(Price.self, from: Data(record.price.utf8)) else {
            throw ServiceError(.internal, code: "classify.price", "the stored price of submission \(submission.id ?? 0) cannot be read")
        }
        return ClassificationView(
            submission: submission.id!, program: program, version: version.version, state: version.state, tier: record.tier,
            reasons: record.reasons, price: price, includedInQuota: price.includedInQuota, positionInMonth: record.positionInMonth,
            classifiedBy: record.classifiedBy, classifiedAt: record.classifiedAt)
    }
}
