import DepotModel
import GRDB
import Lifecycle
import Storage

/// The answer to a version comparison, with the scheme that decided it.
public struct VersionComparison: Codable, Sendable, Equatable {
    public var a: String
    public var b: String
    public var scheme: String
    /// `<`, `=` or `>`.
    public var order: String
}

extension CatalogService {
    /// The scheme to use: the named one; for `auto`, the program's declared scheme, else a guess from the strings.
    func resolveScheme(_ name: String, program: String?, versions: [String]) async throws -> VersionScheme {
        guard let scheme = VersionScheme(rawValue: name.lowercased()) else {
            throw ServiceError(.invalidInput, code: "version.scheme",
                "unknown version scheme '\(name)'; use one of: \(VersionScheme.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard scheme == .auto else { return scheme }
        if let program {
            let declared = try await database.writer.read { db in
                try ProgramRecord.filter(ProgramRecord.Columns.slug == program).fetchOne(db)?.versionScheme
            }
            guard let declared else {
                throw ServiceError(.notFound, code: "program.unknown", "there is no program '\(program)' in the catalog")
            }
            if let known = VersionScheme(rawValue: declared), known != .auto { return known }
        }
        return VersionComparator.guess(versions)
    }

    /// Compares two versions as the scheme's reference tool would.
    public func compareVersions(_ a: String, _ b: String, scheme: String = "auto", program: String? = nil) async throws -> VersionComparison {
        let resolved = try await resolveScheme(scheme, program: program, versions: [a, b])
        let order = try VersionComparator(resolved).compare(a, b)
        return VersionComparison(a: a, b: b, scheme: resolved.rawValue, order: order.symbol)
    }

    /// Sorts versions oldest first.
    public func sortVersions(_ versions: [String], scheme: String = "auto", program: String? = nil) async throws -> [String] {
        let resolved = try await resolveScheme(scheme, program: program, versions: versions)
        return try VersionComparator(resolved).sort(versions)
    }
}
