import DepotModel
import Foundation
import GRDB
import Storage

/// A request to package a catalogued program, as the packagers' queue shows it.
public struct PackagingRequestView: Codable, Sendable, Equatable {
    public var id: Int64
    public var program: String
    public var name: String
    /// The version asked for; nil asks for the newest release.
    public var version: String?
    public var note: String?
    public var requestedBy: String
    public var requestedAt: String
    /// The state of the asked-for version now (`catalogued` until a packager submits its installer).
    public var state: PackageState?
}

extension CatalogService {
    /// Records that `actor` wants a program (a catalogued version of it) packaged. A version that already has an
    /// installer is refused with its state: it needs no packaging request.
    public func requestPackaging(program: String, version: String? = nil, note: String? = nil,
                                 by actor: DepotUser) async throws -> PackagingRequestView {
        try actor.require(.requestPackaging)
        let note = note?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let note, note.count > 2_000 {
            throw ServiceError(.invalidInput, code: "packaging.note", "--note is \(note.count) characters; keep it under 2000")
        }
        let at = now
        let stamp = nowString
        return try await database.writer.write { db in
            let programId = try Self.programId(db, program)
            if let version {
                let versions = try PackageVersionRecord
                    .filter(PackageVersionRecord.Columns.programId == programId && PackageVersionRecord.Columns.version == version)
                    .fetchAll(db)
                guard !versions.isEmpty else {
                    throw ServiceError(.notFound, code: "version.unknown",
                        "\(program) has no version '\(version)' in the catalog; 'depot catalog list --program \(program)' shows its versions")
                }
                if let packaged = versions.first(where: { $0.state != .catalogued }) {
                    throw ServiceError(.conflict, code: "packaging.exists",
                        "\(program) \(version) already has an installer (\(packaged.state.rawValue)); it needs no packaging request")
                }
            }
            var record = PackagingRequestRecord(programId: programId, version: version, note: note?.isEmpty == true ? nil : note,
                                                requestedBy: actor.name, requestedAt: stamp)
            try record.insert(db)
            let view = try Self.packagingRequestView(db, record)
            try AuditLog.append(db, at: at, actor: actor.name, action: "packaging.request", subject: "program:\(program)",
                                after: Snapshot.json(view))
            return view
        }
    }

    /// Every packaging request, newest first.
    public func packagingRequests(by actor: DepotUser) async throws -> [PackagingRequestView] {
        try actor.require(.readCatalog)
        return try await database.writer.read { db in
            try PackagingRequestRecord.order(Column("id").desc).fetchAll(db).map { try Self.packagingRequestView(db, $0) }
        }
    }

    static func packagingRequestView(_ db: Database, _ r: PackagingRequestRecord) throws -> PackagingRequestView {
        let program = try ProgramRecord.fetchOne(db, key: r.programId)
        var state: PackageState?
        if let version = r.version {
            state = try PackageVersionRecord
                .filter(PackageVersionRecord.Columns.programId == r.programId && PackageVersionRecord.Columns.version == version)
                .fetchAll(db).map(\.state).max()
        }
        return PackagingRequestView(id: r.id!, program: program?.slug ?? "?", name: program?.name ?? "?", version: r.version,
                                    note: r.note, requestedBy: r.requestedBy, requestedAt: r.requestedAt, state: state)
    }
}
