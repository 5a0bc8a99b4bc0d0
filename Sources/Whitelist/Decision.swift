/// The answer of a whitelist rule: allowed, or refused with a reason a school admin can read.
public enum Decision: Sendable, Equatable, Codable {
    /// The request may go ahead.
    case allowed
    /// The request is refused; `reason` says why and, where possible, what would allow it.
    case refused(reason: String)

    /// True for `.allowed`.
    public var isAllowed: Bool { self == .allowed }

    /// The refusal reason, or nil when allowed.
    public var reason: String? {
        if case let .refused(reason) = self { return reason }
        return nil
    }
}
