import Foundation

/// What to test: one installer, how it installs silently, and what version it claims to be.
public struct InstallTestJob: Sendable, Equatable {
    /// The installer's bytes (read only; the runner copies it into its sandbox).
    public var installer: URL
    /// The name the installer gets inside the sandbox (`setup.exe`, `product.msi`); some installers read their own name.
    public var fileName: String
    /// `msi`, `nsis`, `inno`, `burn`, `installshield` or `exe` (intake's installer type).
    public var installerType: String
    /// The switch that makes an `exe` install silently: the packager's override, else what intake found.
    public var silentSwitch: String?
    /// The version the package is catalogued as; the Add/Remove Programs entry must say the same.
    public var expectedVersion: String?
    /// The wall-clock limit for each of install and uninstall (testing.yaml `installTimeoutSeconds`).
    public var timeoutSeconds: Int

    public init(installer: URL, fileName: String, installerType: String, silentSwitch: String? = nil,
                expectedVersion: String? = nil, timeoutSeconds: Int = 300) {
        self.installer = installer
        self.fileName = fileName
        self.installerType = installerType
        self.silentSwitch = silentSwitch
        self.expectedVersion = expectedVersion
        self.timeoutSeconds = timeoutSeconds
    }
}

/// Runs install tests somewhere disposable. Depot has a Wine runner; a Windows VM runner (a snapshot restored per
/// test, commands over SSH or WinRM) implements the same two calls and returns the same evidence, so nothing else
/// changes when one is added. See the README's "Install tests" section.
public protocol InstallTestRunner: Sendable {
    /// What the evidence says about where the test ran, e.g. "Wine 8.0 (Debian 8.0~repack-4)".
    func describe() async throws -> RunnerInfo
    /// Installs, snapshots, derives the detection rule, uninstalls, snapshots again and judges; `progress`
    /// hears each step in words. Throws only when the sandbox itself cannot run; an installer's failure is evidence.
    func run(_ job: InstallTestJob, progress: @escaping @Sendable (String) -> Void) async throws -> InstallTestEvidence
}

/// Where a test ran.
public struct RunnerInfo: Codable, Sendable, Equatable {
    /// `wine` (or, later, `windows-vm`).
    public var kind: String
    /// "Wine 8.0 (Debian 8.0~repack-4)".
    public var version: String
    /// The template the disposable prefix was copied from: its name and when it was made.
    public var template: String
    /// How the installer was kept in: network, file system, processes.
    public var isolation: [String]

    public init(kind: String, version: String, template: String, isolation: [String]) {
        self.kind = kind
        self.version = version
        self.template = template
        self.isolation = isolation
    }

    /// "tested automatically (Wine 8.0, template …)".
    public var summary: String { "tested automatically (\(version), template \(template))" }
}
