import Foundation

/// One silent install or uninstall as it ran.
public struct PhaseResult: Codable, Sendable, Equatable {
    /// The command line as the sandbox ran it.
    public var command: String
    /// The Windows exit code; nil when the process was killed.
    public var exitCode: Int?
    /// Exit code 3010 or 1641: success, and Windows would have to restart.
    public var rebootRequested: Bool
    public var timedOut: Bool
    public var seconds: Double
    /// The last lines of the installer's log (the MSI verbose log, the framework's log, or Wine's output).
    public var logTail: [String]
    /// Exit code 0, 3010 or 1641, in time.
    public var succeeded: Bool

    public init(command: String, exitCode: Int?, timedOut: Bool, seconds: Double, logTail: [String]) {
        self.command = command
        self.exitCode = exitCode
        self.timedOut = timedOut
        self.seconds = (seconds * 100).rounded() / 100
        self.logTail = logTail
        rebootRequested = exitCode == 3010 || exitCode == 1641
        succeeded = !timedOut && (exitCode == 0 || rebootRequested)
    }
}

/// The evidence of one automatic install test: stored as one JSON document by hash with the test record.
public struct InstallTestEvidence: Codable, Sendable, Equatable {
    public var schema = "depot.install-test/1"
    public var runner: RunnerInfo
    public var installer: String
    public var installerType: String
    public var expectedVersion: String?
    public var install: PhaseResult
    /// What the install changed.
    public var installChanges: ObservedChanges
    public var detectionRule: DetectionRule?
    public var detectedAfterInstall: Bool
    public var uninstall: PhaseResult?
    public var detectedAfterUninstall: Bool?
    /// What the install added that the uninstall left: files and registry keys still there.
    public var leftovers: Leftovers
    /// Paths outside the prefix that the installer wrote to (the sandbox kept them away from the host).
    public var writesOutsidePrefix: [String]
    /// Processes of the test still alive after it ended (the limit kills them; this proves it).
    public var processesLeft: Int
    /// The verdict: true only when every check held.
    public var passed: Bool
    /// Why it failed, one sentence per check that did not hold; empty when it passed.
    public var reasons: [String]
    /// Facts that make the packaging complex, each ending "(observed during the install test)".
    public var complexity: [String]
    public var seconds: Double
}

/// What an uninstall left behind.
public struct Leftovers: Codable, Sendable, Equatable {
    public var files: [String] = []
    public var registryKeys: [String] = []
    public init(files: [String] = [], registryKeys: [String] = []) {
        self.files = files
        self.registryKeys = registryKeys
    }
}

extension InstallTestEvidence {
    /// The silent install command for deployment tools: the sandbox's own paths and logs taken out, the installer
    /// written as `{installer}`.
    public var silentInstall: String { Self.deployable(install.command, installer: installer) }
    /// The silent uninstall command that worked in the test, when there was one.
    public var silentUninstall: String? { uninstall.map { Self.deployable($0.command, installer: installer) } }

    static func deployable(_ command: String, installer: String) -> String {
        var text = command.replacingOccurrences(of: "\(InstallCommands.workFolder)\\\(installer)", with: "{installer}")
        for log in ["install.log", "uninstall.log"] {
            let path = "\"\(InstallCommands.workFolder)\\\(log)\""
            for form in [" /l*v \(path)", " /LOG=\(path)", " /log \(path)"] {
                text = text.replacingOccurrences(of: form, with: "")
            }
        }
        return text
    }
}

extension DetectionRule {
    /// The rule's fields as strings, for documents that must not depend on this module.
    public var fields: [String: String] {
        var out = ["kind": kind, "summary": summary]
        if let productCode { out["productCode"] = productCode }
        if let key { out["key"] = key }
        if let view { out["view"] = view }
        if let path { out["path"] = path }
        if let version { out["version"] = version }
        return out
    }
}
