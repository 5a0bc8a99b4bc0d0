/// Who pays: an administration number plus cost bearer (IKB), written `ADMIN:IKB` (e.g. `140:52120`),
/// or a free reference for the city's companies, written `ref:TEXT`.
public struct CostReference: Sendable, Codable, Equatable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable { case administration, company }
    public let kind: Kind
    public let administration: String?
    public let costBearer: String?
    public let reference: String?

    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.lowercased().hasPrefix("ref:") {
            let free = String(trimmed.dropFirst(4)).trimmingCharacters(in: .whitespaces)
            guard (1...64).contains(free.count), free.allSatisfy({ $0.isLetter || $0.isNumber || "-_./ ".contains($0) }) else {
                throw Self.invalid(text)
            }
            kind = .company; administration = nil; costBearer = nil; reference = free
            return
        }
        let parts = trimmed.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2,
              (1...6).contains(parts[0].count), parts[0].allSatisfy(\.isASCII), parts[0].allSatisfy(\.isNumber),
              (1...12).contains(parts[1].count), parts[1].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            throw Self.invalid(text)
        }
        kind = .administration; administration = String(parts[0]); costBearer = String(parts[1]).uppercased(); reference = nil
    }

    public var description: String {
        switch kind {
        case .administration: "\(administration ?? ""):\(costBearer ?? "")"
        case .company: "ref:\(reference ?? "")"
        }
    }

    // One shape everywhere (orders, quotes, invoices, reports): the string as written, "140:52120" or "ref:TEXT".
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    private enum LegacyKeys: String, CodingKey { case kind, administration, costBearer, reference }

    /// Reads the string, or the object that orders stored before the string was the one shape.
    public init(from decoder: any Decoder) throws {
        if let text = try? decoder.singleValueContainer().decode(String.self) {
            try self.init(parsing: text)
            return
        }
        let c = try decoder.container(keyedBy: LegacyKeys.self)
        switch try c.decode(Kind.self, forKey: .kind) {
        case .company: try self.init(parsing: "ref:" + (try c.decode(String.self, forKey: .reference)))
        case .administration:
            try self.init(parsing: try c.decode(String.self, forKey: .administration) + ":" + (try c.decode(String.self, forKey: .costBearer)))
        }
    }

    static func invalid(_ text: String) -> DepotFailure {
        DepotFailure(.invalidInput, code: "cost-ref.invalid",
            "'\(text)' is not a cost reference; write ADMIN:IKB (administration number, then cost bearer, e.g. 140:52120) or ref:TEXT for a city company")
    }
}
