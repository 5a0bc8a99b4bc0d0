import Foundation

/// How a deployment tool tells whether the package is installed, derived from what the test observed.
public struct DetectionRule: Codable, Sendable, Equatable {
    /// `msi-product-code`, `uninstall-key` or `file`.
    public var kind: String
    /// The MSI ProductCode (`msi-product-code`).
    public var productCode: String?
    /// The Add/Remove Programs key (`uninstall-key`), e.g. `HKLM\Software\Wow6432Node\…\Uninstall\App`.
    public var key: String?
    /// `64-bit`, `32-bit (WOW6432Node)` or `per-user`.
    public var view: String?
    /// The file (`file`), e.g. `C:\Program Files\App\app.exe`.
    public var path: String?
    /// The version that must be present: DisplayVersion, or the file's size when it has no version.
    public var version: String?

    /// One line for people and catalogs.
    public var summary: String {
        switch kind {
        case "msi-product-code": "MSI ProductCode \(productCode ?? "?") with version \(version ?? "?")"
        case "uninstall-key": "\(key ?? "?") with DisplayVersion \(version ?? "?")"
        default: "file \(path ?? "?")" + (version.map { " (\($0))" } ?? "")
        }
    }

    /// The best rule the changes allow: Windows Installer's ProductCode, else the uninstall entry and its version,
    /// else the largest executable added under Program Files, else the largest file added there.
    static func derive(from changes: ObservedChanges) -> DetectionRule? {
        let entries = changes.uninstallEntries
        if let msi = entries.first(where: { $0.productCode != nil && $0.displayVersion != nil }) {
            return DetectionRule(kind: "msi-product-code", productCode: msi.productCode, key: msi.key, view: msi.view,
                                 version: msi.displayVersion)
        }
        if let entry = entries.first(where: { $0.displayVersion != nil }) ?? entries.first {
            return DetectionRule(kind: "uninstall-key", key: entry.key, view: entry.view, version: entry.displayVersion)
        }
        let programFiles = changes.filesAdded.filter { $0.path.lowercased().hasPrefix("c:\\program files") }
        let executables = programFiles.filter { $0.sha256 != nil && $0.path.lowercased().hasSuffix(".exe") }
        guard let file = (executables.isEmpty ? programFiles : executables).max(by: { $0.size < $1.size }) else { return nil }
        return DetectionRule(kind: "file", path: file.path, version: file.sha256.map { "sha256 \($0)" })
    }

    /// Whether the rule holds in a snapshot of the prefix.
    func holds(in snapshot: PrefixSnapshot) -> Bool {
        switch kind {
        case "msi-product-code", "uninstall-key":
            guard let key else { return false }
            let lower = key.lowercased()
            guard let values = snapshot.registry.first(where: { $0.key.lowercased() == lower })?.value else { return false }
            guard let version else { return true }
            return values["DisplayVersion"].map(RegistryHive.display) == version
        default:
            guard let path else { return false }
            let relative = path.dropFirst(3).replacingOccurrences(of: "\\", with: "/")
            return snapshot.files[relative] != nil
        }
    }
}
