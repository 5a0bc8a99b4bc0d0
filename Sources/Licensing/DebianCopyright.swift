import Foundation

/// Debian machine-readable copyright files (DEP-5): the `License:` field of each `Files:` paragraph is the
/// licence of those files, in Debian's short names ("GPL-2+", "Expat", "GPL-2+ with OpenSSL exception");
/// stand-alone `License:` paragraphs carry the texts of the names the Files paragraphs use.
enum DebianCopyright {
    struct Field {
        var name: String
        var value: String
        var line: Int
        var continuation: [String] = []
        var lastLine: Int
    }

    /// True for a DEP-5 file: a `Format:` header naming the copyright format, or `Files:` paragraphs with `License:` fields.
    static func isMachineReadable(_ lines: [Substring]) -> Bool {
        guard let first = lines.first(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else { return false }
        let lower = first.lowercased()
        if lower.hasPrefix("format:") || lower.hasPrefix("format-specification:") {
            return lower.contains("copyright-format") || lower.contains("dep5") || lower.contains("dep-5")
        }
        var files = 0
        var licences = 0
        for line in lines.prefix(4000) {
            if line.hasPrefix("Files:") { files += 1 }
            if line.hasPrefix("License:") { licences += 1 }
        }
        return files >= 1 && licences >= files
    }

    static func paragraphs(_ lines: [Substring]) -> [[Field]] {
        var result: [[Field]] = []
        var current: [Field] = []
        for (index, raw) in lines.enumerated() {
            let line = String(raw).replacingOccurrences(of: "\r", with: "")
            if line.trimmingCharacters(in: .whitespaces).isEmpty {
                if !current.isEmpty { result.append(current); current = [] }
                continue
            }
            if line.first == " " || line.first == "\t" {
                guard !current.isEmpty else { continue }
                let body = line.trimmingCharacters(in: .whitespaces)
                current[current.count - 1].continuation.append(body == "." ? "" : body)
                current[current.count - 1].lastLine = index + 1
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            current.append(Field(name: name, value: value, line: index + 1, lastLine: index + 1))
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    /// Debian exception names ("with OpenSSL exception") → SPDX exceptions where the list has one.
    static let exceptionNames: [String: String] = [
        "classpath": "Classpath-exception-2.0", "font": "Font-exception-2.0", "gcc": "GCC-exception-3.1",
        "gcc-runtime": "GCC-exception-3.1", "bison": "Bison-exception-2.2", "autoconf": "Autoconf-exception-2.0",
        "libtool": "Libtool-exception", "llvm": "LLVM-exception", "ocaml": "OCaml-LGPL-linking-exception",
        "qt": "Qt-LGPL-exception-1.1", "openssl": "LicenseRef-depot-OpenSSL-exception",
    ]

    /// The matches of a DEP-5 file: one per distinct licence of the Files paragraphs, with the field's lines.
    static func matches(lines: [Substring], file: String, detector: LicenceDetector, reader: DeclaredLicenceReader) -> [LicenceMatch] {
        let paragraphs = paragraphs(lines)
        var texts: [String: (text: String, first: Int, last: Int)] = [:]
        var uses: [(name: String, field: Field)] = []
        for paragraph in paragraphs {
            guard let licence = paragraph.first(where: { $0.name == "license" }) else { continue }
            let isFiles = paragraph.contains { $0.name == "files" }
            let isHeader = paragraph.contains { $0.name == "format" || $0.name == "format-specification" }
            if !licence.continuation.isEmpty {
                texts[licence.value.lowercased()] = (licence.continuation.joined(separator: "\n"), licence.line + 1, licence.lastLine)
            }
            if isFiles || isHeader { uses.append((licence.value, licence)) }
        }
        var results: [LicenceMatch] = []
        var seen = Set<String>()
        for (name, field) in uses where !name.isEmpty {
            let expression = read(name, texts: texts, file: file, detector: detector, reader: reader)
            let id = expression?.description
                ?? (LicenceDetector.unknownPrefix + String(detector.hash(texts[name.lowercased()]?.text ?? name).prefix(8)))
            guard seen.insert(id).inserted else { continue }
            let confident = expression != nil
            results.append(LicenceMatch(id: id, file: file, startLine: field.line, endLine: field.lastLine, coverage: confident ? 1 : 0,
                                        confidence: confident ? 0.99 : 0, rule: confident ? .dep5 : .unknown,
                                        nearest: nil))
        }
        return results
    }

    /// One `License:` value: Debian names joined by "or", "and" and ",", each perhaps "with X exception".
    static func read(_ name: String, texts: [String: (text: String, first: Int, last: Int)], file: String,
                     detector: LicenceDetector, reader: DeclaredLicenceReader) -> SPDXExpression? {
        let lowered = name.lowercased()
        // "GPL-2+ with OpenSSL exception"
        if let match = lowered.range(of: #"\s+with\s+([a-z0-9.+_-]+)\s+exception"#, options: .regularExpression) {
            let base = String(name[..<match.lowerBound])
            let exceptionWord = lowered[match].split(separator: " ").dropFirst().first.map(String.init) ?? ""
            guard let licence = read(base, texts: texts, file: file, detector: detector, reader: reader) else { return nil }
            let exception = exceptionNames[exceptionWord] ?? "LicenseRef-depot-\(exceptionWord)-exception"
            let rest = String(name[match.upperBound...]).trimmingCharacters(in: .whitespaces)
            let combined = SPDXExpression.with(licence, exception: exception)
            guard !rest.isEmpty else { return combined }
            guard let other = read(rest.replacingOccurrences(of: #"^(or|and|,)\s+"#, with: "", options: [.regularExpression, .caseInsensitive]),
                                   texts: texts, file: file, detector: detector, reader: reader) else { return nil }
            return rest.lowercased().hasPrefix("or") ? SPDXExpression.anyOf([combined, other]) : SPDXExpression.allOf([combined, other])
        }
        // Debian's own spellings of names the SPDX list has.
        if lowered.hasPrefix("public-domain") || lowered == "pd" { return .licenseRef(document: nil, ref: "LicenseRef-depot-public-domain") }
        if let match = lowered.range(of: #"^gfdl-niv-(1\.[123])(\+?)$"#, options: .regularExpression) {
            let version = lowered[match].dropFirst(9).replacingOccurrences(of: "+", with: "")
            return .license(id: "GFDL-\(version)-no-invariants-\(lowered.hasSuffix("+") ? "or-later" : "only")", orLater: false)
        }
        let declared = reader.read(name)
        if let expression = declared.expression, declared.reading != .unrecognised {
            return expression
        }
        // A name of the package's own ("other", "BSD-like-foo"): the stand-alone paragraph's text decides.
        if let text = texts[lowered]?.text {
            let found = detector.analyse(text, file: file, structured: false).matches
            let named = found.filter(\.isConfident)
            if !named.isEmpty, named.count == found.count { return LicenceDetector.expression(of: named) }
        }
        return nil
    }
}
