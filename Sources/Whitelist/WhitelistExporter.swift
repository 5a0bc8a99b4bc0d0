import DepotModel
import Foundation

/// The enforcement tools a whitelist exports to (`depot edu export --format`).
public enum ExportFormat: String, Sendable, CaseIterable, Codable {
    /// Santa (macOS): the `rules` of a sync-server `ruledownload` response.
    case santa
    /// AppLocker (Windows): a policy XML for `Set-AppLockerPolicy -XmlPolicy … -Merge`.
    case applocker
    /// Chrome: the `ExtensionSettings` policy JSON.
    case chrome
    /// Munki (macOS): a catalog property list and a manifest with the apps as optional installs.
    case munki
}

/// One file an export writes.
public struct ExportFile: Sendable, Equatable {
    /// A plain file name (no folders), e.g. `school-x.santa.json`.
    public var name: String
    /// The file's bytes.
    public var data: Data
}

/// Turns a whitelist into the formats schools' enforcement tools read. Same payload, same bytes.
///
/// Each tool sees only the entries it can enforce: Santa and Munki macOS installers, AppLocker Windows
/// installers, Chrome extensions.
public enum WhitelistExporter {
    /// The files of one format, named after the payload's subject.
    public static func export(_ payload: WhitelistPayload, as format: ExportFormat) throws -> [ExportFile] {
        let stem = payload.subject
        switch format {
        case .santa: return [ExportFile(name: "\(stem).santa.json", data: try santaRules(payload))]
        case .applocker: return [ExportFile(name: "\(stem).applocker.xml", data: appLockerPolicy(payload))]
        case .chrome: return [ExportFile(name: "\(stem).chrome.json", data: try chromeExtensionSettings(payload))]
        case .munki:
            return [ExportFile(name: "\(stem).munki-catalog.plist", data: munkiCatalog(payload)),
                    ExportFile(name: "\(stem).munki-manifest.plist", data: munkiManifest(payload))]
        }
    }

