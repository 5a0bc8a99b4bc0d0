import DepotModel
import DepotPolicy

/// A release list that cannot be read, naming the line and what to change.
public struct UpstreamImportError: DepotError {
    /// The 1-based line of the problem (0 for the file as a whole).
    public let line: Int
    /// What is wrong and how to fix it.
    public let problem: String

    /// Always `invalidInput`.
    public var kind: ErrorKind { .invalidInput }
    /// `upstream.invalid`.
    public var code: String { "upstream.invalid" }
    /// "line 4: …".
    public var message: String { line > 0 ? "line \(line): \(problem)" : problem }
}

/// One row of an upstream release list: which program, which version, released when.
public struct UpstreamReleaseRow: Sendable, Hashable, Codable {
    /// The catalog program id.
    public var program: String
    /// The release.
    public var release: UpstreamRelease

    /// A row in code.
    public init(program: String, release: UpstreamRelease) {
        self.program = program
        self.release = release
    }
}

/// Reads `depot upstream import FILE.csv`: a header naming `program`, `version` and `released` (YYYY-MM-DD) in
/// any order, other columns ignored, RFC 4180 quoting, LF or CRLF line ends, an optional UTF-8 BOM.
public enum UpstreamReleaseCSV {
    /// The rows in file order; throws on the first bad line so nothing half-read is imported.
    public static func parse(_ text: String, maxRows: Int = 1_000_000) throws(UpstreamImportError) -> [UpstreamReleaseRow] {
        let records = try records(text)
        guard let header = records.first else {
            throw UpstreamImportError(line: 0, problem: "the file is empty; expected a header line 'program,version,released'")
        }
        let names = header.fields.map { $0.trimmed.lowercased() }
        func column(_ name: String) throws(UpstreamImportError) -> Int {
            guard let index = names.firstIndex(of: name) else {
                throw UpstreamImportError(line: header.line, problem: "the header has no '\(name)' column; "
                    + "expected 'program,version,released' (found '\(names.joined(separator: ","))')")
            }
            return index
        }
        let program = try column("program"), version = try column("version"), released = try column("released")
        var rows: [UpstreamReleaseRow] = []
        for record in records.dropFirst() {
            if record.fields.allSatisfy({ $0.trimmed.isEmpty }) { continue }
            guard rows.count < maxRows else {
                throw UpstreamImportError(line: record.line, problem: "more than \(maxRows) releases; split the file")
            }
            func field(_ index: Int, _ name: String) throws(UpstreamImportError) -> String {
                let value = index < record.fields.count ? record.fields[index].trimmed : ""
                guard !value.isEmpty else {
                    throw UpstreamImportError(line: record.line, problem: "the '\(name)' field is empty")
                }
                return value
            }
            let id = try field(program, "program")
            let text = try field(version, "version")
            let dayText = try field(released, "released")
            guard let day = CalendarDate(dayText) else {
                throw UpstreamImportError(line: record.line, problem: "released '\(dayText)' is not a date; write it as YYYY-MM-DD")
            }
            rows.append(UpstreamReleaseRow(program: id, release: UpstreamRelease(version: text, released: day)))
        }
        return rows
    }

    private static func records(_ text: String) throws(UpstreamImportError) -> [(line: Int, fields: [String])] {
        var result: [(line: Int, fields: [String])] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var line = 1
        var recordLine = 1
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var i = 0
        func endField() { fields.append(String(decoding: field, as: UTF8.self)); field.removeAll(keepingCapacity: true) }
        while i < bytes.count {
            let b = bytes[i]
            if quoted {
                if b == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\"") {
                        field.append(b)
                        i += 1
                    } else {
                        quoted = false
                    }
                } else {
                    if b == UInt8(ascii: "\n") { line += 1 }
                    field.append(b)
                }
            } else if b == UInt8(ascii: "\"") && field.isEmpty {
                quoted = true
            } else if b == UInt8(ascii: ",") {
                endField()
            } else if b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") {
                if b == UInt8(ascii: "\r"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\n") { i += 1 }
                endField()
                result.append((recordLine, fields))
                fields.removeAll()
                line += 1
                recordLine = line
            } else {
                field.append(b)
            }
            i += 1
        }
        if quoted {
            throw UpstreamImportError(line: recordLine, problem: "a quoted field is not closed; add the closing '\"'")
        }
        if !field.isEmpty || !fields.isEmpty {
            endField()
            result.append((recordLine, fields))
        }
        return result
    }
}

extension String {
    fileprivate var trimmed: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return String(s)
    }
}
