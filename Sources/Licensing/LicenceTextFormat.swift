import Foundation

/// The formats licence and EULA files come in; RTF and HTML are reduced to plain text with one
/// line per paragraph, and line numbers in results refer to that plain text.
public enum LicenceTextFormat: String, Sendable, Codable {
    case plain, rtf, html

    /// The format by content first (`{\rtf`, `<html`), then by file extension.
    public static func sniff(path: String, bytes: [UInt8]) -> LicenceTextFormat {
        let head = String(decoding: bytes.prefix(512), as: UTF8.self).lowercased()
            .trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: "\u{FEFF}")))
        if head.hasPrefix("{\\rtf") { return .rtf }
        if head.hasPrefix("<!doctype html") || head.hasPrefix("<html") || head.contains("<body") || head.contains("<html") {
            return .html
        }
        let lower = path.lowercased()
        if lower.hasSuffix(".rtf") { return .rtf }
        if lower.hasSuffix(".html") || lower.hasSuffix(".htm") || lower.hasSuffix(".xhtml") { return .html }
        return .plain
    }

    /// Decodes bytes as UTF-8, or UTF-16 with a byte-order mark, or Windows-1252 when not valid UTF-8.
    public static func decode(_ bytes: [UInt8]) -> String {
        if bytes.count >= 2, bytes[0] == 0xFF, bytes[1] == 0xFE {
            return String(data: Data(bytes.dropFirst(2)), encoding: .utf16LittleEndian) ?? ""
        }
        if bytes.count >= 2, bytes[0] == 0xFE, bytes[1] == 0xFF {
            return String(data: Data(bytes.dropFirst(2)), encoding: .utf16BigEndian) ?? ""
        }
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if let text = String(validating: body, as: UTF8.self) { return text }
        return String(body.map { Character(windows1252($0)) })
    }

    /// Plain text from a file's bytes in the given format.
    public static func plainText(_ bytes: [UInt8], format: LicenceTextFormat) -> String {
        switch format {
        case .plain: return decode(bytes)
        case .rtf: return RTFText.plainText(bytes)
        case .html: return HTMLText.plainText(decode(bytes))
        }
    }

    static func windows1252(_ byte: UInt8) -> Unicode.Scalar {
        let high: [UInt32] = [0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
                              0x2039, 0x0152, 0x8D, 0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
                              0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178]
        if byte >= 0x80, byte < 0xA0, let scalar = Unicode.Scalar(high[Int(byte - 0x80)]) { return scalar }
        return Unicode.Scalar(byte)
    }
}

/// RTF to text: control words and destinations (font tables, pictures, `{\*…}`) are dropped,
/// `\par` and `\line` end lines, `\'hh` and `\uN` become characters.
enum RTFText {
    static let skippedDestinations: Set<String> = [
        "fonttbl", "colortbl", "stylesheet", "info", "pict", "object", "header", "footer", "headerl", "headerr",
        "footerl", "footerr", "listtable", "listoverridetable", "rsidtbl", "generator", "xmlnstbl", "themedata",
        "colorschememapping", "latentstyles", "datastore", "filetbl", "revtbl", "pgdsctbl", "fldinst", "bkmkstart", "bkmkend",
    ]

    static func plainText(_ bytes: [UInt8]) -> String {
        var output = String.UnicodeScalarView()
        // Each group remembers whether it is skipped; depth is bounded so hostile nesting cannot exhaust memory.
        var skipStack: [Bool] = [false]
        var unicodeSkip = 1
        var pendingSkip = 0
        var index = 0
        let count = bytes.count
        func skipping() -> Bool { skipStack.last ?? false }
        func emit(_ scalar: Unicode.Scalar) {
            if pendingSkip > 0 { pendingSkip -= 1; return }
            if !skipping() { output.append(scalar) }
        }
        while index < count {
            let byte = bytes[index]
            switch byte {
            case 0x7B: // {
                if skipStack.count < 512 { skipStack.append(skipping()) }
                index += 1
                if index + 1 < count, bytes[index] == 0x5C, bytes[index + 1] == 0x2A { // {\*
                    skipStack[skipStack.count - 1] = true
                }
            case 0x7D: // }
                if skipStack.count > 1 { skipStack.removeLast() }
                index += 1
            case 0x5C: // backslash
                index += 1
                guard index < count else { break }
                let next = bytes[index]
                if next == 0x27, index + 2 < count { // \'hh
                    let hex = String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self)
                    if let value = UInt8(hex, radix: 16) { emit(LicenceTextFormat.windows1252(value)) }
                    index += 3
                } else if LicenceNormaliser.isAlnum(next), !(next >= 0x30 && next <= 0x39) {
                    var word = ""
                    while index < count, (bytes[index] >= 0x61 && bytes[index] <= 0x7A) || (bytes[index] >= 0x41 && bytes[index] <= 0x5A),
                          word.count < 32 {
                        word.append(Character(Unicode.Scalar(bytes[index])))
                        index += 1
                    }
                    var parameter = ""
                    if index < count, bytes[index] == 0x2D { parameter.append("-"); index += 1 }
                    while index < count, bytes[index] >= 0x30, bytes[index] <= 0x39, parameter.count < 11 {
                        parameter.append(Character(Unicode.Scalar(bytes[index])))
                        index += 1
                    }
                    if index < count, bytes[index] == 0x20 { index += 1 }
                    let value = Int(parameter)
                    switch word {
                    case "par", "line", "row", "sect", "page": if !skipping() { output.append("\n") }
                    case "tab", "cell": if !skipping() { output.append("\t") }
                    case "uc": unicodeSkip = max(0, min(value ?? 1, 4))
                    case "u":
                        if var code = value {
                            if code < 0 { code += 65536 }
                            if let scalar = Unicode.Scalar(UInt32(clamping: code)) { emit(scalar) }
                            pendingSkip = unicodeSkip
                        }
                    case "emdash": emit("\u{2014}")
                    case "endash": emit("\u{2013}")
                    case "lquote": emit("\u{2018}")
                    case "rquote": emit("\u{2019}")
                    case "ldblquote": emit("\u{201C}")
                    case "rdblquote": emit("\u{201D}")
                    case "bullet": emit("\u{2022}")
                    default:
                        if skippedDestinations.contains(word) { skipStack[skipStack.count - 1] = true }
                    }
                } else {
                    // Control symbols: \\ \{ \} are literal, \~ is a space, others are dropped.
                    switch next {
                    case 0x5C, 0x7B, 0x7D: emit(Unicode.Scalar(next))
                    case 0x7E: emit(" ")
                    case 0x0A, 0x0D: if !skipping() { output.append("\n") }
                    default: break
                    }
                    index += 1
                }
            case 0x0A, 0x0D:
                index += 1 // Line breaks in RTF source are not text.
            default:
                if byte < 0x80 {
                    emit(Unicode.Scalar(byte))
                } else {
                    emit(LicenceTextFormat.windows1252(byte))
                }
                index += 1
            }
        }
        return String(output)
    }
}

