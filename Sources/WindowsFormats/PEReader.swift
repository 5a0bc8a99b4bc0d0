import DepotModel

/// Reads the facts intake needs from a PE executable: machine, version resource, setup framework and signature.
enum PEReader {
    /// The version strings reported in `WindowsFacts.versionInfo`.
    static let reportedStrings = ["ProductName", "ProductVersion", "FileVersion", "CompanyName", "LegalCopyright", "OriginalFilename"]

    static func read(_ file: InstallerFile, trustedRoots: [String]?) throws -> WindowsInspection {
        let image = try PEImage(file: file)
        var warnings: [String] = []
        var resource: PEVersionResource?
        do {
            resource = try PEVersionResource.read(file, image: image)
        } catch let defect as FormatDefect {
            warnings.append("version resource unreadable: \(defect.message)")
        }
        let strings = resource?.strings ?? [:]
        let framework = try InstallerFramework.detect(file, image: image, versionStrings: strings)

        var windows = WindowsFacts()
        windows.machine = image.architecture
        windows.is64Bit = image.is64Bit
        let reported = strings.filter { reportedStrings.contains($0.key) }
        windows.versionInfo = reported.isEmpty ? nil : reported
        windows.framework = framework.rawValue
        windows.silentSwitch = framework.silentSwitch
        windows.signature = try PEAuthenticode.inspect(file, image: image, trustedRoots: trustedRoots, warnings: &warnings)

        return WindowsInspection(
            format: "pe", installerType: framework.rawValue,
            name: strings["ProductName"] ?? strings["FileDescription"],
            version: strings["ProductVersion"] ?? strings["FileVersion"] ?? resource?.fixedProductVersion,
            publisher: strings["CompanyName"],
            platforms: ["windows"], architectures: [image.architecture],
            warnings: warnings, windows: windows)
    }
}
