import DepotModel
import Foundation
import Inspection

/// The readers a fuzzer drives, one target per format family. Each target writes the input where a reader expects
/// a file and runs the whole intake reader on it (the format sniffer, libarchive and the Windows readers), under
/// the standard budgets with a short time limit. A reader may refuse any input; it must never crash, hang or grow
/// without bound. `make fuzz` runs them under libFuzzer; `FuzzRegressionTests` replays every crasher kept.
public enum FuzzTarget: String, CaseIterable, Sendable {
    case zip, cfb, pe, rpm, deb, xar, xml, iso, cab, tar

    /// The file name the input is written under (the sniffer reads bytes, not names; names matter for nesting).
    var fileName: String {
        switch self {
        case .zip: "input.zip"
        case .cfb: "input.msi"
        case .pe: "input.exe"
        case .rpm: "input.rpm"
        case .deb: "input.deb"
        case .xar: "input.pkg"
        case .xml: "input.msix"
        case .iso: "input.iso"
        case .cab: "input.cab"
        case .tar: "input.tar"
        }
    }

    /// Budgets for fuzzing: the standard ones, with a time limit short enough that libFuzzer's own timeout
    /// (`-timeout=30`) only fires on a reader that ignores its budget.
    public static let limits: InspectionLimits = {
        var limits = InspectionLimits.standard
        limits.maxSecondsPerInstaller = 10
        return limits
    }()

    /// Runs the target on `data`; any thrown error is an acceptable refusal. Returns the facts when read.
    @discardableResult
    public func run(_ data: [UInt8], in directory: URL) -> InstallerFacts? {
        let bytes = self == .xml ? StoredZip.archive([("AppxManifest.xml", data)]) : data
        let url = directory.appendingPathComponent(fileName)
        guard FileManager.default.createFile(atPath: url.path, contents: Data(bytes)) else { return nil }
        defer { try? FileManager.default.removeItem(at: url) }
        return try? Inspector(limits: Self.limits).inspect(file: url)
    }

    /// A private scratch folder for one fuzzing process (in memory where /dev/shm exists).
    public static func scratch() -> URL {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? URL(fileURLWithPath: "/dev/shm")
            : FileManager.default.temporaryDirectory
        let url = base.appendingPathComponent("depot-fuzz-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// A zip with stored (uncompressed) entries, enough to put fuzzed bytes where a manifest is expected.
public enum StoredZip {
    public static func archive(_ entries: [(name: String, data: [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        for entry in entries {
            let name = Array(entry.name.utf8)
            let crc = CRC32.checksum(entry.data)
            let offset = out.count
            out += le32(0x0403_4B50) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0) + le32(crc)
                + le32(entry.data.count) + le32(entry.data.count) + le16(name.count) + le16(0) + name + entry.data
            central += le32(0x0201_4B50) + le16(20) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0) + le32(crc)
                + le32(entry.data.count) + le32(entry.data.count) + le16(name.count) + le16(0) + le16(0) + le16(0)
                + le16(0) + le32(0) + le32(offset) + name
        }
        let start = out.count
        out += central
        out += le32(0x0605_4B50) + le16(0) + le16(0) + le16(entries.count) + le16(entries.count) + le32(central.count)
            + le32(start) + le16(0)
        return out
    }

    static func le16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF)] }
    static func le32(_ value: Int) -> [UInt8] { le16(value & 0xFFFF) + le16(value >> 16 & 0xFFFF) }
    static func le32(_ value: UInt32) -> [UInt8] { le32(Int(value)) }
}

/// CRC-32 (IEEE), as zip stores it.
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 != 0 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
