/// Numbers as people read them in messages and warnings: 4,194,304.
public enum Grouped {
    public static func digits<T: BinaryInteger>(_ value: T) -> String {
        let plain = String(value.magnitude)
        var out = ""
        for (index, digit) in plain.enumerated() {
            if index > 0 && (plain.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return value < 0 ? "-" + out : out
    }
}
