/// C strings from libarchive, read without trusting them to be UTF-8 or short.
enum CText {
    /// The bytes of a NUL-terminated string, at most `limit` of them (longer ones are cut).
    static func bytes(_ pointer: UnsafePointer<CChar>, limit: Int = 1 << 16) -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        while index < limit {
            let byte = UInt8(bitPattern: pointer[index])
            if byte == 0 { break }
            out.append(byte)
            index += 1
        }
        return out
    }

    /// The string, with invalid UTF-8 replaced by U+FFFD.
    static func lossy(_ pointer: UnsafePointer<CChar>) -> String {
        String(decoding: bytes(pointer), as: UTF8.self)
    }

    /// True when the bytes are valid UTF-8.
    static func isUTF8(_ bytes: [UInt8]) -> Bool {
        String(validating: bytes, as: UTF8.self) != nil
    }
}
