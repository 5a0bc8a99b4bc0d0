/// A fragment of HTML. Interpolated `String`s (and anything else that is not `HTML`) are escaped; only `HTML`
/// values pass through as markup. `HTML.escape` is the one place text becomes markup.
struct HTML: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    let markup: String

    init(raw markup: String) { self.markup = markup }
    init(stringLiteral value: String) { markup = value }
    init(stringInterpolation: Interpolation) { markup = stringInterpolation.output }

    var description: String { markup }

    static let empty = HTML(raw: "")

    /// Escapes the five characters that can end text or an attribute value: & < > " '.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    struct Interpolation: StringInterpolationProtocol {
        var output = ""
        init(literalCapacity: Int, interpolationCount: Int) { output.reserveCapacity(literalCapacity * 2) }
        mutating func appendLiteral(_ literal: String) { output += literal }
        mutating func appendInterpolation(_ html: HTML) { output += html.markup }
        mutating func appendInterpolation(_ html: [HTML]) { for item in html { output += item.markup } }
        mutating func appendInterpolation(_ text: String) { output += HTML.escape(text) }
        mutating func appendInterpolation(_ text: String?) { output += HTML.escape(text ?? "") }
        mutating func appendInterpolation<T: CustomStringConvertible>(_ value: T) { output += HTML.escape(value.description) }
    }
}

extension Array where Element == HTML {
    func joined() -> HTML { HTML(raw: map(\.markup).joined()) }
}

extension HTML {
    /// `<option>` elements with one selected.
    static func options(_ values: [(value: String, label: String)], selected: String?) -> HTML {
        values.map { v in
            v.value == selected ? HTML("<option value=\"\(v.value)\" selected>\(v.label)</option>")
                                : HTML("<option value=\"\(v.value)\">\(v.label)</option>")
        }.joined()
    }

    /// A labelled text input.
    static func field(_ id: String, label: String, value: String? = nil, required: Bool = false, type: String = "text",
                      hint: String? = nil) -> HTML {
        let req = required ? HTML(raw: " required") : .empty
        let hintHTML: HTML = hint.map { HTML("<small id=\"\(id)-hint\">\($0)</small>") } ?? .empty
        let described: HTML = hint == nil ? .empty : HTML(" aria-describedby=\"\(id)-hint\"")
        return """
            <p><label for="\(id)">\(label)</label><input type="\(type)" id="\(id)" name="\(id)" value="\(value ?? "")"\(req)\(described)>\(hintHTML)</p>
            """
    }
}
