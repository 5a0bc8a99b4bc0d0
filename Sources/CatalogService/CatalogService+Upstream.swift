import DepotModel
import DepotPolicy
import Foundation
import GRDB
import Lifecycle
import Storage

/// One upstream release as recorded: what the vendor released and who said so.
public struct UpstreamReleaseView: Codable, Sendable, Equatable {
    public var program: String
    public var version: String
    /// `YYYY-MM-DD`.
    public var released: String
    /// `cli`, or the file it was imported from.
    public var source: String
    public var recordedBy: String
    public var recordedAt: String

    init(_ record: UpstreamReleaseRecord) {
        program = record.program
        version = record.version
        released = record.released
        source = record.source
        recordedBy = record.recordedBy
        recordedAt = record.recordedAt
    }
}

/// What `depot upstream import` did.
public struct UpstreamImportSummary: Codable, Sendable, Equatable {
    public var file: String
    public var added: Int
    /// Rows already recorded with the same release day.
    public var unchanged: Int
}

extension CatalogService {
    /// Records one release of a program by its vendor (`depot upstream add`). The same program, version and day
    /// again changes nothing; a different day for a recorded version is refused, naming the recorded one.
    public func addUpstreamRelease(program: String, version: String, released: String,
                                   by actor: DepotUser) async throws -> UpstreamReleaseView {
        try actor.require(.manageUpstream)
        guard let day = CalendarDate(released) else {
            throw ServiceError(.invalidInput, code: "upstream.date",
                "released '\(released)' is not a date; write it as YYYY-MM-DD, e.g. --released 2026-01-13")
        }
        let row = UpstreamReleaseRow(program: program, release: UpstreamRelease(version: version, released: day))
        let at = now
        let stamp = nowString
        return try await database.writer.write { db in
            let problems = self.upstreamProblems(row, in: try self.programIndex(db))
            if let problem = problems.first { throw ServiceError(.invalidInput, code: "upstream.invalid", problem) }
            if let existing = try Self.upstreamRelease(db, program: program, version: version) {
                guard existing.released == day.description else {
                    throw ServiceError(.conflict, code: "upstream.exists",
                        "\(program) \(version) is already recorded as released on \(existing.released) "
                        + "(by \(existing.recordedBy)); a release has one day, so check the vendor's release notes")
                }
                return UpstreamReleaseView(existing)
            }
            var record = UpstreamReleaseRecord(program: program, version: version, released: day.description, source: "cli",
                                               recordedBy: actor.name, recordedAt: stamp)
            try record.insert(db)
            let view = UpstreamReleaseView(record)
            try AuditLog.append(db, at: at, actor: actor.name, action: "upstream.add", subject: "program:\(program)",
                                after: Snapshot.json(view))
            return view
        }
    }

