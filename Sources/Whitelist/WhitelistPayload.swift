import DepotModel
import DepotPolicy
import Foundation

/// How an app reached a whitelist.
public enum WhitelistChannel: String, Sendable, Codable {
    /// This version's licence was approved for edu by a central reviewer.
    case central
    /// An `open` tier's fast channel: a newer version of a centrally approved app from the same publisher and
    /// signer, listed before its own central approval, under the licence scope approved for `followsVersion`.
    case fast
}

/// How an app reaches a school's devices.
public enum WhitelistDelivery: String, Sendable, Codable {
    /// Installed and updated centrally on every device of the school.
    case central
    /// Ordered by a teacher or the school admin for a device or a class.
    case selfInstall = "self-install"
}

/// One allowed app version on a whitelist: everything a device needs to fetch, verify and install it.
/// Fields not documented here mean what they mean on `WhitelistCandidate`.
public struct WhitelistEntry: Sendable, Codable, Equatable {
    public var program: String
    public var name: String
    public var version: String
    public var sha256: String
    public var size: Int64
    public var downloadPath: String
    public var platforms: [String]
    public var installerType: String
    public var silentSwitch: String?
    public var publisher: String
    public var productName: String?
    public var signer: SignerIdentity?
    public var licence: String
    /// The approved licence scope this entry is listed under (for the fast channel, that of `followsVersion`).
    public var licenceScope: LicenceScope
    public var needsSeat: Bool
    public var seatsAvailable: Int?
    public var category: String
    public var channel: WhitelistChannel
    public var delivery: WhitelistDelivery
    /// Fast channel only: the centrally approved version whose publisher, signer and licence this one shares.
    public var followsVersion: String?
    public var updateURL: String?

    init(_ c: WhitelistCandidate, scope: LicenceScope, channel: WhitelistChannel, delivery: WhitelistDelivery,
         followsVersion: String?) {
        program = c.program
        name = c.name
        version = c.version
        sha256 = c.sha256
        size = c.size
        downloadPath = c.downloadPath
        platforms = Array(Set(c.platforms)).sorted()
        installerType = c.installerType
        silentSwitch = c.silentSwitch
        publisher = c.publisher
        productName = c.productName
        signer = c.signer
        licence = c.licence
        licenceScope = scope
        needsSeat = c.needsSeat
        seatsAvailable = c.seatsAvailable
        category = c.category
        self.channel = channel
        self.delivery = delivery
        self.followsVersion = followsVersion
        updateURL = c.updateURL
    }

    static let windowsInstallers: Set = ["msi", "msix", "exe", "nsis", "inno", "burn", "installshield"]
    static let macInstallers: Set = ["pkg", "dmg", "zip", "app"]

    /// A Windows installer that AppLocker can see.
    var targetsWindows: Bool { platforms.contains("windows") && Self.windowsInstallers.contains(installerType) }
    /// A macOS installer that Santa and Munki can see.
    var targetsMacOS: Bool { platforms.contains("macos") && Self.macInstallers.contains(installerType) }
    /// A macOS installer Munki installs without further instructions (a flat package, or a disk image holding one).
    var munkiInstallable: Bool { platforms.contains("macos") && (installerType == "pkg" || installerType == "dmg") }
    /// A Chrome extension, identified by its extension id.
    var chromeExtensionID: String? { signer?.kind == .chromeExtension ? signer?.value : nil }
}

/// Whether a whitelist is the tier's default or one school's.
public enum WhitelistKind: String, Sendable, Codable {
    /// The default list of a tier, before any school's allows and blocks.
    case tier
    /// One school's list.
    case school
}

/// The contents of one whitelist document; the lead wraps it in a signed document with a version and an expiry.
public struct WhitelistPayload: Sendable, Codable, Equatable {
    /// The schema version of this payload.
    public static let currentFormat = 1

    /// `currentFormat` when written; a device refuses formats it does not know.
    public var format: Int
    /// A tier's list or a school's.
    public var kind: WhitelistKind
    /// The tier id the list was built for.
    public var tier: String
    /// School whitelists only.
    public var school: String?
    /// School whitelists only: the name for people.
    public var schoolName: String?
    /// The tier lets teachers and the school admin order installs themselves.
    public var selfInstall: Bool
    /// The tier lists fast-channel versions.
    public var fastChannel: Bool
    /// How often the tier's apps are updated.
    public var updateCadence: UpdateCadence
    /// Sorted by program, then version from oldest to newest.
    public var apps: [WhitelistEntry]

    /// A file-name-safe name: `tier-open` or `school-rinkeby-skola`.
    public var subject: String { kind == .school ? "school-\(school ?? "")" : "tier-\(tier)" }

    /// The seats a program had when the whitelist was built (the fewest over its listed versions), or nil when it
    /// needs none; the edu server subtracts the installs it recorded since.
    public func publishedSeats(for program: String) -> Int? {
        let listed = entries(for: program)
        guard listed.contains(where: \.needsSeat) else { return nil }
        return listed.compactMap(\.seatsAvailable).min()
    }

    /// Every listed version of a program.
    public func entries(for program: String) -> [WhitelistEntry] { apps.filter { $0.program == program } }

    /// Canonical JSON: sorted keys, no escaped slashes; the same payload always gives the same bytes.
    public func canonicalJSON() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
