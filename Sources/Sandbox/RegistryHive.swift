import Foundation

/// A Wine registry file (`system.reg`, `user.reg`) read as keys and their values, without running Wine.
/// Values keep their file text (`"text"`, `dword:00000001`, `hex:…`), so two snapshots compare exactly.
struct RegistryHive: Sendable, Equatable {
    /// Key path (as Windows writes it, e.g. `HKLM\Software\Wow6432Node\…`) → value name (`""` for the default) → raw value.
    var keys: [String: [String: String]]

    init(keys: [String: [String: String]] = [:]) { self.keys = keys }

    /// Reads `file`, naming each key below `root` (`HKLM` or `HKCU`). A missing file is an empty hive.
    init(contentsOf file: URL, root: String) throws {
        guard FileManager.default.fileExists(atPath: file.path) else {
            self.init()
            return
        }
        let data = try Data(contentsOf: file)
        self.init(text: String(decoding: data, as: UTF8.self), root: root)
    }

    init(text: String, root: String) {
        var keys: [String: [String: String]] = [:]
        var current: String?
        var pending = ""
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line = line.dropLast() }
            // Long hex values continue on the next line after a trailing backslash.
            if !pending.isEmpty {
                pending += line.trimmingCharacters(in: .whitespaces)
                if pending.hasSuffix("\\") { pending.removeLast(); continue }
                if let key = current, let (name, value) = Self.value(pending) { keys[key, default: [:]][name] = value }
                pending = ""
                continue
            }
            if line.hasPrefix("[") {
                guard let close = line.lastIndex(of: "]") else { current = nil; continue }
                let name = Self.unescape(line[line.index(after: line.startIndex)..<close])
                let path = root + "\\" + name
                current = path
                if keys[path] == nil { keys[path] = [:] }
            } else if line.hasPrefix("\"") || line.hasPrefix("@") {
                if line.hasSuffix("\\") && !line.hasSuffix("\\\\\"") && Self.isContinued(line) {
                    pending = String(line.dropLast())
                    continue
                }
                if let key = current, let (name, value) = Self.value(String(line)) { keys[key, default: [:]][name] = value }
            }
        }
        self.keys = keys
    }

    /// A value line continues when it is a hex value ending in a backslash (strings end in a quote).
    private static func isContinued(_ line: Substring) -> Bool {
        guard let equals = valueSeparator(line) else { return false }
        let value = line[line.index(after: equals)...]
        return value.hasPrefix("hex")
    }

    /// The `=` after the value's (quoted) name.
    private static func valueSeparator<S: StringProtocol>(_ line: S) -> S.Index? {
        if line.hasPrefix("@") { return line.index(after: line.startIndex) }
        var escaped = false
        var index = line.index(after: line.startIndex)
        while index < line.endIndex {
            let c = line[index]
            if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" {
                let next = line.index(after: index)
                return next < line.endIndex && line[next] == "=" ? next : nil
            }
            index = line.index(after: index)
        }
        return nil
    }

    private static func value(_ line: String) -> (String, String)? {
        guard let equals = valueSeparator(line) else { return nil }
        let name = line.hasPrefix("@") ? "" : unescape(line[line.index(after: line.startIndex)..<line.index(before: equals)])
        return (name, String(line[line.index(after: equals)...]))
    }

    /// Undoes the file's escapes: `\\`, `\"`, `\n`, `\t`, `\0`, `\xHHHH`.
    static func unescape<S: StringProtocol>(_ text: S) -> String {
        var out = ""
        var iterator = Array(text.unicodeScalars).makeIterator()
        while let c = iterator.next() {
            guard c == "\\" else { out.unicodeScalars.append(c); continue }
            guard let n = iterator.next() else { break }
            switch n {
            case "n": out += "\n"
            case "t": out += "\t"
            case "r": out += "\r"
            case "0": out += "\0"
            case "x":
                var hex = ""
                var rest: Unicode.Scalar?
                while let h = iterator.next() {
                    if h.properties.isASCIIHexDigit, hex.count < 4 { hex.unicodeScalars.append(h) } else { rest = h; break }
                }
                if let v = UInt32(hex, radix: 16), let s = Unicode.Scalar(v) { out.unicodeScalars.append(s) }
                if let rest { out.unicodeScalars.append(rest) }
            default: out.unicodeScalars.append(n)
            }
        }
        return out
    }

    /// A value as a person reads it: strings unquoted, DWORDs as decimal numbers, binary as it is in the file.
    static func display(_ raw: String) -> String {
        if raw.hasPrefix("\"") && raw.hasSuffix("\"") && raw.count >= 2 {
            return unescape(raw.dropFirst().dropLast())
        }
        if raw.hasPrefix("str(2):\"") && raw.hasSuffix("\"") {
            return unescape(raw.dropFirst(8).dropLast())
        }
        if raw.hasPrefix("dword:"), let v = UInt32(raw.dropFirst(6), radix: 16) { return String(v) }
        return raw
    }

    /// The readable value of `name` under `key`, or nil.
    func string(_ key: String, _ name: String) -> String? {
        keys[key]?[name].map(Self.display)
    }
}
