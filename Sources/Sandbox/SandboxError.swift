import DepotModel

/// Why an install test could not run at all (a failing installer is a result, not an error).
public struct SandboxError: DepotError {
    public let kind: ErrorKind
    public let code: String
    public let message: String

    public init(_ kind: ErrorKind, code: String, _ message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }
}
