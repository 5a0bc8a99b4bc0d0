/// How packages are tested before they may be signed (`testing.yaml`).
public struct TestingPolicy: PolicyDocument, Codable {
    public static let fileName = "testing.yaml"

    /// Wall-clock seconds an install (and, separately, an uninstall) may take before it is killed with its children.
    public var installTimeoutSeconds: Int
    /// Run the automatic install test as soon as a package is classified.
    public var autoTestAfterClassification: Bool
    /// What a failed automatic test does: `block` (the package stays untested and cannot be signed) or `warn`
    /// (the failure is recorded and shown, and a person's test decides).
    public var sandboxFailure: SandboxFailureAction
    /// `depot retest --published` re-tests packages whose last automatic test is older than this.
    public var retestAfterDays: Int

    /// The values shipped in `Policies/testing.yaml`.
    public init(installTimeoutSeconds: Int = 300, autoTestAfterClassification: Bool = false,
                sandboxFailure: SandboxFailureAction = .block, retestAfterDays: Int = 14) {
        self.installTimeoutSeconds = installTimeoutSeconds
        self.autoTestAfterClassification = autoTestAfterClassification
        self.sandboxFailure = sandboxFailure
        self.retestAfterDays = retestAfterDays
    }

    public static func read(from root: PolicyValue) -> TestingPolicy? {
        root.mapping { m in
            let timeout = m.required("installTimeoutSeconds")?.int(in: 5...7200, "a number of seconds")
            let auto = m.required("autoTestAfterClassification")?.bool()
            let failure = m.required("sandboxFailure")?.choice(SandboxFailureAction.self, "block or warn")
            let retest = m.required("retestAfterDays")?.int(in: 1...365, "a number of days")
            guard let timeout, let auto, let failure, let retest else { return nil }
            return TestingPolicy(installTimeoutSeconds: timeout, autoTestAfterClassification: auto,
                                 sandboxFailure: failure, retestAfterDays: retest)
        }
    }
}

/// What a failed sandbox test does to a package.
public enum SandboxFailureAction: String, Sendable, Codable, CaseIterable {
    /// The package cannot be signed until a test passes.
    case block
    /// The failure is recorded and shown; the package keeps the state a person's test gave it.
    case warn
}
