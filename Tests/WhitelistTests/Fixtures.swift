import DepotModel
import DepotPolicy
import Foundation
import Whitelist

/// A small edu catalog that exercises every rule: standard set, categories, scopes, the fast channel, seats,
/// and every kind of signer the exports use.
enum Fixture {
    static let acmeSigner = SignerIdentity(.authenticode, "O=Acme Learning AB, L=Stockholm, C=SE")
    static let codeSigner = SignerIdentity(.authenticode, "O=Code Tools Inc., L=Redmond, S=Washington, C=US")
    static let otherSigner = SignerIdentity(.authenticode, "O=Someone Else Ltd, C=GB")
    static let scratchTeam = SignerIdentity(.appleTeamID, "ABCDE12345")
    static let keynoteCert = SignerIdentity(.appleCertificate, hash("keynote-leaf-certificate"))
    static let readAloudID = "hdhinadidafjejdhmfkjgnolgimiaplp"
    static let dictionaryID = "mgijmajocgfcbeboacabfgobmjgjcoja"

    static var tiers: EduTierPolicy {
        get throws {
            let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("../../Policies/edu-tiers.yaml").standardizedFileURL
            return try EduTierPolicy.load(file: file)
        }
    }

    /// A stable 64-hex-digit stand-in for an installer's SHA-256.
    static func hash(_ seed: String) -> String {
        var parts: [String] = []
        for round in 0..<4 {
            var h: UInt64 = 0xCBF2_9CE4_8422_2325 &+ UInt64(round)
            for byte in seed.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            let hex = String(h, radix: 16)
            parts.append(String(repeating: "0", count: 16 - hex.count) + hex)
        }
        return parts.joined()
    }

    static func app(_ program: String, _ version: String, name: String? = nil, category: String,
                    scope: LicenceScope?, publisher: String = "Acme Learning AB", signer: SignerIdentity? = acmeSigner,
                    productName: String? = nil, platforms: [String] = ["windows"], installerType: String = "msi",
                    licence: String = "MIT", standardSet: Bool = false, needsSeat: Bool = false, seats: Int? = nil,
                    size: Int64 = 1_048_577) -> WhitelistCandidate {
        let sha = hash("\(program) \(version)")
        return WhitelistCandidate(
            program: program, name: name ?? program.capitalized, version: version, sha256: sha, size: size,
            downloadPath: "packages/\(sha)", platforms: platforms, installerType: installerType,
            silentSwitch: installerType == "msi" ? "/qn" : nil, publisher: publisher, productName: productName,
            signer: signer, licence: licence, approvedScope: scope, needsSeat: needsSeat, seatsAvailable: seats,
            category: category, standardSet: standardSet, licenceTexts: [hash("the licence text of \(licence)")])
    }

