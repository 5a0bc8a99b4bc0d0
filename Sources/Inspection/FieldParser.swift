/// Parsers for the "Key: value" files of packages: Debian control and DEP-5 copyright, Python METADATA
/// (RFC 822 style, continuation lines start with white space) and Java MANIFEST.MF (lines wrapped at 72 bytes,
/// continuation lines start with exactly one space that is not part of the value).
enum FieldParser {
    typealias Field = (key: String, value: String)

    /// Paragraphs separated by blank lines, each a list of fields in order. Multi-line values keep their
    /// line breaks; a lone "." line (Debian's empty line) becomes an empty line.
    static func paragraphs(_ text: String) -> [[Field]] {
        var out: [[Field]] = []
        var current: [Field] = []
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = line.hasSuffix("\r") ? line.dropLast() : line
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) {
                if !current.isEmpty { out.append(current); current = [] }
                continue
            }
            if line.first == " " || line.first == "\t" {
                guard !current.isEmpty else { continue }
                let piece = line.trimmingWhitespace()
                current[current.count - 1].value += "\n" + (piece == "." ? "" : piece)
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = String(line[..<colon]).trimmingWhitespace()
            let value = String(line[line.index(after: colon)...]).trimmingWhitespace()
            current.append((key, value))
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    /// The header fields of an RFC 822 style file: its first paragraph (METADATA's body is the description).
    static func header(_ text: String) -> [Field] { paragraphs(text).first ?? [] }

    /// The first value of `key` (case-insensitive), or nil when absent or empty.
    static func value(_ key: String, in fields: [Field]) -> String? {
        let lower = key.lowercased()
        guard let value = fields.first(where: { $0.key.lowercased() == lower })?.value, !value.isEmpty else { return nil }
        return value
    }

    /// Every value of `key` (case-insensitive).
    static func values(_ key: String, in fields: [Field]) -> [String] {
        let lower = key.lowercased()
        return fields.filter { $0.key.lowercased() == lower }.map(\.value)
    }

    /// The main section of a JAR manifest.
    static func jarManifest(_ text: String) -> [Field] {
        var fields: [Field] = []
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = line.hasSuffix("\r") ? line.dropLast() : line
            if line.isEmpty { if !fields.isEmpty { break } else { continue } }
            if line.first == " " {
                if !fields.isEmpty { fields[fields.count - 1].value += String(line.dropFirst()) }
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields.append((String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingWhitespace()))
        }
        return fields
    }
}

extension StringProtocol {
    /// The string without leading and trailing spaces, tabs and line breaks.
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
