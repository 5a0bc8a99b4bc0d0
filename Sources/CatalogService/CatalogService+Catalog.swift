import DepotModel
import Foundation
import GRDB
import Storage

/// One row of `depot catalog list` and `GET /api/v1/catalog`.
public struct CatalogEntry: Codable, Sendable, Equatable {
    public var id: Int64
    public var program: String
    public var name: String
    public var version: String
    public var variant: String
    public var publisher: String
    public var state: PackageState
    public var released: String?
    public var platforms: [String]
    public var architectures: [String]
    public var licence: String?
    public var baseline: Bool
    public var category: String
    public var environments: [String]
    public var installerType: String?
    public var sha256: String?
    /// Where the licence allows use: `admin`, `edu` or `both`; nil until a reviewer decided.
    public var licenceScope: String?
    /// The submission whose installer this version is; nil for a catalogued version (no installer yet).
    public var submission: Int64?
    /// The latest recorded test of this installer passed (a test record exists and says so).
    public var tested: Bool
    /// A stored signature over this installer verifies against the pinned root with the catalog key role.
    public var signed: Bool
    /// Published, and its signature verifies: only such a version can be ordered.
    public var orderable: Bool
}

/// What an import did.
public struct ImportSummary: Codable, Sendable, Equatable {
    public var programs: Int
    public var versionsAdded: Int
    public var versionsUnchanged: Int
    public var profiles: Int
    /// Upstream releases newly recorded from the manifests' release days.
    public var upstreamReleases: Int
}

/// What an export wrote.
public struct ExportSummary: Codable, Sendable, Equatable {
    public var directory: String
    public var manifests: Int
    public var profiles: Int
}

extension CatalogService {
    /// Every package version with its program, ordered by program then release date.
    public func catalog(state: PackageState? = nil, program: String? = nil, by actor: DepotUser) async throws -> [CatalogEntry] {
        try actor.require(.readCatalog)
        var entries = try await database.writer.read { db in try Self.catalogEntries(db, state: state, program: program) }
        markVerifiedSignatures(&entries)
        if let program, entries.isEmpty {
            let known = try await database.writer.read { db in
                try ProgramRecord.filter(ProgramRecord.Columns.slug == program).fetchCount(db) > 0
            }
            if !known {
                throw ServiceError(.notFound, code: "program.unknown",
                    "there is no program '\(program)' in the catalog; 'depot catalog list' shows the programs")
            }
        }
        return entries
    }

