import DepotCrypto
import DepotModel
import DepotPolicy
import DepotTestSupport
import Foundation
import Signing
import Whitelist

/// A published edu directory built with the real Signing library: keys in a temporary home, real package files,
/// whitelists from the real WhitelistBuilder.
final class EduFixture: @unchecked Sendable {
    // Everything is set in init; publish() writes files but mutates no stored property.
    let dir: TemporaryDirectory
    let keys: KeyStore
    let published: URL
    let rootPEM: URL
    /// Program → (bytes, sha256).
    let packages: [String: (bytes: [UInt8], sha256: String)]

    static let tiers = EduTierPolicy(defaultTier: "standard", tiers: [
        EduTier(id: "standard", description: "Self-install from the whitelist", selfInstall: true, fastChannel: false,
                updateCadence: .weekly, appCategories: ["education", "media"]),
        EduTier(id: "locked", description: "Only central apps", selfInstall: false, fastChannel: false,
                updateCadence: .centralMonthly, appCategories: ["education"]),
    ])
    static let schools = [
        School(id: "alpha", name: "Alpha skola", tier: "standard"),
        School(id: "beta", name: "Beta skola", tier: "standard"),
        School(id: "gamma", name: "Gamma skola", tier: "locked"),
    ]

    init() throws {
        dir = try TemporaryDirectory("edu-fixture")
        keys = KeyStore(directory: dir.url.appendingPathComponent("keys"))
        try keys.initialise(validity: KeyValidity(), now: Date().addingTimeInterval(-86_400 * 30))
        published = dir.url.appendingPathComponent("published")
        rootPEM = keys.rootCertificateURL
        var generator = SystemRandomNumberGenerator()
        var packages: [String: (bytes: [UInt8], sha256: String)] = [:]
        for (program, size) in [("mathtype", 200_000), ("geogebra", 70_000), ("vlc", 5_000)] {
            let bytes = (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }
            packages[program] = (bytes, SHA256Hasher.hex(bytes))
        }
        self.packages = packages
    }

    var candidates: [WhitelistCandidate] {
        func app(_ program: String, _ version: String, category: String, platforms: [String], type: String,
                 standard: Bool = false, seats: Int? = nil) -> WhitelistCandidate {
            let package = packages[program]!
            return WhitelistCandidate(
                program: program, name: program.capitalized, version: version, sha256: package.sha256,
                size: Int64(package.bytes.count), downloadPath: EduLayout.package(package.sha256), platforms: platforms,
                installerType: type, silentSwitch: type == "msi" ? "/qn" : nil, publisher: "Acme Learning AB",
                licence: "MIT", approvedScope: .edu, needsSeat: seats != nil, seatsAvailable: seats,
                category: category, standardSet: standard)
        }
        return [
            app("geogebra", "6.0.1", category: "education", platforms: ["linux"], type: "deb", standard: true),
            app("mathtype", "7.8", category: "education", platforms: ["windows"], type: "msi", seats: 3),
            app("vlc", "3.0.20", category: "media", platforms: ["macos"], type: "pkg"),
        ]
    }

    /// The signed bytes of school `id`'s whitelist.
    func whitelist(_ id: String, version: Int, issued: Date = Date().addingTimeInterval(-60),
                   expires: Date = Date().addingTimeInterval(86_400 * 7), role: KeyRole = .edu,
                   collectedThrough: [String: Int64] = [:], seats: Int? = nil) throws -> [UInt8] {
        var candidates = self.candidates
        if let seats { candidates = candidates.map { var c = $0; if c.needsSeat { c.seatsAvailable = seats }; return c } }
        let builder = try WhitelistBuilder(tiers: Self.tiers, candidates: candidates)
        let payload = try builder.whitelist(school: Self.schools.first { $0.id == id }!)
        var signed = try JSONValue(encoding: payload).objectValue!
        signed["collectedThrough"] = .object(collectedThrough.mapValues { .integer($0) })
        return try SignedDocument.sign(payload: signed, type: EduLayout.whitelistType, version: version, issued: issued,
                                       expires: expires, with: try keys.signer(for: role))
    }

    /// Writes the whole directory: root.pem, index.json, every school's whitelist, the packages.
    @discardableResult
    func publish(version: Int, role: KeyRole = .edu, collectedThrough: [String: Int64] = [:], seats: Int? = nil) throws -> URL {
        let fm = FileManager.default
        try fm.createDirectory(at: published.appendingPathComponent("packages"), withIntermediateDirectories: true)
        if !fm.fileExists(atPath: published.appendingPathComponent(EduLayout.rootFile).path) {
            try fm.copyItem(at: rootPEM, to: published.appendingPathComponent(EduLayout.rootFile))
        }
        for package in packages.values {
            try Data(package.bytes).write(to: published.appendingPathComponent(EduLayout.package(package.sha256)))
        }
        let index = EduIndex(schools: Self.schools.map { EduIndexSchool(id: $0.id, name: $0.name, tier: $0.tier) },
                             tiers: Self.tiers.tiers.map(\.id))
        let signer = try keys.signer(for: role)
        let indexBytes = try SignedDocument.sign(payload: try JSONValue(encoding: index).objectValue!, type: EduLayout.indexType,
                                                 version: version, issued: Date().addingTimeInterval(-60),
                                                 expires: Date().addingTimeInterval(86_400 * 7), with: signer)
        for school in Self.schools {
            let url = published.appendingPathComponent(EduLayout.schoolWhitelist(school.id))
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(try whitelist(school.id, version: version, role: role, collectedThrough: collectedThrough,
                                   seats: seats)).write(to: url, options: .atomic)
        }
        try Data(indexBytes).write(to: published.appendingPathComponent(EduLayout.indexFile), options: .atomic)
        return published
    }

    func whitelistBytes(_ id: String) throws -> [UInt8] {
        Array(try Data(contentsOf: published.appendingPathComponent(EduLayout.schoolWhitelist(id))))
    }

    /// A `depot edu serve` on a free port over the published directory and `state`.
    func serve(state: URL) throws -> RunningServer {
        try RunningServer(arguments: ["edu", "serve", "--from", published.path, "--state", state.path])
    }

    /// `depot edu tokens add NAME --school SCHOOL`, returning the secret.
    func token(_ name: String, school: String, state: URL) throws -> String {
        let result = try DepotBinary.run(["edu", "tokens", "add", name, "--school", school, "--state", state.path, "--json"])
        guard result.succeeded,
              let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: String],
              let token = object["token"]
        else { throw FixtureError(message: "tokens add failed: \(result.stderr)") }
        return token
    }
}

/// Writes `text` to a temporary file for curl's `--data-binary @FILE`.
func bodyFile(_ dir: TemporaryDirectory, _ text: String) throws -> String {
    try dir.write("body-\(UUID().uuidString.prefix(6)).json", text).path
}

struct FixtureError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
