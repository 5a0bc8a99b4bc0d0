/// A property-list value written as Apple's XML plist, with dictionary keys sorted so output is byte-stable.
enum PlistValue: Sendable, Equatable {
    case string(String)
    case integer(Int64)
    case bool(Bool)
    case array([PlistValue])
    case dictionary([String: PlistValue])

    static func document(_ root: PlistValue) -> String {
        var out = """
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
        <plist version="1.0">

        """
        root.write(into: &out, depth: 0)
        out += "</plist>\n"
        return out
    }

    func write(into out: inout String, depth: Int) {
        let pad = String(repeating: "\t", count: depth)
        switch self {
        case let .string(s): out += "\(pad)<string>\(x(s))</string>\n"
        case let .integer(n): out += "\(pad)<integer>\(n)</integer>\n"
        case let .bool(b): out += "\(pad)<\(b ? "true" : "false")/>\n"
        case let .array(items):
            if items.isEmpty { out += "\(pad)<array/>\n"; return }
            out += "\(pad)<array>\n"
            for item in items { item.write(into: &out, depth: depth + 1) }
            out += "\(pad)</array>\n"
        case let .dictionary(d):
            if d.isEmpty { out += "\(pad)<dict/>\n"; return }
            out += "\(pad)<dict>\n"
            for key in d.keys.sorted() {
                out += "\(pad)\t<key>\(x(key))</key>\n"
                d[key]?.write(into: &out, depth: depth + 1)
            }
            out += "\(pad)</dict>\n"
        }
    }
}
