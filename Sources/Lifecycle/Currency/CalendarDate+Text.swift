import DepotPolicy

extension CalendarDate {
    /// `YYYY-MM-DD` without `String(format:)`, which dominated the cost of writing 100,000 reasons.
    var text: String {
        var bytes: [UInt8] = [0, 0, 0, 0, 45, 0, 0, 45, 0, 0]
        var y = year
        for i in stride(from: 3, through: 0, by: -1) {
            bytes[i] = UInt8(48 + y % 10)
            y /= 10
        }
        bytes[5] = UInt8(48 + month / 10)
        bytes[6] = UInt8(48 + month % 10)
        bytes[8] = UInt8(48 + day / 10)
        bytes[9] = UInt8(48 + day % 10)
        return String(decoding: bytes, as: UTF8.self)
    }
}