    static let candidates: [WhitelistCandidate] = [
        app("geogebra", "6.0.1", name: "GeoGebra", category: "education", scope: .edu, productName: "GeoGebra Classic",
            licence: "LicenseRef-GeoGebra-NonCommercial", standardSet: true),
        // A newer GeoGebra whose licence was approved for admin only: no whitelist, not even the fast channel.
        app("geogebra", "6.0.2", name: "GeoGebra", category: "education", scope: .admin, productName: "GeoGebra Classic",
            licence: "LicenseRef-GeoGebra-NonCommercial", standardSet: true),
        app("mozilla-firefox", "128.0", name: "Mozilla Firefox", category: "browser", scope: .both,
            publisher: "Mozilla Corporation", signer: SignerIdentity(.authenticode, "O=Mozilla Corporation, C=US"),
            productName: "Firefox", licence: "MPL-2.0", standardSet: true),
        app("nvda", "2024.1", name: "NVDA", category: "accessibility", scope: .both, publisher: "NV Access",
            signer: nil, installerType: "exe", licence: "GPL-2.0-or-later"),
        app("vlc", "3.0.20", name: "VLC media player", category: "media", scope: .edu, publisher: "VideoLAN",
            signer: SignerIdentity(.authenticode, "O=VideoLAN, C=FR"), installerType: "nsis", licence: "GPL-2.0-or-later"),
        app("mathtype", "7.8", name: "MathType", category: "education", scope: .edu, productName: "MathType",
            licence: "LicenseRef-Wiris-MathType", needsSeat: true, seats: 3),
        // A fast-channel MathType: its seats are those of the approved 7.8 licence.
        app("mathtype", "7.9", name: "MathType", category: "education", scope: nil, productName: "MathType",
            licence: "LicenseRef-Wiris-MathType"),
        app("adobe-acrobat", "24.002", name: "Adobe Acrobat", category: "pdf-reader", scope: .admin, publisher: "Adobe Inc.",
            licence: "LicenseRef-Adobe-Acrobat"),
        // The fast channel: 1.91.0 follows the approved 1.90.0 (same publisher, signer, licence); the others do not.
        app("vscode", "1.90.0", name: "Visual Studio Code", category: "developer", scope: .edu, publisher: "Code Tools Inc.",
            signer: codeSigner, productName: "Visual Studio Code", installerType: "exe"),
        app("vscode", "1.91.0", name: "Visual Studio Code", category: "developer", scope: nil, publisher: "Code Tools Inc.",
            signer: codeSigner, productName: "Visual Studio Code", installerType: "exe"),
        app("vscode", "1.92.0", name: "Visual Studio Code", category: "developer", scope: nil, publisher: "Code Tools Inc.",
            signer: otherSigner, productName: "Visual Studio Code", installerType: "exe"),
        app("vscode", "1.93.0", name: "Visual Studio Code", category: "developer", scope: nil, publisher: "Code Tools Inc.",
            signer: codeSigner, productName: "Visual Studio Code", installerType: "exe", licence: "LicenseRef-Code-EULA"),
        app("thonny", "4.1.0", name: "Thonny", category: "developer", scope: .edu, publisher: "Aivar Annamaa",
            installerType: "inno"),
        app("thonny", "4.1.1", name: "Thonny", category: "developer", scope: nil, publisher: "Thonny Fork Org",
            installerType: "inno"),
        app("scratch", "3.29.1", name: "Scratch", category: "education", scope: .edu, publisher: "Scratch Foundation",
            signer: scratchTeam, platforms: ["macos"], installerType: "pkg", licence: "BSD-3-Clause", size: 2048),
        app("keynote", "14.0", name: "Keynote", category: "office", scope: .edu, publisher: "Apple Inc.",
            signer: keynoteCert, platforms: ["macos"], installerType: "pkg", licence: "LicenseRef-Apple-EULA"),
        app("audacity", "3.5.1", name: "Audacity", category: "media", scope: .edu, publisher: "Muse Group",
            signer: nil, platforms: ["macos", "windows"], installerType: "pkg", licence: "GPL-3.0-only", size: 1025),
        app("read-aloud", "2.10", name: "Read Aloud", category: "accessibility", scope: .edu, publisher: "LSD Software",
            signer: SignerIdentity(.chromeExtension, readAloudID), platforms: ["chromeos"], installerType: "crx"),
        app("dictionary", "5.0", name: "Dictionary <& \"Lexicon\">", category: "education", scope: .edu,
            publisher: "Words & Co", signer: SignerIdentity(.chromeExtension, dictionaryID), platforms: ["chromeos"],
            installerType: "crx", standardSet: true),
    ]

    static func builder(_ candidates: [WhitelistCandidate] = candidates) throws -> WhitelistBuilder {
        try WhitelistBuilder(tiers: try tiers, candidates: candidates)
    }

    static func programs(_ payload: WhitelistPayload) -> Set<String> { Set(payload.apps.map(\.program)) }

    static func versions(_ payload: WhitelistPayload, _ program: String) -> [String] {
        payload.entries(for: program).map(\.version)
    }
}
