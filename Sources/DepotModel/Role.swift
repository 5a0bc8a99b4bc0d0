/// What a user may do. A user holds exactly one role; `admin` may do everything except break separation of duties.
public enum Role: String, Sendable, Codable, CaseIterable {
    case packager
    case licenceReviewer = "licence-reviewer"
    case signer
    case releaseManager = "release-manager"
    case schoolAdmin = "school-admin"
    case finance
    case auditor
    case admin

    /// Parses a user-typed role, quoting the bad value and the valid ones on failure.
    public init(userInput: String) throws {
        guard let role = Role(rawValue: userInput.lowercased()) else {
            throw DepotFailure(.invalidInput, code: "role.unknown",
                "unknown role '\(userInput)'; use one of: \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = role
    }
}
