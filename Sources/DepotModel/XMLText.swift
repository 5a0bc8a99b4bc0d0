/// Escaping for XML text and attribute values, shared by every XML document Depot writes (UBL invoices,
/// AppLocker policies, property lists).
public enum XMLText {
    /// Escapes markup characters and drops what XML 1.0 cannot carry at all (most C0 controls, U+FFFE, U+FFFF),
    /// so hostile input can never produce a broken document.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
