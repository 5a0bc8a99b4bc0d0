/// What went wrong, in terms a caller can act on. Only the server maps a kind to an HTTP status.
public enum ErrorKind: String, Sendable, Codable {
    /// The input is malformed or names something impossible (HTTP 400).
    case invalidInput
    /// No identity, or an unknown one (HTTP 401).
    case unauthenticated
    /// The identity lacks the role or scope for the action (HTTP 403).
    case forbidden
    /// The named program, version, submission or user does not exist (HTTP 404).
    case notFound
    /// The action conflicts with the current state (HTTP 409).
    case conflict
    /// The input exceeds a configured limit (HTTP 413).
    case tooLarge
    /// The input is well-formed but the rules refuse it (HTTP 422).
    case refused
    /// Something outside the caller's control failed (HTTP 500).
    case `internal`
}

/// Every module's error type conforms: a stable code, a kind, and a message that names the input and how to fix it.
public protocol DepotError: Error, CustomStringConvertible, Sendable {
    var kind: ErrorKind { get }
    /// A short stable identifier such as `manifest.invalid` or `auth.role`.
    var code: String { get }
    /// One or two sentences for a person: what was wrong with which input, and what to do.
    var message: String { get }
}

extension DepotError {
    public var description: String { message }
}

/// A general-purpose error for the model layer and for modules whose failures need no richer type.
public struct DepotFailure: DepotError {
    public let kind: ErrorKind
    public let code: String
    public let message: String

    public init(_ kind: ErrorKind, code: String, _ message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }
}
