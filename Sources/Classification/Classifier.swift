import DepotModel
import DepotPolicy

/// Everything the rules look at: what intake read in the installer, and what only the packager knows.
public struct ClassificationInput: Sendable, Codable, Equatable {
    /// What intake read in the installer.
    public var facts: InstallerFacts
    /// The packaging is a new version of a program already in the catalog.
    public var isUpdate: Bool
    /// Settings must be written into each user's profile.
    public var perUserConfiguration: Bool
    /// The program must be activated with a licence key or an account.
    public var licenceActivation: Bool
    /// Other programs or runtimes that must be installed first.
    public var dependencies: Int
    /// Separately installed parts (a suite); 1 for an ordinary program.
    public var components: Int

    /// Builds an input; counts below zero are read as zero.
    public init(facts: InstallerFacts, isUpdate: Bool = false, perUserConfiguration: Bool = false,
                licenceActivation: Bool = false, dependencies: Int = 0, components: Int = 1) {
        self.facts = facts
        self.isUpdate = isUpdate
        self.perUserConfiguration = perUserConfiguration
        self.licenceActivation = licenceActivation
        self.dependencies = dependencies
        self.components = components
    }
}

/// The verdict: a tier and, always, at least one reason a packager can read.
public struct ClassificationResult: Sendable, Codable, Equatable {
    /// `simple` or `complex`.
    public var tier: PackagingTier
    /// The reason of every rule that fired, in policy order; when none fired, one reason saying why the tier holds.
    public var reasons: [String]
    /// The ids of the rules that fired, in the same order as `reasons` (empty when none fired).
    public var rules: [String]

    /// Builds a result.
    public init(tier: PackagingTier, reasons: [String], rules: [String]) {
        self.tier = tier
        self.reasons = reasons
        self.rules = rules
    }
}

/// Applies `classification.yaml`: every rule whose conditions all hold fires; the highest tier among them wins.
public struct Classifier: Sendable {
    /// The rules in force.
    public let policy: ClassificationPolicy

    /// Installer types that install unattended by their nature (msiexec /qn, Add-AppxPackage, package managers)
    /// or need no installing at all, so no framework switch is needed.
    public static let silentByNature: Set<String> = [
        "msix", "msi", "nupkg", "wheel", "jar", "crx", "deb", "rpm", "pkg", "portable",
    ]

    /// A classifier for these rules.
    public init(policy: ClassificationPolicy) {
        self.policy = policy
    }

    /// Classifies one packaging. Pure: the same input and policy always give the same result.
    public func classify(_ input: ClassificationInput) -> ClassificationResult {
        let facts = Facts(input)
        var fired: [ClassificationRule] = []
        for rule in policy.rules where rule.conditions.allSatisfy(facts.holds) {
            fired.append(rule)
        }
        guard let highest = fired.map(\.tier).max() else {
            return ClassificationResult(tier: policy.defaultTier, reasons: [Self.noRuleReason(facts, tier: policy.defaultTier)], rules: [])
        }
        return ClassificationResult(tier: highest, reasons: fired.map(\.reason), rules: fired.map(\.id))
    }

    /// Says what was checked, so "simple" is as explainable as "complex".
    static func noRuleReason(_ facts: Facts, tier: PackagingTier) -> String {
        let type = facts.installerType.map { "The \($0) installer" } ?? "The installer (of unknown type)"
        let install: String
        if let type = facts.installerType, silentByNature.contains(type) {
            install = "installs unattended by its nature"
        } else if let switchText = facts.silentSwitch {
            install = "installs unattended with '\(switchText)'"
        } else {
            install = "has no known silent-install switch"
        }
        func count(_ n: Int, _ one: String, _ many: String) -> String { n == 0 ? "no \(many)" : "\(n) \(n == 1 ? one : many)" }
        let parts = [
            count(facts.drivers, "driver", "drivers"),
            count(facts.services, "service", "services"),
            count(facts.customActions, "custom action", "custom actions"),
            facts.schedulesReboot ? "a restart" : "no restart",
            facts.perUserConfiguration ? "per-user settings" : "no per-user settings",
            facts.licenceActivation ? "activation" : "no activation",
            count(facts.dependencies, "program needed first", "programs needed first"),
            count(facts.components, "component", "components"),
        ]
        let what = facts.isUpdate ? "an update of a program already in the catalog" : "a program new to the catalog"
        return "\(type) \(install) and has \(parts.joined(separator: ", ")): no classification rule fired, "
            + "so packaging \(what) is \(tier.rawValue) work."
    }

    /// The facts as the rules see them: unknown counts are zero, an unknown reboot is no reboot.
    struct Facts {
        var installerType: String?
        var customActions: Int
        var services: Int
        var drivers: Int
        var schedulesReboot: Bool
        var silentSwitch: String?
        var hasSilentInstall: Bool
        var perUserConfiguration: Bool
        var licenceActivation: Bool
        var dependencies: Int
        var components: Int
        var isUpdate: Bool

        init(_ input: ClassificationInput) {
            let windows = input.facts.windows
            installerType = input.facts.installerType?.lowercased()
            // Saturating sum: a hostile count must not trap.
            customActions = (windows?.customActions ?? [:]).values.reduce(0) { sum, n in
                let (total, overflow) = sum.addingReportingOverflow(max(n, 0))
                return overflow ? Int.max : total
            }
            services = max(windows?.serviceInstalls ?? 0, 0)
            drivers = max(windows?.drivers ?? 0, 0)
            schedulesReboot = windows?.schedulesReboot ?? false
            silentSwitch = windows?.silentSwitch.flatMap { $0.isEmpty ? nil : $0 }
            hasSilentInstall = installerType.map { Classifier.silentByNature.contains($0) } == true || silentSwitch != nil
            perUserConfiguration = input.perUserConfiguration
            licenceActivation = input.licenceActivation
            dependencies = max(input.dependencies, 0)
            components = max(input.components, 0)
            isUpdate = input.isUpdate
        }

        func holds(_ condition: ClassificationCondition) -> Bool {
            switch condition {
            case let .installerTypeIn(types): installerType.map { types.contains($0) } ?? false
            case let .customActionsAtLeast(n): customActions >= n
            case let .servicesAtLeast(n): services >= n
            case let .driversAtLeast(n): drivers >= n
            case let .schedulesReboot(flag): schedulesReboot == flag
            case let .noSilentSwitch(flag): !hasSilentInstall == flag
            case let .perUserConfiguration(flag): perUserConfiguration == flag
            case let .licenceActivation(flag): licenceActivation == flag
            case let .dependenciesAtLeast(n): dependencies >= n
            case let .componentsAtLeast(n): components >= n
            case let .isUpdate(flag): isUpdate == flag
            }
        }
    }
}
