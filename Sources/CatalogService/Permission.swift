import DepotModel

/// Every action that needs a role, and the roles that may take it: the one place where roles are checked.
public enum Permission: String, Sendable, CaseIterable {
    case readCatalog = "read the catalog"
    case manageCatalog = "import or export the catalog"
    case manageUsers = "manage users"
    case readAudit = "read the audit log"
    case submit = "submit installers"
    case readSubmissions = "read submissions"
    case readReviews = "read licence reviews"
    case decideLicences = "decide licence reviews"
    case manageEntitlements = "manage licence entitlements"
    case readEntitlements = "read licence entitlements"
    case classify = "classify packagings"
    case placeOrders = "order programs"
    case requestPackaging = "request the packaging of a catalogued program"
    case decideReclassification = "decide reclassification requests"
    case readOrders = "read orders"
    case readInvoices = "read invoices"
    case manageKeys = "create or rotate signing keys"
    case testPackages = "record package tests"
    case signPackages = "sign packages"
    case publish = "publish the signed catalog"
    case manageSchools = "manage schools and their whitelists"
    case collectInstalls = "collect the edu server's installs"
    case manageUpstream = "record upstream releases"
    case refuseVersions = "refuse versions"
    case scheduleUpgrades = "schedule upgrades"
    case prune = "retire, restore and purge versions"
    case readLifecycle = "read currency, schedules and prune plans"

    /// The roles that hold this permission. `admin` is listed explicitly where it applies.
    public var roles: Set<Role> {
        switch self {
        case .readCatalog: Set(Role.allCases)
        case .manageCatalog: [.admin, .releaseManager]
        case .manageUsers: [.admin]
        case .readAudit: [.auditor, .admin]
        case .submit: [.packager, .admin]
        case .readSubmissions: [.packager, .licenceReviewer, .signer, .releaseManager, .auditor, .admin]
        case .readReviews: [.packager, .licenceReviewer, .signer, .auditor, .admin]
        case .decideLicences: [.licenceReviewer, .admin]
        case .manageEntitlements: [.finance, .admin]
        case .readEntitlements: [.finance, .licenceReviewer, .auditor, .admin]
        case .classify: [.packager, .admin]
        case .placeOrders: [.packager, .schoolAdmin, .admin]
        case .requestPackaging: [.packager, .schoolAdmin, .releaseManager, .licenceReviewer, .finance, .admin]
        case .decideReclassification: [.finance, .releaseManager, .admin]
        case .readOrders: [.packager, .schoolAdmin, .finance, .auditor, .admin]
        case .readInvoices: [.finance, .auditor, .admin]
        case .manageKeys: [.admin]
        case .testPackages: [.packager, .signer, .releaseManager, .admin]
        case .signPackages: [.signer, .admin]
        case .publish: [.signer, .releaseManager, .admin]
        case .manageSchools: [.schoolAdmin, .admin]
        case .collectInstalls: [.finance, .releaseManager, .admin]
        case .manageUpstream, .refuseVersions, .scheduleUpgrades, .prune: [.releaseManager, .admin]
        case .readLifecycle: Set(Role.allCases)
        }
    }
}

extension DepotUser {
    /// Throws a `forbidden` error that names the user, their role and the roles that would do.
    public func require(_ permission: Permission) throws {
        guard permission.roles.contains(role) else {
            let allowed = Role.allCases.filter { permission.roles.contains($0) }.map(\.rawValue).joined(separator: " or ")
            throw ServiceError(.forbidden, code: "auth.role",
                "\(name) is a \(role.rawValue); to \(permission.rawValue) you need the role \(allowed)")
        }
    }
}
