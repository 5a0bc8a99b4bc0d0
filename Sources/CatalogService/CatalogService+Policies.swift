import DepotModel
import DepotPolicy
import Foundation
import Inspection

extension CatalogService {
    /// Loads and validates every policy file in `directory`; the error lists every problem with file and line.
    public static func loadPolicies(from directory: URL) throws -> PolicySet {
        try PolicySet.load(from: directory)
    }

    /// The service with the policies in force applied to the rules that use them.
    public func applying(_ policies: PolicySet) -> CatalogService {
        var service = self
        service.policies = policies
        service.intakeLimits = InspectionLimits(policies.intake)
        service.progressThresholdBytes = policies.intake.progressThresholdBytes
        return service
    }
}

extension InspectionLimits {
    /// Intake limits as `Policies/intake.yaml` sets them.
    init(_ policy: IntakePolicy) {
        self.init(maxInstallerBytes: policy.maxInstallerBytes, maxUncompressedBytes: policy.maxUncompressedBytes,
                  maxCompressionRatio: Int64(policy.maxCompressionRatio), maxEntries: policy.maxEntries,
                  maxPathLength: policy.maxPathLength, maxNestingDepth: policy.maxNestingDepth,
                  maxReadMultiple: policy.maxReadMultiple, maxMsiTableRows: policy.maxMsiTableRows,
                  maxRpmHeaderTags: policy.maxRpmHeaderTags, maxWarningExamples: policy.maxWarningExamples,
                  maxSecondsPerInstaller: policy.maxSecondsPerInstaller)
    }
}
