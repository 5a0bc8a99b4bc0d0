/// Who is acting: a user with one role, and for school admins the school they answer for.
public struct DepotUser: Sendable, Codable, Equatable {
    public var name: String
    public var role: Role
    public var school: String?

    public init(name: String, role: Role, school: String? = nil) {
        self.name = name
        self.role = role
        self.school = school
    }

    /// The identity recorded for work Depot does on its own (first start, imports during `init`).
    public static let system = DepotUser(name: "system", role: .admin)
}
