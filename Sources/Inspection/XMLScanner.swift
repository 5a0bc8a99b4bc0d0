import Foundation

/// A start tag found in an XML document, with its attributes and the text directly inside it.
struct XMLElement {
    var name: String
    var attributes: [String: String]
    var text: String?
}

/// A small tolerant scanner for the few manifest files intake reads (AppxManifest.xml, .nuspec, PackageInfo,
/// Distribution). It finds start tags by local name and reads their attributes and text; it does not
/// validate, resolve entities beyond the predefined and numeric ones, or load anything external.
enum XMLScanner {
    /// Decodes manifest bytes: UTF-8 (with or without BOM) or UTF-16 with a BOM.
    static func text(_ bytes: [UInt8]) -> String {
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            return String(data: Data(bytes), encoding: .utf16) ?? ""
        }
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        return String(decoding: body, as: UTF8.self)
    }

    /// Every start tag whose local name (namespace prefix ignored) is `name`, in document order.
    static func elements(_ name: String, in document: String) -> [XMLElement] {
        scan(document).filter { $0.name == name }
    }

    /// All start tags of the document, in order.
    static func scan(_ document: String) -> [XMLElement] {
        let chars = Array(document.unicodeScalars)
        var out: [XMLElement] = []
        var i = 0
        func starts(_ literal: String, at index: Int) -> Bool {
            var k = index
            for scalar in literal.unicodeScalars {
                guard k < chars.count, chars[k] == scalar else { return false }
                k += 1
            }
            return true
        }
        func skip(past literal: String, from index: Int) -> Int {
            var k = index
            while k < chars.count {
                if starts(literal, at: k) { return k + literal.unicodeScalars.count }
                k += 1
            }
            return chars.count
        }
        // Every branch moves `i` forward, so the scan ends on any input.
        while i < chars.count {
            guard chars[i] == "<" else { i += 1; continue }
            if starts("<!--", at: i) { i = skip(past: "-->", from: i + 4); continue }
            if starts("<![CDATA[", at: i) { i = skip(past: "]]>", from: i + 9); continue }
            if starts("<?", at: i) || starts("<!", at: i) || starts("</", at: i) { i = skip(past: ">", from: i + 1); continue }
            i += 1
            var name = ""
            while i < chars.count, !isSpace(chars[i]), chars[i] != ">", chars[i] != "/" {
                name.unicodeScalars.append(chars[i]); i += 1
            }
            var attributes: [String: String] = [:]
            var selfClosing = false
            while i < chars.count {
                while i < chars.count, isSpace(chars[i]) { i += 1 }
                guard i < chars.count else { break }
                if chars[i] == ">" { i += 1; break }
                if chars[i] == "/" { selfClosing = true; i += 1; continue }
                var key = ""
                while i < chars.count, !isSpace(chars[i]), chars[i] != "=", chars[i] != ">", chars[i] != "/" {
                    key.unicodeScalars.append(chars[i]); i += 1
                }
                while i < chars.count, isSpace(chars[i]) { i += 1 }
                guard i < chars.count, chars[i] == "=" else {
                    if key.isEmpty { i += 1 }
                    continue
                }
                i += 1
                while i < chars.count, isSpace(chars[i]) { i += 1 }
                guard i < chars.count else { break }
                let quote = chars[i]
                var value = ""
                if quote == "\"" || quote == "'" {
                    i += 1
                    while i < chars.count, chars[i] != quote { value.unicodeScalars.append(chars[i]); i += 1 }
                    i += 1
                } else {
                    while i < chars.count, !isSpace(chars[i]), chars[i] != ">" { value.unicodeScalars.append(chars[i]); i += 1 }
                }
                attributes[localName(key)] = decodeEntities(value)
                selfClosing = false
            }
            var text: String?
            if !selfClosing {
                var raw = ""
                var k = i
                if starts("<![CDATA[", at: k) {
                    k += 9
                    // Bounded: an unterminated CDATA after every tag must not make the scan quadratic.
                    let limit = min(chars.count, k + 65536)
                    while k < limit, !starts("]]>", at: k) { raw.unicodeScalars.append(chars[k]); k += 1 }
                    text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
                } else {
                    while k < chars.count, chars[k] != "<" { raw.unicodeScalars.append(chars[k]); k += 1 }
                    let trimmed = decodeEntities(raw).trimmingCharacters(in: .whitespacesAndNewlines)
                    text = trimmed.isEmpty ? nil : trimmed
                }
            }
            out.append(XMLElement(name: localName(name), attributes: attributes, text: text))
        }
        return out
    }

    private static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\n" || scalar == "\r" || scalar == "\t"
    }

    private static func localName(_ name: String) -> String {
        guard let colon = name.lastIndex(of: ":") else { return name }
        return String(name[name.index(after: colon)...])
    }

    static func decodeEntities(_ value: String) -> String {
        guard value.contains("&") else { return value }
        var out = ""
        var rest = Substring(value)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[amp...]
            guard let semi = after.prefix(12).firstIndex(of: ";") else {
                out += "&"
                rest = rest[rest.index(after: amp)...]
                continue
            }
            let entity = after[after.index(after: after.startIndex)..<semi]
            var replacement: String?
            switch entity {
            case "amp": replacement = "&"
            case "lt": replacement = "<"
            case "gt": replacement = ">"
            case "quot": replacement = "\""
            case "apos": replacement = "'"
            default:
                if entity.hasPrefix("#x") || entity.hasPrefix("#X"), let code = UInt32(entity.dropFirst(2), radix: 16),
                   let scalar = Unicode.Scalar(code) {
                    replacement = String(scalar)
                } else if entity.hasPrefix("#"), let code = UInt32(entity.dropFirst()), let scalar = Unicode.Scalar(code) {
                    replacement = String(scalar)
                }
            }
            if let replacement {
                out += replacement
                rest = rest[rest.index(after: semi)...]
            } else {
                out += "&"
                rest = rest[rest.index(after: amp)...]
            }
        }
        out += rest
        return out
    }
}
