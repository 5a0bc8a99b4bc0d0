/// A strict parser for SPDX licence expressions (SPDX specification, annex "SPDX License Expressions").
///
/// Precedence is WITH > AND > OR; parentheses group. Operators are case-sensitive (`and` is refused
/// with a hint), identifiers are case-insensitive and come back in the list's canonical case.
/// Deprecated identifiers are replaced by their current form (`GPL-2.0+` → `GPL-2.0-or-later`).
public struct SPDXExpressionParser: Sendable {
    public let list: SPDXLicenseList
    /// Accept identifiers that are not on the list (kept as written) instead of refusing them.
    public let allowUnknownIdentifiers: Bool
    /// Replace deprecated identifiers by their current form.
    public let updateDeprecated: Bool

    /// Longer inputs are refused: a declared licence is a short string, and this bounds the work.
    public static let maximumLength = 4096
    static let maximumDepth = 64

    public init(list: SPDXLicenseList = .builtIn, allowUnknownIdentifiers: Bool = false, updateDeprecated: Bool = true) {
        self.list = list
        self.allowUnknownIdentifiers = allowUnknownIdentifiers
        self.updateDeprecated = updateDeprecated
    }

    enum TokenKind: Equatable {
        case open, close, and, or, with, word(String), plus
    }

    struct Token {
        let kind: TokenKind
        let text: String
        let column: Int
    }

    /// Parses the whole input or throws a `LicensingError` whose `column` points at the bad token.
    public func parse(_ input: String) throws -> SPDXExpression {
        guard input.count <= Self.maximumLength else {
            throw LicensingError.expression(String(input.prefix(40)) + "…", column: Self.maximumLength + 1,
                                            "it is longer than \(Self.maximumLength) characters")
        }
        var state = State(tokens: try tokenize(input), input: input)
        guard !state.tokens.isEmpty else {
            throw LicensingError.expression(input, column: 1, "the expression is empty; give at least one licence identifier")
        }
        let expression = try parseOr(&state, depth: 0)
        if let extra = state.peek {
            if extra.kind == .close {
                throw LicensingError.expression(input, column: extra.column, "')' has no matching '('")
            }
            throw LicensingError.expression(input, column: extra.column,
                                            "expected AND, OR or the end of the expression but found '\(extra.text)'")
        }
        return expression
    }

    struct State {
        let tokens: [Token]
        let input: String
        var index = 0
        var peek: Token? { index < tokens.count ? tokens[index] : nil }
        var endColumn: Int { input.count + 1 }
        mutating func next() -> Token? {
            defer { index += 1 }
            return peek
        }
    }

    func tokenize(_ input: String) throws -> [Token] {
        var tokens: [Token] = []
        var column = 0
        var word = ""
        var wordColumn = 0
        func flush() throws {
            guard !word.isEmpty else { return }
            defer { word = "" }
            var body = word
            var plusColumn: Int?
            if body.hasSuffix("+") {
                body.removeLast()
                plusColumn = wordColumn + body.count
                guard !body.isEmpty else {
                    throw LicensingError.expression(input, column: wordColumn, "'+' must directly follow a licence identifier")
                }
            }
            if let bad = body.firstIndex(where: { !Self.isIdentifierCharacter($0) }) {
                let offset = body.distance(from: body.startIndex, to: bad)
                throw LicensingError.expression(input, column: wordColumn + offset,
                                                "'\(body[bad])' is not allowed; identifiers use letters, digits, '-' and '.'")
            }
            let kind: TokenKind
            switch body {
            case "AND": kind = .and
            case "OR": kind = .or
            case "WITH": kind = .with
            default:
                if ["and", "or", "with"].contains(body.lowercased()) {
                    throw LicensingError.expression(input, column: wordColumn,
                                                    "operator '\(body)' must be written in upper case: '\(body.uppercased())'")
                }
                kind = .word(body)
            }
            tokens.append(Token(kind: kind, text: body, column: wordColumn))
            if let plusColumn {
                if case .word = kind {
                    tokens.append(Token(kind: .plus, text: "+", column: plusColumn))
                } else {
                    throw LicensingError.expression(input, column: plusColumn, "'+' must directly follow a licence identifier")
                }
            }
        }
        for character in input {
            column += 1
            if character.isWhitespace {
                try flush()
            } else if character == "(" || character == ")" {
                try flush()
                tokens.append(Token(kind: character == "(" ? .open : .close, text: String(character), column: column))
            } else {
                if word.isEmpty { wordColumn = column }
                word.append(character)
            }
        }
        try flush()
        return tokens
    }

    static func isIdentifierCharacter(_ character: Character) -> Bool {
        guard character.isASCII, let ascii = character.asciiValue else { return false }
        return (ascii >= 0x30 && ascii <= 0x39) || (ascii >= 0x41 && ascii <= 0x5A) || (ascii >= 0x61 && ascii <= 0x7A)
            || character == "-" || character == "." || character == ":"
    }

    func parseOr(_ state: inout State, depth: Int) throws -> SPDXExpression {
        var operands = [try parseAnd(&state, depth: depth)]
        while state.peek?.kind == .or {
            _ = state.next()
            operands.append(try parseAnd(&state, depth: depth))
        }
        return SPDXExpression.anyOf(operands) ?? operands[0]
    }

