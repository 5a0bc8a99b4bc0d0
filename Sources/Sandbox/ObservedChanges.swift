import Foundation

/// A file the installer added.
public struct AddedFile: Codable, Sendable, Equatable {
    /// As Windows shows it: `C:\Program Files\…`.
    public var path: String
    public var size: Int64
    /// SHA-256 of executables (`.exe`, `.dll`, `.sys`, `.msi`, …); nil for other files.
    public var sha256: String?
}

/// A registry value the installer added or changed.
public struct RegistryValue: Codable, Sendable, Equatable {
    public var key: String
    /// `(default)` for a key's unnamed value.
    public var name: String
    public var value: String
}

/// An Add/Remove Programs entry.
public struct UninstallEntry: Codable, Sendable, Equatable {
    public var key: String
    /// `64-bit`, `32-bit (WOW6432Node)` or `per-user`.
    public var view: String
    public var displayName: String?
    public var displayVersion: String?
    public var publisher: String?
    public var uninstallString: String?
    public var quietUninstallString: String?
    /// The MSI ProductCode when Windows Installer owns the entry.
    public var productCode: String?
}

/// A Windows service or driver the installer created.
public struct ServiceEntry: Codable, Sendable, Equatable {
    public var name: String
    /// `service` or `driver`.
    public var kind: String
    public var imagePath: String?
    /// `automatic`, `manual`, `disabled`, `boot` or `system`.
    public var start: String?
}

/// Everything an install (or an uninstall) changed in the prefix, sorted so two runs compare.
public struct ObservedChanges: Codable, Sendable, Equatable {
    public var filesAdded: [AddedFile] = []
    public var filesChanged: [String] = []
    public var filesRemoved: [String] = []
    public var registryKeysAdded: [String] = []
    public var registryKeysRemoved: [String] = []
    public var registryValuesSet: [RegistryValue] = []
    public var uninstallEntries: [UninstallEntry] = []
    public var services: [ServiceEntry] = []
    /// Run/RunOnce values and Startup-folder files.
    public var autostarts: [String] = []
    public var shortcuts: [String] = []
    /// `.ext → ProgId`.
    public var fileAssociations: [String] = []
    /// Keys added under HKEY_CURRENT_USER: settings written into the installing user's profile.
    public var perUserRegistryKeys: [String] = []
    /// A file rename or delete was scheduled for the next reboot (PendingFileRenameOperations).
    public var rebootScheduled: Bool = false
    /// How many entries the lists above left out to keep the evidence readable.
    public var omitted: Int = 0

    public init() {}
}

/// Compares two snapshots of one prefix.
struct SnapshotDiff {
    static let listLimit = 400
    static let executableExtensions: Set<String> = ["exe", "dll", "sys", "msi", "ocx", "com", "scr", "cpl", "drv", "ps1", "bat", "cmd"]

    /// What Wine itself touches on every start; never the installer's doing.
    static let noiseKeys: [String] = [
        "hklm\\system\\currentcontrolset\\control\\session manager\\environment",
        "hklm\\software\\microsoft\\windows nt\\currentversion\\perflib",
        "hklm\\software\\wine",
        "hkcu\\software\\wine",
        "hklm\\system\\currentcontrolset\\services\\eventlog",
        "hklm\\hardware",
        "hkcu\\volatile environment",
        "hklm\\software\\microsoft\\windows\\currentversion\\explorer\\shell folders",
        "hkcu\\software\\microsoft\\windows\\currentversion\\explorer\\shell folders",
        "hkcu\\software\\microsoft\\windows\\currentversion\\explorer\\user shell folders",
        "hklm\\system\\mounteddevices",
        "hklm\\software\\microsoft\\cryptography\\rng",
        "hklm\\system\\currentcontrolset\\control\\deviceclasses",
        "hklm\\system\\currentcontrolset\\enum",
        "hklm\\software\\microsoft\\windows\\currentversion\\installer\\temp",
        "hklm\\software\\microsoft\\windows nt\\currentversion\\networkcards",
        "hklm\\system\\currentcontrolset\\control\\class",
        "hklm\\system\\currentcontrolset\\control\\video",
    ]
    static let noiseFilePrefixes: [String] = [
        "windows/temp/", "windows/logs/", "windows/installer/", "users/", "programdata/microsoft/windows/",
        "windows/inf/", "windows/system32/spool/",
    ]
    /// Per-user folders whose additions are the installer's (shortcuts, autostart, application data).
    static let userFolders: [String] = [
        "/start menu/", "/desktop/", "/appdata/roaming/", "/appdata/local/",
    ]

