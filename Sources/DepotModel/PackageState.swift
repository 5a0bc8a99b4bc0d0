/// Where a package version stands in the pipeline. Raw values are the words users see.
public enum PackageState: String, Sendable, Codable, CaseIterable, Comparable {
    /// A program version the city knows from a manifest (names, licence, release day) with no installer yet:
    /// visible and searchable, never orderable, never on a whitelist, never signed.
    case catalogued
    case submitted
    case inspected
    case quarantined
    case licenceApproved = "licence-approved"
    case licenceRejected = "licence-rejected"
    case classified
    case tested
    case signed
    case published
    case retired

    /// Pipeline order, used for sorting and for "must happen first" messages.
    public var rank: Int { Self.allCases.firstIndex(of: self)! }

    public static func < (lhs: PackageState, rhs: PackageState) -> Bool { lhs.rank < rhs.rank }

    /// The states a version may move to from this one.
    public var successors: Set<PackageState> {
        switch self {
        case .catalogued: [.inspected]
        case .submitted: [.inspected, .quarantined]
        case .inspected: [.licenceApproved, .licenceRejected, .quarantined]
        case .quarantined: []
        case .licenceApproved: [.classified]
        case .licenceRejected: []
        case .classified: [.tested]
        case .tested: [.signed, .classified]
        case .signed: [.published]
        case .published: [.retired]
        case .retired: [.published]
        }
    }

    /// Parses a user-typed state, accepting the raw value in any case.
    public init(userInput: String) throws {
        guard let state = PackageState(rawValue: userInput.lowercased()) else {
            throw DepotFailure(.invalidInput, code: "state.unknown",
                "unknown state '\(userInput)'; use one of: \(PackageState.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = state
    }
}
