/// One DER tag-length-value inside a byte array; just enough DER to pick Authenticode's few fields
/// out of structures OpenSSL has no type for (SpcIndirectDataContent, TSTInfo).
struct DERElement {
    let tag: UInt8
    /// Offset of the tag byte.
    let start: Int
    /// Offset of the first value byte.
    let valueStart: Int
    /// Offset just past the value.
    let end: Int

    var valueRange: Range<Int> { valueStart..<end }

    /// Reads the element starting at `offset`, which must end at or before `limit`. Only definite lengths (DER).
    static func read(_ bytes: [UInt8], at offset: Int, limit: Int) -> DERElement? {
        guard offset >= 0, limit <= bytes.count, offset + 2 <= limit else { return nil }
        let tag = bytes[offset]
        let first = bytes[offset + 1]
        var cursor = offset + 2
        var length = 0
        if first < 0x80 {
            length = Int(first)
        } else {
            let count = Int(first & 0x7F)
            // 0x80 is BER's indefinite length, which DER forbids; more than 4 length bytes is never sane here.
            guard count >= 1, count <= 4, cursor + count <= limit else { return nil }
            for _ in 0..<count {
                length = (length << 8) | Int(bytes[cursor])
                cursor += 1
            }
        }
        guard length <= limit - cursor else { return nil }
        return DERElement(tag: tag, start: offset, valueStart: cursor, end: cursor + length)
    }

    /// The elements directly inside a constructed element, or nil when one of them is malformed.
    func children(_ bytes: [UInt8]) -> [DERElement]? {
        var out: [DERElement] = []
        var cursor = valueStart
        while cursor < end {
            guard let child = DERElement.read(bytes, at: cursor, limit: end) else { return nil }
            out.append(child)
            cursor = child.end
        }
        return out
    }

    func value(_ bytes: [UInt8]) -> [UInt8] { Array(bytes[valueRange]) }
}

enum DERTag {
    static let integer: UInt8 = 0x02
    static let octetString: UInt8 = 0x04
    static let objectIdentifier: UInt8 = 0x06
    static let generalizedTime: UInt8 = 0x18
    static let sequence: UInt8 = 0x30
    static let set: UInt8 = 0x31
    static let contextZero: UInt8 = 0xA0
}
