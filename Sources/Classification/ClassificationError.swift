import DepotModel

/// What went wrong while classifying, pricing, ordering or invoicing; the message names the input and the fix.
public struct ClassificationError: DepotError, Equatable {
    /// Which HTTP status the server maps it to.
    public let kind: ErrorKind
    /// Stable identifier such as `order.no-recipients`.
    public let code: String
    /// What was wrong with which input, and how to fix it.
    public let message: String

    /// Builds an error; codes start with `classify.`, `pricing.`, `order.` or `invoice.`.
    public init(_ kind: ErrorKind, code: String, _ message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }
}