    func parseAnd(_ state: inout State, depth: Int) throws -> SPDXExpression {
        var operands = [try parseWith(&state, depth: depth)]
        while state.peek?.kind == .and {
            _ = state.next()
            operands.append(try parseWith(&state, depth: depth))
        }
        return SPDXExpression.allOf(operands) ?? operands[0]
    }

    func parseWith(_ state: inout State, depth: Int) throws -> SPDXExpression {
        let startsWithParenthesis = state.peek?.kind == .open
        let primary = try parsePrimary(&state, depth: depth)
        guard let withToken = state.peek, withToken.kind == .with else { return primary }
        if startsWithParenthesis {
            throw LicensingError.expression(state.input, column: withToken.column,
                                            "WITH applies to a single licence, not to a parenthesised expression")
        }
        _ = state.next()
        guard let exceptionToken = state.next(), case .word(let name) = exceptionToken.kind else {
            let column = state.tokens.indices.contains(state.index - 1) ? state.tokens[state.index - 1].column : state.endColumn
            throw LicensingError.expression(state.input, column: column, "WITH must be followed by an exception identifier")
        }
        let exception: String
        if name.lowercased().hasPrefix("additionref-"), name.count > 12 {
            exception = "AdditionRef-" + name.dropFirst(12)
        } else if let known = list.exception(name) {
            exception = known
        } else if allowUnknownIdentifiers {
            exception = name
        } else {
            throw LicensingError.expression(state.input, column: exceptionToken.column,
                                            "'\(name)' is not an SPDX licence exception identifier (for example Classpath-exception-2.0)")
        }
        if state.peek?.kind == .plus {
            throw LicensingError.expression(state.input, column: state.peek?.column ?? state.endColumn, "'+' cannot follow an exception")
        }
        return .with(primary, exception: exception)
    }

    func parsePrimary(_ state: inout State, depth: Int) throws -> SPDXExpression {
        guard let token = state.next() else {
            throw LicensingError.expression(state.input, column: state.endColumn,
                                            "the expression ends where a licence identifier or '(' was expected")
        }
        switch token.kind {
        case .open:
            guard depth < Self.maximumDepth else {
                throw LicensingError.expression(state.input, column: token.column, "parentheses nest deeper than \(Self.maximumDepth)")
            }
            let inner = try parseOr(&state, depth: depth + 1)
            guard let close = state.next(), close.kind == .close else {
                throw LicensingError.expression(state.input, column: token.column, "'(' is never closed")
            }
            return inner
        case .word(let text):
            var orLater = false
            if state.peek?.kind == .plus {
                _ = state.next()
                orLater = true
            }
            return try resolve(text, orLater: orLater, column: token.column, input: state.input)
        case .close:
            throw LicensingError.expression(state.input, column: token.column, "expected a licence identifier or '(' but found ')'")
        case .and, .or, .with, .plus:
            throw LicensingError.expression(state.input, column: token.column,
                                            "expected a licence identifier or '(' but found '\(token.text)'")
        }
    }

    func resolve(_ word: String, orLater: Bool, column: Int, input: String) throws -> SPDXExpression {
        let lower = word.lowercased()
        if lower.hasPrefix("documentref-") || lower.hasPrefix("licenseref-") {
            let parts = word.split(separator: ":", omittingEmptySubsequences: false)
            var document: String?
            var ref = word
            if lower.hasPrefix("documentref-") {
                guard parts.count == 2, parts[0].count > 12 else {
                    throw LicensingError.expression(input, column: column,
                                                    "'\(word)' must have the form DocumentRef-<id>:LicenseRef-<id>")
                }
                document = "DocumentRef-" + parts[0].dropFirst(12)
                ref = String(parts[1])
            } else if parts.count != 1 {
                throw LicensingError.expression(input, column: column, "':' is only allowed after a DocumentRef-<id>")
            }
            guard ref.lowercased().hasPrefix("licenseref-"), ref.count > 11 else {
                throw LicensingError.expression(input, column: column, "'\(word)' must name a LicenseRef-<id> after the ':'")
            }
            if orLater {
                throw LicensingError.expression(input, column: column + word.count, "'+' cannot follow a LicenseRef")
            }
            return .licenseRef(document: document, ref: "LicenseRef-" + ref.dropFirst(11))
        }
        if word.contains(":") {
            throw LicensingError.expression(input, column: column, "':' is only allowed in DocumentRef-<id>:LicenseRef-<id>")
        }
        guard let info = list.licence(word) else {
            if allowUnknownIdentifiers { return .license(id: word, orLater: orLater) }
            throw LicensingError.expression(input, column: column,
                                            "'\(word)' is not an SPDX licence identifier; use one from the SPDX list or LicenseRef-\(word) for other terms")
        }
        if info.isDeprecated, updateDeprecated,
           let replacement = list.replacement(forDeprecated: info.id, orLater: orLater) {
            return replacement
        }
        // `+` on an explicit -only/-or-later identifier means the or-later form.
        if orLater, info.id.hasSuffix("-only") || info.id.hasSuffix("-or-later") {
            let family = info.id.hasSuffix("-only") ? String(info.id.dropLast(5)) : String(info.id.dropLast(9))
            if let later = list.licence(family + "-or-later") { return .license(id: later.id, orLater: false) }
        }
        return .license(id: info.id, orLater: orLater)
    }
}
