import Yams

/// The keys of one YAML mapping. Asking for a key marks it known; keys never asked for are reported.
public final class PolicyMapping {
    /// The mapping itself, for problems about the whole mapping.
    public let value: PolicyValue
    private var pairs: [(key: String, keyNode: Node, value: Node)] = []
    private var known: [String] = []
    private var acceptsAnyKey = false

    init(value: PolicyValue, mapping: Node.Mapping) {
        self.value = value
        for (key, child) in mapping {
            guard case let .scalar(scalar) = key else {
                PolicyValue(node: key, reader: value.reader, path: value.path).expected("a plain key name")
                continue
            }
            pairs.append((scalar.string, key, child))
        }
    }

    /// The keys present, in file order.
    public var keys: [String] { pairs.map(\.key) }

    /// A key that must be present with a value.
    public func required(_ key: String) -> PolicyValue? {
        if let found = optional(key) { return found }
        if let empty = pairs.last(where: { $0.key == key }) {
            PolicyValue(node: empty.value, reader: value.reader, path: childPath(key)).expected("a value")
        } else {
            value.report("missing required key '\(key)'")
        }
        return nil
    }

    /// A key that may be left out or left empty (`~`).
    public func optional(_ key: String) -> PolicyValue? {
        if !known.contains(key) { known.append(key) }
        guard let pair = pairs.last(where: { $0.key == key }) else { return nil }
        let child = PolicyValue(node: pair.value, reader: value.reader, path: childPath(key))
        return child.isNull ? nil : child
    }

    /// Every entry, for mappings whose keys are data (licence categories, tier names); marks all keys known.
    public func entries() -> [(key: String, keyValue: PolicyValue, value: PolicyValue)] {
        acceptsAnyKey = true
        return pairs.map { pair in
            (pair.key,
             PolicyValue(node: pair.keyNode, reader: value.reader, path: value.path),
             PolicyValue(node: pair.value, reader: value.reader, path: childPath(pair.key)))
        }
    }

    func reportUnknownKeys() {
        guard !acceptsAnyKey else { return }
        for pair in pairs where !known.contains(pair.key) {
            let keyValue = PolicyValue(node: pair.keyNode, reader: value.reader, path: value.path)
            if let nearest = Suggestion.nearest(to: pair.key, in: known) {
                keyValue.report("unknown key '\(pair.key)'; did you mean '\(nearest)'?")
            } else {
                keyValue.report("unknown key '\(pair.key)'; expected one of: \(known.joined(separator: ", "))")
            }
        }
    }

    private func childPath(_ key: String) -> String {
        value.path.isEmpty ? key : "\(value.path).\(key)"
    }
}
