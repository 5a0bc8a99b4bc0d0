/// Finds YAML aliases (`*name`) before the text reaches the parser, so that a file cannot expand into an
/// exponentially large tree. It reads YAML's surface only: quoted text, comments and block scalars
/// (`|`, `>`) are skipped; an asterisk inside plain prose ("a *very* long wait") is not an alias.
enum AliasScan {
    static func firstAlias(in text: String) -> (line: Int, column: Int)? {
        var quote: Unicode.Scalar?
        var blockIndent: Int?
        for (lineIndex, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let chars = Array(rawLine.unicodeScalars)
            let indent = chars.prefix { $0 == " " }.count
            if let parent = blockIndent {
                let blank = chars.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" }
                if blank || indent > parent { continue }
                blockIndent = nil
            }
            var previous: Unicode.Scalar?   // last significant character outside quotes on this line
            var content: [Unicode.Scalar] = []
            var index = 0
            while index < chars.count {
                let c = chars[index]
                defer { index += 1 }
                if let open = quote {
                    if open == "\"" && c == "\\" { index += 1; continue }
                    if c == open {
                        if open == "'" && index + 1 < chars.count && chars[index + 1] == "'" { index += 1; continue }
                        quote = nil
                        previous = c
                        content.append(c)
                    }
                    continue
                }
                let afterSpace = index == 0 || chars[index - 1] == " " || chars[index - 1] == "\t"
                if c == "#" && afterSpace { break }
                if c == " " || c == "\t" || c == "\r" { continue }
                let tokenStart = previous.map { "-:?[{,".unicodeScalars.contains($0) } ?? true
                let separated = afterSpace || "[{,".unicodeScalars.contains(chars[index - 1])
                if tokenStart && separated {
                    if c == "\"" || c == "'" {
                        quote = c
                        previous = c
                        content.append(c)
                        continue
                    }
                    if c == "*", index + 1 < chars.count, !" \t\r,[]{}".unicodeScalars.contains(chars[index + 1]) {
                        return (lineIndex + 1, index + 1)
                    }
                }
                previous = c
                content.append(c)
            }
            if quote == nil, opensBlockScalar(content) { blockIndent = indent }
        }
        return nil
    }

    /// True when a line's significant characters end in a block scalar header: `key: |`, `- >-`, `key: |2`.
    private static func opensBlockScalar(_ content: [Unicode.Scalar]) -> Bool {
        var end = content.count
        while end > 0, "-+0123456789".unicodeScalars.contains(content[end - 1]) { end -= 1 }
        guard end > 0, content[end - 1] == "|" || content[end - 1] == ">" else { return false }
        let before = end - 2
        return before < 0 || ":-?".unicodeScalars.contains(content[before])
    }
}