    static func jsonEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return encoder
    }

    static func audience(_ payload: WhitelistPayload) -> String {
        payload.kind == .school ? "school '\(payload.school ?? "")'" : "tier '\(payload.tier)'"
    }

    // MARK: Santa

    struct SantaRule: Codable, Equatable {
        var identifier: String
        var policy: String
        var rule_type: String
        var custom_msg: String
    }

    struct SantaRules: Codable {
        var rules: [SantaRule]
    }

    /// `{"rules": [{"identifier", "policy": "ALLOWLIST", "rule_type", "custom_msg"}]}`: TEAMID or CERTIFICATE where
    /// the macOS signer is known, BINARY by the installer's SHA-256 otherwise; one rule per identifier.
    public static func santaRules(_ payload: WhitelistPayload) throws -> Data {
        var names: [String: [String]] = [:]  // "TYPE\0identifier" → app labels
        for entry in payload.apps where entry.targetsMacOS {
            let type: String, identifier: String
            switch entry.signer?.kind {
            case .appleTeamID?: (type, identifier) = ("TEAMID", entry.signer?.value ?? "")
            case .appleCertificate?: (type, identifier) = ("CERTIFICATE", entry.signer?.value ?? "")
            default: (type, identifier) = ("BINARY", entry.sha256)
            }
            names[type + "\u{0}" + identifier, default: []].append("\(entry.name) \(entry.version)")
        }
        let rules = names.keys.sorted().map { key -> SantaRule in
            let parts = key.split(separator: "\u{0}", maxSplits: 1).map(String.init)
            let apps = Array(Set(names[key] ?? [])).sorted().joined(separator: ", ")
            return SantaRule(identifier: parts.count > 1 ? parts[1] : "", policy: "ALLOWLIST", rule_type: parts[0],
                             custom_msg: "On the edu whitelist of \(audience(payload)): \(apps)")
        }
        return try jsonEncoder().encode(SantaRules(rules: rules))
    }

    // MARK: Chrome

    struct ChromeSetting: Codable, Equatable {
        var installation_mode: String
        var update_url: String?
        var blocked_install_message: String?
    }

    struct ChromePolicy: Codable {
        var ExtensionSettings: [String: ChromeSetting]
    }

    /// The Chrome Web Store's update URL, used when an extension names none.
    public static let chromeWebStoreUpdateURL = "https://clients2.google.com/service/update2/crx"

    /// `{"ExtensionSettings": {"<id>": {"installation_mode", "update_url"}, "*": {"installation_mode": "blocked"}}}`:
    /// centrally delivered extensions are force-installed, self-install ones allowed, everything else blocked.
    public static func chromeExtensionSettings(_ payload: WhitelistPayload) throws -> Data {
        var settings: [String: ChromeSetting] = [
            "*": ChromeSetting(installation_mode: "blocked", update_url: nil,
                               blocked_install_message: "Not on the edu whitelist of \(audience(payload)).")
        ]
        for entry in payload.apps {
            guard let id = entry.chromeExtensionID else { continue }
            let forced = entry.delivery == .central
            // A forced install anywhere wins over a plain allow of another version of the same extension.
            if settings[id]?.installation_mode == "force_installed" { continue }
            settings[id] = forced
                ? ChromeSetting(installation_mode: "force_installed", update_url: entry.updateURL ?? chromeWebStoreUpdateURL)
                : ChromeSetting(installation_mode: "allowed", update_url: nil)
        }
        return try jsonEncoder().encode(ChromePolicy(ExtensionSettings: settings))
    }

    // MARK: AppLocker

    /// An AppLocker policy: an `Exe` and an `Msi` rule collection (only those with rules), `FilePublisherRule` where the
    /// Authenticode subject, product name and a numeric version are known, `FileHashRule` otherwise; for everyone (S-1-1-0).
    public static func appLockerPolicy(_ payload: WhitelistPayload) -> Data {
        var exe: [String] = [], msi: [String] = []
        for entry in payload.apps where entry.targetsWindows {
            let collection = entry.installerType == "msi" ? "Msi" : "Exe"
            let rule = appLockerRule(entry, collection: collection, payload: payload)
            if collection == "Msi" { msi.append(rule) } else { exe.append(rule) }
        }
        var xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<AppLockerPolicy Version=\"1\">\n"
        for (type, rules) in [("Exe", exe), ("Msi", msi)] where !rules.isEmpty {
            xml += "  <RuleCollection Type=\"\(type)\" EnforcementMode=\"Enabled\">\n"
            xml += rules.joined()
            xml += "  </RuleCollection>\n"
        }
        xml += "</AppLockerPolicy>\n"
        return Data(xml.utf8)
    }

    static func appLockerRule(_ entry: WhitelistEntry, collection: String, payload: WhitelistPayload) -> String {
        let name = x("\(entry.name) \(entry.version)")
        let description = x("Edu whitelist of \(audience(payload)): \(entry.program) \(entry.version)"
            + (entry.channel == .fast ? " (fast channel after \(entry.followsVersion ?? "?"))" : ""))
        if let signer = entry.signer, signer.kind == .authenticode, let product = entry.productName,
           !product.isEmpty, let version = appLockerVersion(entry.version) {
            let id = deterministicGUID("applocker|publisher|\(collection)|\(entry.program)|\(entry.version)|\(entry.sha256)")
            return """
                <FilePublisherRule Id="\(id)" Name="\(name)" Description="\(description)" UserOrGroupSid="S-1-1-0" Action="Allow">
                  <Conditions>
                    <FilePublisherCondition PublisherName="\(x(signer.value))" ProductName="\(x(product))" BinaryName="*">
                      <BinaryVersionRange LowSection="\(version)" HighSection="\(version)" />
                    </FilePublisherCondition>
                  </Conditions>
                </FilePublisherRule>

            """
        }
        let id = deterministicGUID("applocker|hash|\(collection)|\(entry.program)|\(entry.version)|\(entry.sha256)")
        let fileName = entry.downloadPath.split(separator: "/").last.map(String.init) ?? entry.sha256
        return """
            <FileHashRule Id="\(id)" Name="\(name)" Description="\(description)" UserOrGroupSid="S-1-1-0" Action="Allow">
              <Conditions>
                <FileHashCondition>
                  <FileHash Type="SHA256" Data="0x\(entry.sha256.uppercased())" SourceFileName="\(x(fileName))" SourceFileLength="\(entry.size)" />
                </FileHashCondition>
              </Conditions>
            </FileHashRule>

        """
    }

    /// AppLocker versions are four 16-bit numbers; anything else cannot be a publisher rule.
    static func appLockerVersion(_ version: String) -> String? {
        let parts = version.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...4).contains(parts.count) else { return nil }
        var numbers: [String] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 5, part.allSatisfy(\.isASCIIDigit), let n = Int(part), n <= 65_535 else { return nil }
            numbers.append(String(n))
        }
        while numbers.count < 4 { numbers.append("0") }
        return numbers.joined(separator: ".")
    }

    // MARK: Munki

    /// A Munki catalog: an array of pkginfo dictionaries for the macOS `pkg` and `dmg` installers (size in KiB, SHA-256
    /// hash); Munki installs both without an `installer_type`, a dmg by the package inside it.
    public static func munkiCatalog(_ payload: WhitelistPayload) -> Data {
        var items: [PlistValue] = []
        for entry in payload.apps where entry.munkiInstallable {
            let info: [String: PlistValue] = [
                "name": .string(entry.program),
                "version": .string(entry.version),
                "display_name": .string(entry.name),
                "developer": .string(entry.publisher),
                "category": .string(entry.category),
                "installer_item_location": .string(entry.downloadPath),
                "installer_item_hash": .string(entry.sha256),
                // Munki counts installer sizes in KiB, rounded up.
                "installer_item_size": .integer(entry.size / 1024 + (entry.size % 1024 == 0 ? 0 : 1)),
                "catalogs": .array([.string(payload.subject)]),
                "unattended_install": .bool(entry.delivery == .central),
            ]
            items.append(.dictionary(info))
        }
        return Data(PlistValue.document(.array(items)).utf8)
    }

    /// A Munki manifest for the payload's catalog: self-install apps as `optional_installs`, centrally delivered
    /// ones as `managed_installs`.
    public static func munkiManifest(_ payload: WhitelistPayload) -> Data {
        let mac = payload.apps.filter(\.munkiInstallable)
        let optional = Array(Set(mac.filter { $0.delivery == .selfInstall }.map(\.program))).sorted()
        let managed = Array(Set(mac.filter { $0.delivery == .central }.map(\.program))).sorted()
        let manifest: PlistValue = .dictionary([
            "catalogs": .array([.string(payload.subject)]),
            "managed_installs": .array(managed.map(PlistValue.string)),
            "optional_installs": .array(optional.map(PlistValue.string)),
        ])
        return Data(PlistValue.document(manifest).utf8)
    }
}

/// XML attribute and text escaping.
func x(_ text: String) -> String { XMLText.escape(text) }

/// A GUID that depends only on `seed`, so the same whitelist gives the same rule ids (two FNV-1a-64 hashes, formatted
/// with the RFC 9562 version 8 and variant bits).
func deterministicGUID(_ seed: String) -> String {
    func fnv(_ basis: UInt64) -> UInt64 {
        var h = basis
        for byte in seed.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return h
    }
    var bytes: [UInt8] = []
    for value in [fnv(0xCBF2_9CE4_8422_2325), fnv(0x6C62_272E_07BB_0142)] {
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }
    bytes[6] = (bytes[6] & 0x0F) | 0x80
    bytes[8] = (bytes[8] & 0x3F) | 0x80
    let hex = bytes.map { String($0, radix: 16).leftPadded(2) }.joined()
    let h = Array(hex)
    return [h[0..<8], h[8..<12], h[12..<16], h[16..<20], h[20..<32]].map { String($0) }.joined(separator: "-")
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }

}
