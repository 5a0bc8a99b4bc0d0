/// MSI packs stream names into the 31 UTF-16 units a compound file allows: characters from
/// `0-9A-Za-z._` are stored two per unit (0x3800–0x47FF) or one per unit (0x4800–0x483F),
/// and table streams start with the marker unit 0x4840.
enum MSIStreamName {
    static let tableMarker: UInt16 = 0x4840

    /// The decoded name, and whether it names a table.
    static func decode(_ units: [UInt16]) -> (name: String, isTable: Bool) {
        var out: [UInt16] = []
        var isTable = false
        for (position, unit) in units.enumerated() {
            if unit == tableMarker && position == 0 {
                isTable = true
            } else if unit >= 0x3800 && unit < 0x4800 {
                let packed = unit - 0x3800
                out.append(character(packed & 0x3F))
                out.append(character((packed >> 6) & 0x3F))
            } else if unit >= 0x4800 && unit < 0x4840 {
                out.append(character(unit - 0x4800))
            } else {
                out.append(unit)
            }
        }
        return (TextDecoding.string(utf16: out), isTable)
    }

    private static func character(_ value: UInt16) -> UInt16 {
        switch value {
        case 0..<10: 0x30 + value          // 0-9
        case 10..<36: 0x41 + value - 10    // A-Z
        case 36..<62: 0x61 + value - 36    // a-z
        case 62: 0x2E                      // .
        default: 0x5F                      // _
        }
    }
}