    static func isNoise(key: String) -> Bool {
        let lower = key.lowercased()
        return noiseKeys.contains { lower == $0 || lower.hasPrefix($0 + "\\") }
    }

    static func isNoise(file: String) -> Bool {
        let lower = file.lowercased()
        if lower.hasPrefix("users/") {
            if lower.contains("/temp/") || lower.contains("/local settings/temp/") { return true }
            return !userFolders.contains { lower.contains($0) } || lower.contains("/appdata/local/temp/")
        }
        if lower.hasPrefix("programdata/microsoft/windows/start menu/") { return false }
        return noiseFilePrefixes.contains { lower.hasPrefix($0) }
    }

    static func compare(_ before: PrefixSnapshot, _ after: PrefixSnapshot, layers: PrefixLayers, hashing: Bool = true) -> ObservedChanges {
        var changes = ObservedChanges()
        var omitted = 0

        for (path, file) in after.files.sorted(by: { $0.key < $1.key }) where !isNoise(file: path) {
            if let old = before.files[path] {
                if old != file {
                    if changes.filesChanged.count < listLimit { changes.filesChanged.append(PrefixSnapshot.windowsPath(path)) } else { omitted += 1 }
                }
                continue
            }
            let ext = (path as NSString).pathExtension.lowercased()
            let lower = path.lowercased()
            if ext == "lnk" {
                changes.shortcuts.append(PrefixSnapshot.windowsPath(path))
                if lower.contains("/startup/") { changes.autostarts.append(PrefixSnapshot.windowsPath(path)) }
            }
            guard changes.filesAdded.count < listLimit else { omitted += 1; continue }
            let sha = hashing && executableExtensions.contains(ext) ? PrefixSnapshot.sha256(of: layers.resolve("drive_c/" + path).path) : nil
            changes.filesAdded.append(AddedFile(path: PrefixSnapshot.windowsPath(path), size: file.size, sha256: sha))
        }
        for path in before.files.keys.sorted() where after.files[path] == nil && !isNoise(file: path) {
            if changes.filesRemoved.count < listLimit { changes.filesRemoved.append(PrefixSnapshot.windowsPath(path)) } else { omitted += 1 }
        }

        let old = before.registry
        let new = after.registry
        let oldLower = Set(old.keys.map { $0.lowercased() })
        for key in new.keys.sorted() where !isNoise(key: key) {
            let values = new[key] ?? [:]
            let previous = old[key]
            if previous == nil && !oldLower.contains(key.lowercased()) {
                if changes.registryKeysAdded.count < listLimit { changes.registryKeysAdded.append(key) } else { omitted += 1 }
                if key.hasPrefix("HKCU\\") { changes.perUserRegistryKeys.append(key) }
            }
            for (name, value) in values.sorted(by: { $0.key < $1.key }) where previous?[name] != value {
                if changes.registryValuesSet.count < listLimit {
                    changes.registryValuesSet.append(RegistryValue(key: key, name: name.isEmpty ? "(default)" : name,
                                                                   value: RegistryHive.display(value)))
                } else { omitted += 1 }
                if name.lowercased() == "pendingfilerenameoperations" { changes.rebootScheduled = true }
            }
            classify(key: key, values: values, isNew: previous == nil, into: &changes)
        }
        let newLower = Set(new.keys.map { $0.lowercased() })
        for key in old.keys.sorted() where !newLower.contains(key.lowercased()) && !isNoise(key: key) {
            if changes.registryKeysRemoved.count < listLimit { changes.registryKeysRemoved.append(key) } else { omitted += 1 }
        }
        if changes.perUserRegistryKeys.count > listLimit {
            omitted += changes.perUserRegistryKeys.count - listLimit
            changes.perUserRegistryKeys = Array(changes.perUserRegistryKeys.prefix(listLimit))
        }
        changes.omitted = omitted
        return changes
    }

