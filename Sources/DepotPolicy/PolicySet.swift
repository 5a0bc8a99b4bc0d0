import Foundation

/// Every policy in force, one typed value per file in `Policies/`.
public struct PolicySet: Sendable, Equatable {
    /// From `intake.yaml`.
    public var intake: IntakePolicy
    /// From `licences.yaml`.
    public var licences: LicencePolicy
    /// From `classification.yaml`.
    public var classification: ClassificationPolicy
    /// From `pricing.yaml`.
    public var pricing: PricingPolicy
    /// From `currency.yaml`.
    public var currency: CurrencyPolicy
    /// From `pruning.yaml`.
    public var pruning: PruningPolicy
    /// From `edu-tiers.yaml`.
    public var eduTiers: EduTierPolicy
    /// From `maintenance-windows.yaml`.
    public var maintenanceWindows: MaintenanceWindowPolicy
    /// From `signing.yaml`.
    public var signing: SigningPolicy
    /// From `testing.yaml`.
    public var testing: TestingPolicy

    /// Builds a set in code (tests, tools).
    public init(intake: IntakePolicy, licences: LicencePolicy, classification: ClassificationPolicy,
                pricing: PricingPolicy, currency: CurrencyPolicy, pruning: PruningPolicy, eduTiers: EduTierPolicy,
                maintenanceWindows: MaintenanceWindowPolicy, signing: SigningPolicy, testing: TestingPolicy = TestingPolicy()) {
        self.intake = intake
        self.licences = licences
        self.classification = classification
        self.pricing = pricing
        self.currency = currency
        self.pruning = pruning
        self.eduTiers = eduTiers
        self.maintenanceWindows = maintenanceWindows
        self.signing = signing
        self.testing = testing
    }

    /// The files a policy directory must hold, in the order they are checked and reported.
    public static let fileNames: [String] = [
        IntakePolicy.fileName, LicencePolicy.fileName, ClassificationPolicy.fileName, PricingPolicy.fileName,
        CurrencyPolicy.fileName, PruningPolicy.fileName, EduTierPolicy.fileName,
        MaintenanceWindowPolicy.fileName, SigningPolicy.fileName, TestingPolicy.fileName,
    ]

    /// Loads and validates every policy file in `directory`. Throws one `PolicyError` listing every problem in
    /// every file: missing files, YAML syntax, wrong types and values, unknown keys, and YAML files in the
    /// directory that are not policy files (a misspelt name would otherwise be ignored).
    public static func load(from directory: URL) throws -> PolicySet {
        let folder = directory.standardizedFileURL
        let prefix = folder.lastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw PolicyError(problems: [PolicyProblem(file: folder.path,
                message: "expected a directory holding the policy files (\(fileNames.joined(separator: ", "))), found none")])
        }
        var problems: [PolicyProblem] = []
        func load<P: PolicyDocument>(_ type: P.Type) -> P? {
            let reader = PolicyReader(contentsOf: folder.appendingPathComponent(P.fileName), file: "\(prefix)/\(P.fileName)")
            let value = P.read(with: reader)
            problems += reader.problems
            return value
        }
        let intake = load(IntakePolicy.self)
        let licences = load(LicencePolicy.self)
        let classification = load(ClassificationPolicy.self)
        let pricing = load(PricingPolicy.self)
        let currency = load(CurrencyPolicy.self)
        let pruning = load(PruningPolicy.self)
        let eduTiers = load(EduTierPolicy.self)
        let windows = load(MaintenanceWindowPolicy.self)
        let signing = load(SigningPolicy.self)
        let testing = load(TestingPolicy.self)
        problems += strayFiles(in: folder, prefix: prefix)
        guard problems.isEmpty, let intake, let licences, let classification, let pricing, let currency, let pruning,
              let eduTiers, let windows, let signing, let testing else {
            throw PolicyError(problems: problems.isEmpty
                ? [PolicyProblem(file: prefix, message: "the policy files could not be read")] : problems)
        }
        return PolicySet(intake: intake, licences: licences, classification: classification, pricing: pricing,
                         currency: currency, pruning: pruning, eduTiers: eduTiers, maintenanceWindows: windows,
                         signing: signing, testing: testing)
    }

    private static func strayFiles(in folder: URL, prefix: String) -> [PolicyProblem] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.sorted().compactMap { name in
            let lower = name.lowercased()
            guard lower.hasSuffix(".yaml") || lower.hasSuffix(".yml"), !fileNames.contains(name) else { return nil }
            let hint = Suggestion.nearest(to: name, in: fileNames).map { "; did you mean '\($0)'?" }
                ?? "; the policy files are \(fileNames.joined(separator: ", "))"
            return PolicyProblem(file: "\(prefix)/\(name)", message: "not a policy file Depot knows\(hint)")
        }
    }
}
