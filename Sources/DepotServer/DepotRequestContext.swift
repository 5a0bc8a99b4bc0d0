import DepotModel
import Hummingbird
import Logging

/// What a request carries through the middleware chain: Hummingbird's core storage and, once authenticated, the user.
public struct DepotRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var user: DepotUser?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        user = nil
    }

    /// The authenticated user, or 401.
    public func requireUser() throws -> DepotUser {
        guard let user else {
            throw APIError(status: .unauthorized, code: "auth.missing",
                "this endpoint needs 'Authorization: Bearer TOKEN'; get a token with 'depot users add NAME --role ROLE'")
        }
        return user
    }
}

extension DepotRequestContext {
    /// The `:id` path parameter as a whole number, or 400 naming what was sent.
    func pathID() throws -> Int64 {
        let text = try parameters.require("id")
        guard let id = Int64(text) else {
            throw APIError(status: .badRequest, code: "id.invalid", "'\(text)' is not an id; ids are whole numbers")
        }
        return id
    }
}