    /// Records every release in a CSV (`program,version,released`) or YAML file, all or nothing: every problem in
    /// the file is reported with its line, and nothing is stored while any remains.
    public func importUpstreamReleases(from file: URL, by actor: DepotUser) async throws -> UpstreamImportSummary {
        try actor.require(.manageUpstream)
        let name = file.lastPathComponent
        let shown = file.path
        let text: String
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw ServiceError(.notFound, code: "upstream.file", "there is no file \(shown); name a .csv or .yaml release list")
        }
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
            if let size = (attributes[.size] as? NSNumber)?.intValue, size > 64 << 20 {
                throw ServiceError(.invalidInput, code: "upstream.size", "\(shown) is \(size) bytes; split it into files under 64 MB")
            }
            guard let decoded = String(data: try Data(contentsOf: file), encoding: .utf8) else {
                throw ServiceError(.invalidInput, code: "upstream.encoding", "\(shown) is not UTF-8 text; save it as UTF-8")
            }
            text = decoded
        } catch let error as ServiceError {
            throw error
        } catch {
            throw ServiceError(.notFound, code: "upstream.file", "cannot read \(shown): \(error.localizedDescription)")
        }
        let rows = try Self.parseUpstreamFile(text, file: shown)
        let at = now
        let stamp = nowString
        return try await database.writer.write { db in
            let index = try self.programIndex(db)
            var problems: [String] = []
            var seen: [String: (line: Int, released: CalendarDate)] = [:]
            for (line, row) in rows {
                for problem in self.upstreamProblems(row, in: index) { problems.append("\(shown):\(line): \(problem)") }
                let key = row.program + "\u{0}" + row.release.version
                if let earlier = seen[key], earlier.released != row.release.released {
                    problems.append("\(shown):\(line): \(row.program) \(row.release.version) is also on line \(earlier.line) "
                        + "with released \(earlier.released); keep one")
                }
                seen[key] = seen[key] ?? (line, row.release.released)
                if let existing = try Self.upstreamRelease(db, program: row.program, version: row.release.version),
                   existing.released != row.release.released.description {
                    problems.append("\(shown):\(line): \(row.program) \(row.release.version) is already recorded as released on "
                        + "\(existing.released); correct the file")
                }
            }
            guard problems.isEmpty else {
                let head = problems.count == 1 ? "" : "\(problems.count) problems in \(shown); nothing was imported:\n"
                throw ServiceError(.invalidInput, code: "upstream.invalid", head + problems.prefix(200).joined(separator: "\n"))
            }
            var added = 0, unchanged = 0
            var inserted: Set<String> = []
            for (_, row) in rows {
                let key = row.program + "\u{0}" + row.release.version
                if try inserted.contains(key) || Self.upstreamRelease(db, program: row.program, version: row.release.version) != nil {
                    unchanged += 1
                    continue
                }
                var record = UpstreamReleaseRecord(program: row.program, version: row.release.version,
                                                   released: row.release.released.description, source: name,
                                                   recordedBy: actor.name, recordedAt: stamp)
                try record.insert(db)
                inserted.insert(key)
                added += 1
            }
            let summary = UpstreamImportSummary(file: name, added: added, unchanged: unchanged)
            try AuditLog.append(db, at: at, actor: actor.name, action: "upstream.import", subject: "file:\(name)",
                                after: Snapshot.json(summary))
            return summary
        }
    }

    /// Recorded releases, by program then release day (newest first); one program's with `program`.
    public func upstreamReleases(program: String? = nil, by actor: DepotUser) async throws -> [UpstreamReleaseView] {
        try actor.require(.readLifecycle)
        return try await database.writer.read { db in
            if let program, try !self.isKnownProgram(db, program) {
                throw ServiceError(.notFound, code: "program.unknown",
                    "there is no program '\(program)' in the catalog or in currency.yaml; 'depot catalog list' shows them")
            }
            var request = UpstreamReleaseRecord.all()
            if let program { request = request.filter(UpstreamReleaseRecord.Columns.program == program) }
            return try request.order(UpstreamReleaseRecord.Columns.program, Column("released").desc, Column("id").desc)
                .fetchAll(db).map(UpstreamReleaseView.init)
        }
    }

    static func upstreamRelease(_ db: Database, program: String, version: String) throws -> UpstreamReleaseRecord? {
        try UpstreamReleaseRecord
            .filter(UpstreamReleaseRecord.Columns.program == program && UpstreamReleaseRecord.Columns.version == version)
            .fetchOne(db)
    }

    /// Every program id the catalog holds or `currency.yaml` names, with the version scheme it declares.
    func programIndex(_ db: Database) throws -> [String: VersionScheme] {
        var index: [String: VersionScheme] = [:]
        for baseline in policies?.currency.baseline ?? [] { index[baseline.program] = .auto }
        for row in try Row.fetchAll(db, sql: "SELECT slug, versionScheme FROM program") {
            index[row["slug"]] = VersionScheme(rawValue: row["versionScheme"] ?? "") ?? .auto
        }
        return index
    }

    /// What is wrong with one release: an unknown program, or a version its scheme does not accept.
    func upstreamProblems(_ row: UpstreamReleaseRow, in index: [String: VersionScheme]) -> [String] {
        guard let scheme = index[row.program] else {
            return ["there is no program '\(row.program)' in the catalog or in currency.yaml; 'depot catalog list' shows the programs"]
        }
        do {
            try VersionComparator(scheme).validate(row.release.version)
        } catch {
            return ["\(row.program): \(error.message)"]
        }
        return []
    }

    /// Lines of CSV or YAML, each with the release it records. The format is chosen by extension, else by content.
    static func parseUpstreamFile(_ text: String, file: String) throws -> [(line: Int, row: UpstreamReleaseRow)] {
        let lower = file.lowercased()
        let firstLine = text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: CharacterSet.whitespaces.union(CharacterSet(charactersIn: "\u{FEFF}"))) }
            .first { !$0.isEmpty && !$0.hasPrefix("#") }
        let looksLikeCSV = firstLine.map { $0.contains(",") && !$0.hasPrefix("-") && !$0.contains(": ") } ?? false
        let isYAML = lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") || (!lower.hasSuffix(".csv") && !looksLikeCSV)
        if isYAML { return try parseUpstreamYAML(text, file: file) }
        let rows: [UpstreamReleaseRow]
        do {
            rows = try UpstreamReleaseCSV.parse(text)
        } catch {
            throw ServiceError(.invalidInput, code: error.code,
                error.line > 0 ? "\(file):\(error.line): \(error.problem)" : "\(file): \(error.problem)")
        }
        let lines = csvRecordLines(text)
        return rows.enumerated().map { index, row in (index < lines.count ? lines[index] : 0, row) }
    }

    /// `releases:` (or the document itself) as a list of `{program, version, released}` mappings.
    static func parseUpstreamYAML(_ text: String, file: String) throws -> [(line: Int, row: UpstreamReleaseRow)] {
        let reader = PolicyReader(yaml: text, file: file)
        var rows: [(line: Int, row: UpstreamReleaseRow)] = []
        func entry(_ item: PolicyValue) -> Bool? {
            item.mapping { m -> Bool? in
                let program = m.required("program")?.string("a program id")
                let version = m.required("version")?.string("the vendor's version, quoted (\"128.0\")")
                let released = m.required("released")?.date()
                _ = m.optional("note")
                guard let program, let version, let released else { return nil }
                rows.append((item.line ?? 0, UpstreamReleaseRow(program: program, release: UpstreamRelease(version: version, released: released))))
                return true
            }
        }
        // A bare list, or a mapping whose `releases:` holds the list; the first meaningful line tells which.
        let firstLine = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .first { !$0.isEmpty && !$0.hasPrefix("#") && $0 != "---" }
        if let root = reader.root {
            if firstLine?.hasPrefix("-") == true {
                _ = root.list(entry)
            } else {
                _ = root.mapping { m in m.required("releases")?.list(entry) }
            }
        }
        let problems = reader.problems
        guard problems.isEmpty else {
            let head = problems.count == 1 ? "" : "\(problems.count) problems in \(file); nothing was imported:\n"
            throw ServiceError(.invalidInput, code: "upstream.invalid", head + problems.map(\.description).joined(separator: "\n"))
        }
        return rows
    }

    /// The first line of each non-blank CSV record after the header, honouring quoted line breaks, so that
    /// problems found after parsing can name their line as `UpstreamReleaseCSV` names its own.
    static func csvRecordLines(_ text: String) -> [Int] {
        var lines: [Int] = []
        var line = 1, recordLine = 1
        var quoted = false, blank = true, header = true
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\"") { quoted.toggle(); blank = false; continue }
            if byte == UInt8(ascii: "\n") {
                line += 1
                if quoted { continue }
                if !blank && !header { lines.append(recordLine) }
                if !blank { header = false }
                recordLine = line
                blank = true
                continue
            }
            if !quoted, byte != UInt8(ascii: "\r"), byte != UInt8(ascii: ","), byte != UInt8(ascii: " "), byte != UInt8(ascii: "\t"),
               byte != 0xEF, byte != 0xBB, byte != 0xBF {
                blank = false
            }
        }
        if !blank && !header { lines.append(recordLine) }
        return lines
    }
}
