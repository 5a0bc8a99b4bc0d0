/// Rules that decide whether packaging a program is simple or complex work (`classification.yaml`).
/// Every rule whose conditions all hold fires; the highest tier among them wins, and each fired rule's
/// reason is shown to the packager.
public struct ClassificationPolicy: PolicyDocument, Codable {
    public static let fileName = "classification.yaml"

    /// The tier when no rule fires.
    public var defaultTier: PackagingTier
    /// In file order, which is the order reasons are listed.
    public var rules: [ClassificationRule]

    /// Builds a policy in code.
    public init(defaultTier: PackagingTier = .simple, rules: [ClassificationRule]) {
        self.defaultTier = defaultTier
        self.rules = rules
    }

    public static func read(from root: PolicyValue) -> ClassificationPolicy? {
        root.mapping { m in
            let defaultTier = m.required("defaultTier")?.choice(PackagingTier.self, "a tier")
            var seenIDs: [String: Int?] = [:]
            let rules = m.required("rules")?.list { item in
                item.mapping { r -> ClassificationRule? in
                    let idValue = r.required("id")
                    let id = idValue?.identifier("a rule id")
                    if let id, let idValue {
                        if let line = seenIDs[id] {
                            idValue.report("rule id '\(id)' is already used" + (line.map { " on line \($0)" } ?? "") + "; ids must be unique")
                        }
                        seenIDs[id] = idValue.line
                    }
                    let conditions = r.required("when")?.mapping { c -> [ClassificationCondition]? in
                        let read = ClassificationCondition.read(from: c)
                        if c.keys.isEmpty { c.value.report("a rule needs at least one condition under 'when'") }
                        return read
                    }
                    let tier = r.required("tier")?.choice(PackagingTier.self, "a tier")
                    let reason = r.required("reason")?.string("a reason in words a packager understands")
                    guard let id, let conditions, !conditions.isEmpty, let tier, let reason else { return nil }
                    return ClassificationRule(id: id, conditions: conditions, tier: tier, reason: reason)
                }
            }
            guard let defaultTier, let rules else { return nil }
            return ClassificationPolicy(defaultTier: defaultTier, rules: rules)
        }
    }
}

/// How much work packaging is, which sets its price.
public enum PackagingTier: String, Sendable, Codable, CodingKeyRepresentable, CaseIterable, Comparable {
    case simple
    case complex

    public static func < (lhs: PackagingTier, rhs: PackagingTier) -> Bool {
        lhs == .simple && rhs == .complex
    }
}

/// One named rule: when all its conditions hold, the package is at least `tier`, for `reason`.
public struct ClassificationRule: Sendable, Equatable, Codable {
    /// Stable name of the rule, shown with its reason.
    public var id: String
    /// All must hold for the rule to fire.
    public var conditions: [ClassificationCondition]
    /// The tier the package gets at least when the rule fires.
    public var tier: PackagingTier
    /// Shown to the packager verbatim.
    public var reason: String

    /// Builds a rule in code.
    public init(id: String, conditions: [ClassificationCondition], tier: PackagingTier, reason: String) {
        self.id = id
        self.conditions = conditions
        self.tier = tier
        self.reason = reason
    }
}

/// The fixed vocabulary of facts a rule may test. Counts come from inspection (MSI tables, PE readers);
/// the yes/no facts a packager confirms when submitting.
public enum ClassificationCondition: Sendable, Equatable, Codable {
    /// The installer type (`msi`, `exe`, `nsis`, …) is one of these.
    case installerTypeIn([String])
    /// At least this many custom actions of any type.
    case customActionsAtLeast(Int)
    /// At least this many Windows services installed.
    case servicesAtLeast(Int)
    /// At least this many drivers installed.
    case driversAtLeast(Int)
    /// The installer schedules or forces a reboot (true), or does not (false).
    case schedulesReboot(Bool)
    /// No silent-install switch is known (true), or one is (false).
    case noSilentSwitch(Bool)
    /// Settings must be written per user profile, not per machine.
    case perUserConfiguration(Bool)
    /// The program must be activated with a licence key or an account.
    case licenceActivation(Bool)
    /// At least this many other programs or runtimes must be installed first.
    case dependenciesAtLeast(Int)
    /// At least this many separately installed components (a suite, a bundle).
    case componentsAtLeast(Int)
    /// The packaging updates a program already in the catalog (true) or adds a new one (false).
    case isUpdate(Bool)

    /// The YAML key of each condition, in the order documented in `classification.yaml`.
    public static let keys = [
        "installerTypeIn", "customActionsAtLeast", "servicesAtLeast", "driversAtLeast", "schedulesReboot",
        "noSilentSwitch", "perUserConfiguration", "licenceActivation", "dependenciesAtLeast",
        "componentsAtLeast", "isUpdate",
    ]

    /// Installer types as inspection reports them (see `InstallerFacts.installerType`).
    public static let installerTypes = [
        "msix", "nupkg", "wheel", "jar", "crx", "deb", "rpm", "pkg", "portable",
        "msi", "nsis", "inno", "burn", "installshield", "exe",
    ]

