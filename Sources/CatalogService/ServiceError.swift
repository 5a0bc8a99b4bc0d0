import DepotModel

/// A refusal or failure of a use case, with the reason that reaches the user verbatim.
public struct ServiceError: DepotError {
    public let kind: ErrorKind
    public let code: String
    public let message: String

    public init(_ kind: ErrorKind, code: String, _ message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }
}
