import COpenSSL
import DepotModel

/// A failure inside OpenSSL, with the library's own error queue folded into the message.
public struct CryptoError: DepotError {
    public let kind: ErrorKind
    public let code: String
    public let message: String

    public init(_ kind: ErrorKind = .internal, code: String, _ message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }

    /// Drains OpenSSL's thread-local error queue into one readable string.
    static func drainOpenSSLErrors() -> String {
        var parts: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            parts.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return parts.joined(separator: "; ")
    }

    /// The one place where an OpenSSL failure becomes a Swift error.
    static func openSSL(_ what: String, code: String = "crypto.openssl", kind: ErrorKind = .internal) -> CryptoError {
        let detail = drainOpenSSLErrors()
        return CryptoError(kind, code: code, detail.isEmpty ? what : "\(what): \(detail)")
    }
}

/// Checks an OpenSSL return value (1 is success) and throws the library's error otherwise.
@inline(__always)
func check(_ result: Int32, _ what: @autoclosure () -> String) throws {
    if result != 1 { throw CryptoError.openSSL(what()) }
}
