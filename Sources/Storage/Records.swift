import DepotModel
import Foundation
import GRDB

/// A program in the catalog: what users order, independent of its versions.
public struct ProgramRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "program"
    public var id: Int64?
    public var slug: String
    public var name: String
    public var publisher: String
    public var category: String
    public var baseline: Bool
    public var environments: [String]
    public var versionScheme: String
    public var installerType: String?
    public var silentSwitch: String?
    public var homepage: String?
    public var description: String?
    public var createdAt: String
    public var updatedAt: String

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let slug = Column(CodingKeys.slug)
    }

    public static let versions = hasMany(PackageVersionRecord.self)

    public init(id: Int64? = nil, slug: String, name: String, publisher: String, category: String, baseline: Bool,
                environments: [String], versionScheme: String, installerType: String?, silentSwitch: String?,
                homepage: String?, description: String?, createdAt: String, updatedAt: String) {
        self.id = id
        self.slug = slug
        self.name = name
        self.publisher = publisher
        self.category = category
        self.baseline = baseline
        self.environments = environments
        self.versionScheme = versionScheme
        self.installerType = installerType
        self.silentSwitch = silentSwitch
        self.homepage = homepage
        self.description = description
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// One version (and variant) of a program, with its place in the pipeline.
public struct PackageVersionRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "packageVersion"
    public var id: Int64?
    public var programId: Int64
    public var version: String
    public var variant: String
    public var state: PackageState
    public var released: String?
    public var licence: String?
    public var platforms: [String]
    public var architectures: [String]
    public var installerType: String?
    public var sha256: String?
    public var size: Int64?
    public var origin: String
    public var createdAt: String
    public var updatedAt: String
    /// `admin`, `edu` or `both` once a licence reviewer approved it; nil before.
    public var licenceScope: String?

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let programId = Column(CodingKeys.programId)
        public static let version = Column(CodingKeys.version)
        public static let state = Column(CodingKeys.state)
        public static let sha256 = Column(CodingKeys.sha256)
    }

    public static let program = belongsTo(ProgramRecord.self)

    public init(id: Int64? = nil, programId: Int64, version: String, variant: String = "", state: PackageState,
                released: String?, licence: String?, platforms: [String], architectures: [String],
                installerType: String?, sha256: String? = nil, size: Int64? = nil, origin: String,
                createdAt: String, updatedAt: String, licenceScope: String? = nil) {
        self.licenceScope = licenceScope
        self.id = id
        self.programId = programId
        self.version = version
        self.variant = variant
        self.state = state
        self.released = released
        self.licence = licence
        self.platforms = platforms
        self.architectures = architectures
        self.installerType = installerType
        self.sha256 = sha256
        self.size = size
        self.origin = origin
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension PackageState: DatabaseValueConvertible {}

/// A person or process that acts on the catalog.
public struct UserRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "user"
    public var id: Int64?
    public var name: String
    public var role: Role
    public var school: String?
    public var createdAt: String
    /// Set while the user is disabled: their tokens, portal sessions and calendar feed stop working.
    public var disabledAt: String?
    /// The secret of the user's private calendar-feed URL, nil until first asked for.
    public var calendarSecret: String?

    public enum Columns {
        public static let name = Column(CodingKeys.name)
        public static let calendarSecret = Column(CodingKeys.calendarSecret)
    }

    public init(id: Int64? = nil, name: String, role: Role, school: String?, createdAt: String, disabledAt: String? = nil,
                calendarSecret: String? = nil) {
        self.id = id
        self.name = name
        self.role = role
        self.school = school
        self.createdAt = createdAt
        self.disabledAt = disabledAt
        self.calendarSecret = calendarSecret
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension Role: DatabaseValueConvertible {}

/// An API token, kept only as its SHA-256.
public struct APITokenRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "apiToken"
    public var id: Int64?
    public var userId: Int64
    public var tokenHash: String
    public var createdAt: String
    public var lastUsedAt: String?
    /// Set once the token is revoked; it never works again.
    public var revokedAt: String?

    public enum Columns {
        public static let tokenHash = Column(CodingKeys.tokenHash)
        public static let userId = Column(CodingKeys.userId)
    }

    public init(id: Int64? = nil, userId: Int64, tokenHash: String, createdAt: String, lastUsedAt: String? = nil, revokedAt: String? = nil) {
        self.id = id
        self.userId = userId
        self.tokenHash = tokenHash
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A named bundle of programs for one kind of user ("case officer", "preschool teacher").
public struct ProfileRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "profile"
    public var id: Int64?
    public var slug: String
    public var name: String
    public var description: String
    public var environment: String
    public var programs: [String]

    public enum Columns {
        public static let slug = Column(CodingKeys.slug)
    }

    public init(id: Int64? = nil, slug: String, name: String, description: String, environment: String, programs: [String]) {
        self.id = id
        self.slug = slug
        self.name = name
        self.description = description
        self.environment = environment
        self.programs = programs
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// One installer as a packager handed it in: its bytes (by hash), what intake read, and the version it became.
public struct SubmissionRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "submission"
    public var id: Int64?
    public var sha256: String
    public var fileName: String
    public var size: Int64
    public var submitter: String
    public var submittedAt: String
    public var facts: InstallerFacts?
    public var error: String?
    public var quarantined: Bool
    public var costReference: String?
    public var packageVersionId: Int64?

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let sha256 = Column(CodingKeys.sha256)
    }

    public init(id: Int64? = nil, sha256: String, fileName: String, size: Int64, submitter: String, submittedAt: String,
                facts: InstallerFacts?, error: String?, quarantined: Bool, costReference: String?, packageVersionId: Int64?) {
        self.id = id
        self.sha256 = sha256
        self.fileName = fileName
        self.size = size
        self.submitter = submitter
        self.submittedAt = submittedAt
        self.facts = facts
        self.error = error
        self.quarantined = quarantined
        self.costReference = costReference
        self.packageVersionId = packageVersionId
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A licence review of one package version: what Depot read, what policy says, and the human decision.
public struct LicenceReviewRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "licenceReview"
    public var id: Int64?
    public var packageVersionId: Int64
    public var submissionId: Int64?
    public var declared: String?
    public var expression: String?
    public var detection: String
    public var adminOutcome: String
    public var eduOutcome: String
    public var policyReasons: [String]
    public var decision: String?
    public var scope: String?
    public var conditions: [String]?
    public var reason: String?
    public var decidedBy: String?
    public var decidedAt: String?
    public var createdAt: String
    /// The licence expression the reviewer concluded, when detection missed it or got it wrong; `expression`
    /// keeps what was detected (as ScanCode and ORT keep detected and concluded licences apart).
    public var concluded: String? = nil
    /// JSON array of the licence texts found in the package: `{"path", "sha256", "lines"}`, each stored as a blob
    /// in the plain-text form the detector read (so match line numbers point into it).
    public var texts: String? = nil

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let decision = Column(CodingKeys.decision)
        public static let packageVersionId = Column(CodingKeys.packageVersionId)
    }

    public init(id: Int64? = nil, packageVersionId: Int64, submissionId: Int64?, declared: String?, expression: String?,
                detection: String, adminOutcome: String, eduOutcome: String, policyReasons: [String], decision: String? = nil,
                scope: String? = nil, conditions: [String]? = nil, reason: String? = nil, decidedBy: String? = nil,
                decidedAt: String? = nil, createdAt: String) {
        self.id = id
        self.packageVersionId = packageVersionId
        self.submissionId = submissionId
        self.declared = declared
        self.expression = expression
        self.detection = detection
        self.adminOutcome = adminOutcome
        self.eduOutcome = eduOutcome
        self.policyReasons = policyReasons
        self.decision = decision
        self.scope = scope
        self.conditions = conditions
        self.reason = reason
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
        self.createdAt = createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// Seats the city owns for a program that is licensed per seat.
public struct EntitlementRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "entitlement"
    public var id: Int64?
    public var programId: Int64
    public var seats: Int
    public var costReference: String?
    public var expires: String?
    public var createdBy: String
    public var createdAt: String

    public enum Columns {
        public static let programId = Column(CodingKeys.programId)
    }

    public init(id: Int64? = nil, programId: Int64, seats: Int, costReference: String?, expires: String?, createdBy: String, createdAt: String) {
        self.id = id
        self.programId = programId
        self.seats = seats
        self.costReference = costReference
        self.expires = expires
        self.createdBy = createdBy
        self.createdAt = createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// Seats taken by an install (an order or a school self-install).
public struct SeatUseRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "seatUse"
    public var id: Int64?
    public var programId: Int64
    public var quantity: Int
    public var reference: String
    public var usedBy: String
    public var at: String

    public enum Columns {
        public static let programId = Column(CodingKeys.programId)
    }

    public init(id: Int64? = nil, programId: Int64, quantity: Int, reference: String, usedBy: String, at: String) {
        self.id = id
        self.programId = programId
        self.quantity = quantity
        self.reference = reference
        self.usedBy = usedBy
        self.at = at
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// How complex one packaging is, why, and what it costs.
public struct ClassificationRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "classification"
    public var id: Int64?
    public var packageVersionId: Int64
    public var tier: String
    public var reasons: [String]
    public var rules: [String]
    /// The price as JSON, written by the pricing rules (amounts as exact decimals).
    public var price: String
    public var positionInMonth: Int
    public var classifiedBy: String
    public var classifiedAt: String

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let packageVersionId = Column(CodingKeys.packageVersionId)
    }

    public init(id: Int64? = nil, packageVersionId: Int64, tier: String, reasons: [String], rules: [String], price: String,
                positionInMonth: Int, classifiedBy: String, classifiedAt: String) {
        self.id = id
        self.packageVersionId = packageVersionId
        self.tier = tier
        self.reasons = reasons
        self.rules = rules
        self.price = price
        self.positionInMonth = positionInMonth
        self.classifiedBy = classifiedBy
        self.classifiedAt = classifiedAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// An install order as placed: who, when, who pays, where, and the priced order itself as JSON.
public struct InstallOrderRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "installOrder"
    public var id: Int64?
    public var placedAt: String
    public var placedBy: String
    public var costReference: String
    public var environment: String
    public var body: String

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let placedAt = Column(CodingKeys.placedAt)
    }

    public init(id: Int64? = nil, placedAt: String, placedBy: String, costReference: String, environment: String, body: String) {
        self.id = id
        self.placedAt = placedAt
        self.placedBy = placedBy
        self.costReference = costReference
        self.environment = environment
        self.body = body
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A packager's request to change a classification's tier, and a second person's decision on it.
public struct ReclassificationRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "reclassification"
    public var id: Int64?
    public var classificationId: Int64
    public var fromTier: String
    public var toTier: String
    public var reason: String
    public var requestedBy: String
    public var requestedAt: String
    public var decision: String?
    public var decisionReason: String?
    public var decidedBy: String?
    public var decidedAt: String?

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let classificationId = Column(CodingKeys.classificationId)
        public static let decision = Column(CodingKeys.decision)
    }

    public init(id: Int64? = nil, classificationId: Int64, fromTier: String, toTier: String, reason: String,
                requestedBy: String, requestedAt: String) {
        self.id = id
        self.classificationId = classificationId
        self.fromTier = fromTier
        self.toTier = toTier
        self.reason = reason
        self.requestedBy = requestedBy
        self.requestedAt = requestedAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