/// HTML to text: scripts and styles dropped, block elements end lines, entities decoded.
enum HTMLText {
    static let blockElements: Set<String> = [
        "p", "br", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
        "article", "blockquote", "pre", "hr", "dt", "dd", "title", "header", "footer", "td", "th",
    ]

    static let entities: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "copy": "©", "reg": "®",
        "trade": "™", "mdash": "—", "ndash": "–", "hellip": "…", "lsquo": "‘", "rsquo": "’", "ldquo": "“",
        "rdquo": "”", "sect": "§", "para": "¶", "bull": "•", "middot": "·", "laquo": "«", "raquo": "»",
        "auml": "ä", "ouml": "ö", "aring": "å", "Auml": "Ä", "Ouml": "Ö", "Aring": "Å", "eacute": "é",
        "Eacute": "É", "uuml": "ü", "Uuml": "Ü", "szlig": "ß", "euro": "€", "shy": "",
    ]

    static func plainText(_ html: String) -> String {
        var output = ""
        output.reserveCapacity(html.utf8.count)
        let scalars = Array(html.unicodeScalars)
        var index = 0
        let count = scalars.count
        var skipUntil: String?
        var preformatted = false
        while index < count {
            let scalar = scalars[index]
            if scalar == "<" {
                // Comments end at -->; tags at the next >.
                if index + 3 < count, scalars[index + 1] == "!", scalars[index + 2] == "-", scalars[index + 3] == "-" {
                    var probe = index + 4
                    while probe + 2 < count, !(scalars[probe] == "-" && scalars[probe + 1] == "-" && scalars[probe + 2] == ">") {
                        probe += 1
                    }
                    index = min(count, probe + 3)
                    continue
                }
                var probe = index + 1
                while probe < count, scalars[probe] != ">" { probe += 1 }
                let inside = String(String.UnicodeScalarView(scalars[(index + 1)..<min(probe, count)]))
                index = min(count, probe + 1)
                let closing = inside.hasPrefix("/")
                let name = inside.drop(while: { $0 == "/" })
                    .prefix(while: { $0.isLetter || $0.isNumber }).lowercased()
                if let waiting = skipUntil {
                    if closing, name == waiting { skipUntil = nil }
                    continue
                }
                if !closing, name == "script" || name == "style" {
                    skipUntil = name
                    continue
                }
                if name == "pre" { preformatted = !closing }
                if blockElements.contains(name) { output.append("\n") }
                continue
            }
            index += 1
            if skipUntil != nil { continue }
            if scalar == "&" {
                var probe = index
                while probe < count, probe - index < 10, scalars[probe] != ";", scalars[probe] != "&", scalars[probe] != " " {
                    probe += 1
                }
                if probe < count, scalars[probe] == ";" {
                    let name = String(String.UnicodeScalarView(scalars[index..<probe]))
                    if let decoded = decodeEntity(name) {
                        output.append(decoded)
                        index = probe + 1
                        continue
                    }
                }
                output.append("&")
                continue
            }
            if !preformatted, scalar == "\n" || scalar == "\r" || scalar == "\t" {
                output.append(" ")
            } else {
                output.unicodeScalars.append(scalar)
            }
        }
        // Collapse the spaces that tags and source indentation leave at line starts.
        return output.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .joined(separator: "\n")
    }

    static func decodeEntity(_ name: String) -> String? {
        if name.hasPrefix("#x") || name.hasPrefix("#X") {
            guard let value = UInt32(name.dropFirst(2), radix: 16), let scalar = Unicode.Scalar(value) else { return nil }
            return String(Character(scalar))
        }
        if name.hasPrefix("#") {
            guard let value = UInt32(name.dropFirst()), let scalar = Unicode.Scalar(value) else { return nil }
            return String(Character(scalar))
        }
        return entities[name]
    }
}
