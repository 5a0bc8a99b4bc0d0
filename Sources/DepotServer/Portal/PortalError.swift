import DepotModel

/// The portal's own refusals: bad forms, bad uploads, a missing CSRF token.
struct PortalError: DepotError {
    let kind: ErrorKind
    let code: String
    let message: String

    init(_ kind: ErrorKind, code: String, _ message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }
}
