/// A parsed SPDX licence expression. `and`/`or` are flattened n-ary nodes; `with` wraps a simple
/// expression (a licence or a LicenseRef) and an exception identifier.
public indirect enum SPDXExpression: Sendable, Hashable {
    /// A licence from the SPDX list, in canonical case; `orLater` is the `+` operator.
    case license(id: String, orLater: Bool)
    /// A licence outside the list: `ref` is `LicenseRef-…`, `document` is `DocumentRef-…` when given.
    case licenseRef(document: String?, ref: String)
    /// A licence with an exception (`GPL-2.0-only WITH Classpath-exception-2.0`).
    case with(SPDXExpression, exception: String)
    /// All operands apply.
    case and([SPDXExpression])
    /// The recipient may choose one operand.
    case or([SPDXExpression])

    /// Parses strictly by the SPDX specification (see `SPDXExpressionParser`).
    public static func parse(_ text: String, list: SPDXLicenseList = .builtIn) throws -> SPDXExpression {
        try SPDXExpressionParser(list: list).parse(text)
    }

    /// Every licence identifier and LicenseRef named in the expression, in order of first appearance.
    public var identifiers: [String] {
        var seen = Set<String>()
        var result: [String] = []
        func visit(_ node: SPDXExpression) {
            switch node {
            case .license, .licenseRef:
                let name = node.description
                if seen.insert(name).inserted { result.append(name) }
            case .with(let inner, _): visit(inner)
            case .and(let operands), .or(let operands): operands.forEach(visit)
            }
        }
        visit(self)
        return result
    }

    /// The operands joined with AND, flattened and without duplicates; nil for none.
    public static func allOf(_ operands: [SPDXExpression]) -> SPDXExpression? {
        var flat: [SPDXExpression] = []
        for operand in operands {
            let parts: [SPDXExpression]
            if case .and(let inner) = operand { parts = inner } else { parts = [operand] }
            for part in parts where !flat.contains(part) { flat.append(part) }
        }
        switch flat.count {
        case 0: return nil
        case 1: return flat[0]
        default: return .and(flat)
        }
    }

    /// The operands joined with OR, flattened and without duplicates; nil for none.
    public static func anyOf(_ operands: [SPDXExpression]) -> SPDXExpression? {
        var flat: [SPDXExpression] = []
        for operand in operands {
            let parts: [SPDXExpression]
            if case .or(let inner) = operand { parts = inner } else { parts = [operand] }
            for part in parts where !flat.contains(part) { flat.append(part) }
        }
        switch flat.count {
        case 0: return nil
        case 1: return flat[0]
        default: return .or(flat)
        }
    }
}

extension SPDXExpression: CustomStringConvertible {
    /// The canonical expression: list case, upper-case operators, parentheses only where precedence needs them.
    public var description: String {
        switch self {
        case .license(let id, let orLater):
            return orLater ? id + "+" : id
        case .licenseRef(let document, let ref):
            return document.map { "\($0):\(ref)" } ?? ref
        case .with(let inner, let exception):
            return "\(inner.description) WITH \(exception)"
        case .and(let operands):
            return operands.map { operand in
                if case .or = operand { return "(\(operand.description))" }
                return operand.description
            }.joined(separator: " AND ")
        case .or(let operands):
            return operands.map(\.description).joined(separator: " OR ")
        }
    }
}

extension SPDXExpression: Codable {
    /// Encoded as the canonical expression string.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try SPDXExpressionParser(list: .builtIn, allowUnknownIdentifiers: true).parse(text)
        } catch let error as LicensingError {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }
}
