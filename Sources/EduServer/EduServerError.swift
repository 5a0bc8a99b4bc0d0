import DepotModel

/// Why the edu server, its store or the agent refused something; the message names the input and the fix.
public struct EduServerError: DepotError, Equatable {
    public let kind: ErrorKind
    /// `edu.serve.*`, `edu.store.*`, `edu.install.*`, `edu.auth.*`, `edu.agent.*`.
    public let code: String
    public let message: String

    public init(_ kind: ErrorKind, code: String, _ message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }

    static func unknownSchool(_ id: String) -> EduServerError {
        EduServerError(.notFound, code: "edu.school.unknown",
                       "school '\(id)' is not in the published edu directory; check the id, or publish it with 'depot edu publish'")
    }

    static func missingToken() -> EduServerError {
        EduServerError(.unauthenticated, code: "edu.auth.missing",
                       "this endpoint needs 'Authorization: Bearer TOKEN'; a school admin gets one with 'depot edu tokens add NAME --school ID'")
    }

    static func invalidRequest(_ text: String) -> EduServerError {
        EduServerError(.invalidInput, code: "edu.request.invalid", text)
    }
}