    static func catalogEntries(_ db: Database, state: PackageState?, program: String?) throws -> [CatalogEntry] {
        var sql = """
            SELECT v.*, p.slug, p.name, p.publisher, p.baseline, p.category, p.environments AS programEnvironments,
                   (SELECT s.id FROM submission s WHERE s.packageVersionId = v.id) AS submissionId,
                   (SELECT t.passed FROM packageTest t WHERE t.packageVersionId = v.id ORDER BY t.id DESC LIMIT 1) AS lastTestPassed
            FROM packageVersion v JOIN program p ON p.id = v.programId
            """
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let state { conditions.append("v.state = ?"); arguments += [state.rawValue] }
        if let program { conditions.append("p.slug = ?"); arguments += [program] }
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY p.slug, v.released, v.id"
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            let version = try PackageVersionRecord(row: row)
            return CatalogEntry(
                id: version.id!, program: row["slug"], name: row["name"], version: version.version, variant: version.variant,
                publisher: row["publisher"], state: version.state, released: version.released, platforms: version.platforms,
                architectures: version.architectures, licence: version.licence, baseline: row["baseline"],
                category: row["category"], environments: Self.decodeList(row["programEnvironments"]),
                installerType: version.installerType, sha256: version.sha256, licenceScope: version.licenceScope,
                submission: row["submissionId"], tested: (row["lastTestPassed"] as Bool?) ?? false,
                // `signed` and `orderable` are set only after the stored signature verifies (markVerifiedSignatures).
                signed: false, orderable: false)
        }
    }

    static func decodeList(_ json: String?) -> [String] {
        guard let json, let data = json.data(using: .utf8) else { return [] }
        return (try? JSONDecoder().decode([String].self, from: data)) ?? []
    }

    /// The profiles (named bundles of programs per user type).
    public func profiles(by actor: DepotUser) async throws -> [CatalogProfile] {
        try actor.require(.readCatalog)
        return try await database.writer.read { db in
            try ProfileRecord.order(ProfileRecord.Columns.slug).fetchAll(db).map {
                CatalogProfile(profile: $0.slug, name: $0.name, description: $0.description,
                               environment: $0.environment, programs: $0.programs)
            }
        }
    }

    /// Reads every manifest under `directory/programs` and `directory/profiles`, checks them all, and stores them
    /// in one transaction: a single bad file imports nothing, and the error lists every problem with its line.
    public func importCatalog(from directory: URL, by actor: DepotUser) async throws -> ImportSummary {
        try actor.require(.manageCatalog)
        let (manifests, profiles) = try Self.readManifests(directory)
        let stamp = nowString
        let at = now
        return try await database.writer.write { db in
            var added = 0, unchanged = 0, releases = 0
            var programIds: [String: Int64] = [:]
            for manifest in manifests {
                let programId: Int64
                if let known = programIds[manifest.program] {
                    programId = known
                } else if var existing = try ProgramRecord.filter(ProgramRecord.Columns.slug == manifest.program).fetchOne(db) {
                    let updated = Self.programRecord(manifest, id: existing.id, createdAt: existing.createdAt, updatedAt: stamp)
                    if Self.differs(existing, updated) {
                        existing = updated
                        try existing.update(db)
                    }
                    programId = existing.id!
                } else {
                    var record = Self.programRecord(manifest, id: nil, createdAt: stamp, updatedAt: stamp)
                    try record.insert(db)
                    programId = record.id!
                }
                programIds[manifest.program] = programId
                let exists = try PackageVersionRecord
                    .filter(PackageVersionRecord.Columns.programId == programId && PackageVersionRecord.Columns.version == manifest.version)
                    .fetchCount(db) > 0
                if try Self.recordManifestRelease(db, manifest, source: "\(directory.lastPathComponent)/programs/\(manifest.program)/\(manifest.version).yaml",
                                                  by: actor.name, at: stamp) {
                    releases += 1
                }
                if exists { unchanged += 1; continue }
                // A manifest describes a program; it carries no installer, no licence decision and no signature.
                var version = PackageVersionRecord(
                    programId: programId, version: manifest.version, state: .catalogued, released: manifest.released,
                    licence: manifest.licence, platforms: manifest.platforms, architectures: manifest.architectures,
                    installerType: manifest.installerType, origin: "catalog", createdAt: stamp, updatedAt: stamp,
                    licenceScope: nil)
                try version.insert(db)
                added += 1
            }
            for profile in profiles {
                var record = ProfileRecord(slug: profile.profile, name: profile.name, description: profile.description,
                                           environment: profile.environment, programs: profile.programs)
                if let existing = try ProfileRecord.filter(ProfileRecord.Columns.slug == profile.profile).fetchOne(db) {
                    record.id = existing.id
                    try record.update(db)
                } else {
                    try record.insert(db)
                }
            }
            let summary = ImportSummary(programs: programIds.count, versionsAdded: added, versionsUnchanged: unchanged,
                                        profiles: profiles.count, upstreamReleases: releases)
            try AuditLog.append(db, at: at, actor: actor.name, action: "catalog.import", subject: "catalog",
                                after: Snapshot.json(summary))
            return summary
        }
    }

    /// Records the manifest's release day as an upstream release when none is recorded for that version yet
    /// (a recorded day, from the CLI or an earlier import, is kept). True when a release was added.
    static func recordManifestRelease(_ db: Database, _ manifest: CatalogManifest, source: String, by actor: String,
                                      at stamp: String) throws -> Bool {
        guard !manifest.released.isEmpty, try upstreamRelease(db, program: manifest.program, version: manifest.version) == nil
        else { return false }
        var record = UpstreamReleaseRecord(program: manifest.program, version: manifest.version, released: manifest.released,
                                           source: source, recordedBy: actor, recordedAt: stamp)
        try record.insert(db)
        return true
    }

    static func differs(_ a: ProgramRecord, _ b: ProgramRecord) -> Bool {
        var b = b
        b.updatedAt = a.updatedAt
        return a != b
    }

    static func programRecord(_ m: CatalogManifest, id: Int64?, createdAt: String, updatedAt: String) -> ProgramRecord {
        ProgramRecord(id: id, slug: m.program, name: m.name, publisher: m.publisher, category: m.category,
                      baseline: m.baseline, environments: m.environments, versionScheme: m.versionScheme,
                      installerType: m.installerType, silentSwitch: m.silentSwitch, homepage: m.homepage,
                      description: m.description, createdAt: createdAt, updatedAt: updatedAt)
    }

    /// Parses and cross-checks every file before anything is stored.
    static func readManifests(_ directory: URL) throws -> ([CatalogManifest], [CatalogProfile]) {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ServiceError(.invalidInput, code: "catalog.directory",
                "\(directory.path) is not a directory; point 'depot catalog import' at a folder holding programs/ and profiles/")
        }
        let programsDir = directory.appendingPathComponent("programs")
        guard fm.fileExists(atPath: programsDir.path) else {
            throw ServiceError(.invalidInput, code: "catalog.layout",
                "\(directory.path) has no programs/ folder; manifests go in programs/<program>/<version>.yaml (see Catalog/README.md)")
        }
        var manifests: [CatalogManifest] = []
        var problems: [String] = []
        let base = directory.lastPathComponent
        for program in try sortedContents(programsDir) {
            let folder = programsDir.appendingPathComponent(program)
            guard (try? folder.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true else {
                problems.append("\(base)/programs/\(program): expected a folder per program, found a file"); continue
            }
            for file in try sortedContents(folder) {
                let path = "\(base)/programs/\(program)/\(file)"
                guard file.hasSuffix(".yaml") || file.hasSuffix(".yml") else {
                    problems.append("\(path): not a .yaml manifest; remove it or rename it"); continue
                }
                let version = String(file.dropLast(file.hasSuffix(".yaml") ? 5 : 4))
                guard let text = readText(folder.appendingPathComponent(file), path: path, problems: &problems) else { continue }
                switch CatalogManifest.parse(text, file: path, expectedProgram: program, expectedVersion: version) {
                case .success(let manifest): manifests.append(manifest)
                case .failure(let error): problems += error.problems
                }
            }
        }
        // Program-level fields must agree across a program's versions, or an import would silently pick one.
        var firstOf: [String: CatalogManifest] = [:]
        for manifest in manifests {
            guard let first = firstOf[manifest.program] else { firstOf[manifest.program] = manifest; continue }
            for (field, a, b) in [("name", first.name, manifest.name), ("publisher", first.publisher, manifest.publisher),
                                  ("category", first.category, manifest.category),
                                  ("baseline", "\(first.baseline)", "\(manifest.baseline)"),
                                  ("environments", "\(first.environments)", "\(manifest.environments)")] where a != b {
                problems.append("\(base)/programs/\(manifest.program)/\(manifest.version).yaml: '\(field)' is \(b) but \(first.version).yaml says \(a); a program's versions must agree")
            }
        }
        var profiles: [CatalogProfile] = []
        let profilesDir = directory.appendingPathComponent("profiles")
        if fm.fileExists(atPath: profilesDir.path) {
            for file in try sortedContents(profilesDir) where file.hasSuffix(".yaml") {
                let path = "\(base)/profiles/\(file)"
                guard let text = readText(profilesDir.appendingPathComponent(file), path: path, problems: &problems) else { continue }
                switch CatalogProfile.parse(text, file: path, expected: String(file.dropLast(5))) {
                case .success(let profile):
                    for program in profile.programs {
                        guard let known = firstOf[program] else {
                            problems.append("\(path): program '\(program)' is not in the catalog"); continue
                        }
                        if !known.environments.contains(profile.environment) {
                            problems.append("\(path): program '\(program)' is not meant for \(profile.environment) (its environments are \(known.environments.joined(separator: ", ")))")
                        }
                    }
                    profiles.append(profile)
                case .failure(let error): problems += error.problems
                }
            }
        }
        if !problems.isEmpty { throw ManifestError(problems: problems) }
        return (manifests, profiles)
    }

    static func sortedContents(_ url: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).filter { !$0.hasPrefix(".") && $0 != "README.md" }.sorted()
    }

    static func readText(_ url: URL, path: String, problems: inout [String]) -> String? {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            problems.append("\(path): cannot be read"); return nil
        }
        guard data.count <= 1 << 20 else { problems.append("\(path): larger than 1 MiB; a manifest is a few lines"); return nil }
        guard let text = String(data: data, encoding: .utf8) else { problems.append("\(path): not UTF-8 text"); return nil }
        return text
    }

    /// Writes the catalog as manifests (programs/<program>/<version>.yaml and profiles/<profile>.yaml) into `directory`.
    public func exportCatalog(to directory: URL, by actor: DepotUser) async throws -> ExportSummary {
        try actor.require(.manageCatalog)
        let (manifests, profiles) = try await database.writer.read { db -> ([CatalogManifest], [CatalogProfile]) in
            let rows = try Row.fetchAll(db, sql: """
                SELECT v.*, p.slug, p.name, p.publisher, p.category, p.baseline, p.environments AS programEnvironments,
                       p.versionScheme, p.installerType AS programInstallerType, p.silentSwitch, p.homepage, p.description
                FROM packageVersion v JOIN program p ON p.id = v.programId
                WHERE v.origin = 'catalog' AND v.variant = '' ORDER BY p.slug, v.id
                """)
            let manifests = try rows.map { row -> CatalogManifest in
                let v = try PackageVersionRecord(row: row)
                return CatalogManifest(
                    program: row["slug"], name: row["name"], publisher: row["publisher"], version: v.version,
                    released: v.released ?? "", licence: v.licence ?? "", platforms: v.platforms, architectures: v.architectures,
                    category: row["category"], baseline: row["baseline"], environments: Self.decodeList(row["programEnvironments"]),
                    versionScheme: row["versionScheme"], installerType: v.installerType ?? row["programInstallerType"] ?? "exe",
                    silentSwitch: row["silentSwitch"], homepage: row["homepage"] ?? "", description: row["description"] ?? "")
            }
            let profiles = try ProfileRecord.order(ProfileRecord.Columns.slug).fetchAll(db).map {
                CatalogProfile(profile: $0.slug, name: $0.name, description: $0.description, environment: $0.environment, programs: $0.programs)
            }
            return (manifests, profiles)
        }
        let fm = FileManager.default
        do {
            for manifest in manifests {
                let folder = directory.appendingPathComponent("programs").appendingPathComponent(manifest.program)
                try fm.createDirectory(at: folder, withIntermediateDirectories: true)
                try Data(manifest.yaml().utf8).write(to: folder.appendingPathComponent("\(manifest.version).yaml"), options: .atomic)
            }
            if !profiles.isEmpty {
                let folder = directory.appendingPathComponent("profiles")
                try fm.createDirectory(at: folder, withIntermediateDirectories: true)
                for profile in profiles {
                    try Data(profile.yaml().utf8).write(to: folder.appendingPathComponent("\(profile.profile).yaml"), options: .atomic)
                }
            }
        } catch {
            throw ServiceError(.invalidInput, code: "catalog.export",
                "could not write the export to \(directory.path): \(error.localizedDescription); choose a writable directory")
        }
        return ExportSummary(directory: directory.path, manifests: manifests.count, profiles: profiles.count)
    }
}
