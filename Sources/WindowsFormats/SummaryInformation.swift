import Foundation

/// The `\u{5}SummaryInformation` property set of an MSI (MS-OLEPS): template, author, package code.
struct SummaryInformation {
    static let streamName = "\u{5}SummaryInformation"
    static let maxBytes = 1 << 20
    static let maxProperties = 1024

    /// Platform and languages, e.g. `x64;1033`.
    var template: String?
    var author: String?
    /// For an MSI, the package code GUID.
    var revisionNumber: String?
    var title: String?
    var subject: String?

    init(bytes: [UInt8]) throws {
        guard bytes.u16(0) == 0xFFFE else { throw FormatDefect("the SummaryInformation stream has no property set header") }
        guard let setCount = bytes.u32(24), setCount >= 1, let setOffset = bytes.u32(44).map(Int.init) else {
            throw FormatDefect("the SummaryInformation stream declares no property set")
        }
        guard let propertyCount = bytes.u32(setOffset + 4).map(Int.init) else {
            throw FormatDefect("the SummaryInformation property set lies outside the stream")
        }
        guard propertyCount <= SummaryInformation.maxProperties else {
            throw FormatDefect("the SummaryInformation property set claims \(propertyCount) properties")
        }
        var strings: [UInt32: [UInt8]] = [:]
        var codepage: UInt32 = 1252
        for slot in 0..<propertyCount {
            let pair = setOffset + 8 + slot * 8
            guard let id = bytes.u32(pair), let relative = bytes.u32(pair + 4) else {
                throw FormatDefect("the SummaryInformation property list is cut short")
            }
            let at = setOffset + Int(relative)
            guard let type = bytes.u32(at) else { continue }
            switch type & 0xFFFF {
            case 2: // VT_I2
                if id == 1, let value = bytes.u16(at + 4) { codepage = UInt32(value) }
            case 30: // VT_LPSTR: byte count including the terminator, then the bytes
                guard let length = bytes.u32(at + 4).map(Int.init), length <= bytes.count else { continue }
                var value = bytes.slice(at + 8, length)
                while value.last == 0 { value.removeLast() }
                strings[id] = value
            default:
                continue
            }
        }
        func text(_ id: UInt32) -> String? {
            guard let raw = strings[id] else { return nil }
            return MSIStringPool.decode(raw, codepage: codepage)
        }
        title = text(2)
        subject = text(3)
        author = text(4)
        template = text(7)
        revisionNumber = text(9)
    }

    /// Architectures named by the template's platform part (`Intel` → x86, `x64`, `Arm64`, …); empty means x86.
    static func architectures(template: String?) -> [String] {
        guard let template else { return [] }
        let platform = template.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let names = platform.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if names.isEmpty { return ["x86"] }
        var out: [String] = []
        for name in names {
            let architecture = switch name.lowercased() {
            case "intel": "x86"
            case "x64", "amd64": "x64"
            case "intel64": "ia64"
            case "arm64": "arm64"
            case "arm": "arm"
            default: name.lowercased()
            }
            if !out.contains(architecture) { out.append(architecture) }
        }
        return out
    }
}