    /// The condition's key as written in YAML.
    public var key: String {
        switch self {
        case .installerTypeIn: "installerTypeIn"
        case .customActionsAtLeast: "customActionsAtLeast"
        case .servicesAtLeast: "servicesAtLeast"
        case .driversAtLeast: "driversAtLeast"
        case .schedulesReboot: "schedulesReboot"
        case .noSilentSwitch: "noSilentSwitch"
        case .perUserConfiguration: "perUserConfiguration"
        case .licenceActivation: "licenceActivation"
        case .dependenciesAtLeast: "dependenciesAtLeast"
        case .componentsAtLeast: "componentsAtLeast"
        case .isUpdate: "isUpdate"
        }
    }

    static func read(from c: PolicyMapping) -> [ClassificationCondition] {
        var result: [ClassificationCondition] = []
        for key in keys {
            guard let value = c.optional(key) else { continue }
            let condition: ClassificationCondition?
            switch key {
            case "installerTypeIn":
                condition = value.list { item -> String? in
                    guard let text = item.rawText, installerTypes.contains(text) else {
                        item.expected("an installer type: one of \(installerTypes.joined(separator: ", "))",
                                      hint: Suggestion.nearest(to: item.rawText ?? "", in: installerTypes).map { "did you mean '\($0)'?" })
                        return nil
                    }
                    return text
                }
                .flatMap { types -> ClassificationCondition? in
                    guard !value.isEmptyList else {
                        value.expected("a list of at least one installer type")
                        return nil
                    }
                    return types.isEmpty ? nil : .installerTypeIn(types)
                }
            case "customActionsAtLeast": condition = value.int(in: 1...100_000, "a count").map(Self.customActionsAtLeast)
            case "servicesAtLeast": condition = value.int(in: 1...100_000, "a count").map(Self.servicesAtLeast)
            case "driversAtLeast": condition = value.int(in: 1...100_000, "a count").map(Self.driversAtLeast)
            case "dependenciesAtLeast": condition = value.int(in: 1...100_000, "a count").map(Self.dependenciesAtLeast)
            case "componentsAtLeast": condition = value.int(in: 1...100_000, "a count").map(Self.componentsAtLeast)
            case "schedulesReboot": condition = value.bool().map(Self.schedulesReboot)
            case "noSilentSwitch": condition = value.bool().map(Self.noSilentSwitch)
            case "perUserConfiguration": condition = value.bool().map(Self.perUserConfiguration)
            case "licenceActivation": condition = value.bool().map(Self.licenceActivation)
            case "isUpdate": condition = value.bool().map(Self.isUpdate)
            default: condition = nil
            }
            if let condition { result.append(condition) }
        }
        return result
    }
}

extension ClassificationCondition {
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    // Encoded as in the YAML, `{"driversAtLeast": 1}`, so JSON dumps of the policy read like the file.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        let key = Key(stringValue: self.key)
        switch self {
        case let .installerTypeIn(types): try container.encode(types, forKey: key)
        case let .customActionsAtLeast(n), let .servicesAtLeast(n), let .driversAtLeast(n),
             let .dependenciesAtLeast(n), let .componentsAtLeast(n):
            try container.encode(n, forKey: key)
        case let .schedulesReboot(flag), let .noSilentSwitch(flag), let .perUserConfiguration(flag),
             let .licenceActivation(flag), let .isUpdate(flag):
            try container.encode(flag, forKey: key)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        guard container.allKeys.count == 1, let key = container.allKeys.first else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                debugDescription: "expected one condition such as {\"driversAtLeast\": 1}"))
        }
        switch key.stringValue {
        case "installerTypeIn": self = .installerTypeIn(try container.decode([String].self, forKey: key))
        case "customActionsAtLeast": self = .customActionsAtLeast(try container.decode(Int.self, forKey: key))
        case "servicesAtLeast": self = .servicesAtLeast(try container.decode(Int.self, forKey: key))
        case "driversAtLeast": self = .driversAtLeast(try container.decode(Int.self, forKey: key))
        case "dependenciesAtLeast": self = .dependenciesAtLeast(try container.decode(Int.self, forKey: key))
        case "componentsAtLeast": self = .componentsAtLeast(try container.decode(Int.self, forKey: key))
        case "schedulesReboot": self = .schedulesReboot(try container.decode(Bool.self, forKey: key))
        case "noSilentSwitch": self = .noSilentSwitch(try container.decode(Bool.self, forKey: key))
        case "perUserConfiguration": self = .perUserConfiguration(try container.decode(Bool.self, forKey: key))
        case "licenceActivation": self = .licenceActivation(try container.decode(Bool.self, forKey: key))
        case "isUpdate": self = .isUpdate(try container.decode(Bool.self, forKey: key))
        default:
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                debugDescription: "unknown condition '\(key.stringValue)'; use one of \(Self.keys.joined(separator: ", "))"))
        }
    }
}