    static let uninstallRoots: [(String, String)] = [
        ("hklm\\software\\wow6432node\\microsoft\\windows\\currentversion\\uninstall\\", "32-bit (WOW6432Node)"),
        ("hklm\\software\\microsoft\\windows\\currentversion\\uninstall\\", "64-bit"),
        ("hkcu\\software\\microsoft\\windows\\currentversion\\uninstall\\", "per-user"),
    ]
    static let runKeys: Set<String> = [
        "hklm\\software\\microsoft\\windows\\currentversion\\run", "hklm\\software\\microsoft\\windows\\currentversion\\runonce",
        "hklm\\software\\wow6432node\\microsoft\\windows\\currentversion\\run",
        "hklm\\software\\wow6432node\\microsoft\\windows\\currentversion\\runonce",
        "hkcu\\software\\microsoft\\windows\\currentversion\\run", "hkcu\\software\\microsoft\\windows\\currentversion\\runonce",
    ]

    /// Sorts one new or changed key into the facts the evidence names: uninstall entries, services, autostarts, associations.
    private static func classify(key: String, values: [String: String], isNew: Bool, into changes: inout ObservedChanges) {
        let lower = key.lowercased()
        if let entry = uninstallEntry(key: key, values: values), isNew { changes.uninstallEntries.append(entry) }
        let services = "hklm\\system\\currentcontrolset\\services\\"
        if isNew, lower.hasPrefix(services), !lower.dropFirst(services.count).contains("\\") {
            let name = String(key.dropFirst(services.count))
            let type = values["Type"].flatMap { $0.hasPrefix("dword:") ? UInt32($0.dropFirst(6), radix: 16) : nil } ?? 0x10
            let start = values["Start"].flatMap { $0.hasPrefix("dword:") ? UInt32($0.dropFirst(6), radix: 16) : nil }
            let startName: String? = start.map { ["boot", "system", "automatic", "manual", "disabled"][Int(min($0, 4))] }
            changes.services.append(ServiceEntry(name: name, kind: type & 0x3 != 0 ? "driver" : "service",
                                                 imagePath: values["ImagePath"].map(RegistryHive.display), start: startName))
        }
        if runKeys.contains(lower) {
            for (name, value) in values.sorted(by: { $0.key < $1.key }) {
                changes.autostarts.append("\(key)\\\(name) = \(RegistryHive.display(value))")
            }
        }
        for classes in ["hklm\\software\\classes\\.", "hkcu\\software\\classes\\."] where isNew && lower.hasPrefix(classes) {
            let ext = key.dropFirst(classes.count - 1)
            if !ext.contains("\\") {
                changes.fileAssociations.append("\(ext) → \(values[""].map(RegistryHive.display) ?? "?")")
            }
        }
    }

    /// The Add/Remove Programs entry a key holds, when it is one.
    static func uninstallEntry(key: String, values: [String: String]) -> UninstallEntry? {
        let lower = key.lowercased()
        guard let (root, view) = uninstallRoots.first(where: { lower.hasPrefix($0.0) }) else { return nil }
        let name = String(key.dropFirst(root.count))
        guard !name.isEmpty, !name.contains("\\") else { return nil }
        func text(_ value: String) -> String? { values[value].map(RegistryHive.display) }
        let isMSI = values["WindowsInstaller"] == "dword:00000001"
        let guid = name.hasPrefix("{") && name.hasSuffix("}") && name.count == 38
        return UninstallEntry(key: key, view: view, displayName: text("DisplayName"), displayVersion: text("DisplayVersion"),
                              publisher: text("Publisher"), uninstallString: text("UninstallString"),
                              quietUninstallString: text("QuietUninstallString"),
                              productCode: isMSI || guid ? name.uppercased() : nil)
    }
}
