/// Text that came from outside (file names, entry names, manifest fields) made fit for one terminal line, one log
/// line or one JSON message: control characters become visible escapes and the length is bounded, so hostile bytes
/// never reach a terminal raw and never turn one error into many lines.
public enum SafeText {
    /// The longest text a message carries from its input before it is cut.
    public static let defaultLimit = 512

    /// Escapes C0 and C1 controls and DEL as `\xNN` (and the bidirectional overrides as `\u{NNNN}`), then cuts the
    /// result to `limit` characters, ending it with `…` when cut.
    public static func line(_ text: String, limit: Int = defaultLimit) -> String {
        var out = ""
        var count = 0
        for scalar in text.unicodeScalars {
            let piece: String
            switch scalar.value {
            case 0x00..<0x20, 0x7F, 0x80..<0xA0:
                piece = "\\x" + hex(scalar.value, width: 2)
            case 0x202A...0x202E, 0x2066...0x2069:
                piece = "\\u{" + hex(scalar.value, width: 4) + "}"
            default:
                piece = String(scalar)
            }
            if count >= limit {
                out += "…"
                break
            }
            out += piece
            count += 1
        }
        return out
    }

    static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
