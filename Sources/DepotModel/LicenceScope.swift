/// Where a licence reviewer allowed a program to be used.
public enum LicenceScope: String, Sendable, Codable, CaseIterable {
    case admin
    case edu
    case both

    /// True when the scope covers an environment (`admin` or `edu`).
    public func covers(_ environment: String) -> Bool { self == .both || rawValue == environment }

    /// The scope that covers exactly these environments, or nil for none.
    public init?(environments: [String]) {
        switch (environments.contains("admin"), environments.contains("edu")) {
        case (true, true): self = .both
        case (true, false): self = .admin
        case (false, true): self = .edu
        case (false, false): return nil
        }
    }

    public var environments: [String] {
        switch self {
        case .admin: ["admin"]
        case .edu: ["edu"]
        case .both: ["admin", "edu"]
        }
    }

    public init(userInput: String) throws {
        guard let scope = LicenceScope(rawValue: userInput.lowercased()) else {
            throw DepotFailure(.invalidInput, code: "scope.unknown", "unknown scope '\(userInput)'; use admin, edu or both")
        }
        self = scope
    }
}
