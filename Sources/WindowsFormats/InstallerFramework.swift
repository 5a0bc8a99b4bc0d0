#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The setup framework that built an executable, recognised by the marks each one leaves in the file.
enum InstallerFramework: String, CaseIterable {
    case nsis, inno, burn, installshield, exe

    /// The switch that makes the framework's installer run without questions.
    var silentSwitch: String? {
        switch self {
        case .nsis: "/S"
        case .inno: "/VERYSILENT /SUPPRESSMSGBOXES /NORESTART"
        case .burn: "/quiet /norestart"
        case .installshield: "/s /v\"/qn\""
        case .exe: nil
        }
    }

    /// Marks are near the start of the image or of the appended payload; scanning more would read whole installers.
    static let scanWindow: Int64 = 16 << 20

    private static let marks: [(InstallerFramework, [UInt8])] = [
        // NSIS's first header in the appended data carries this signature.
        (.nsis, Array("NullsoftInst".utf8)),
        // Inno Setup's loader finds its setup data through an offset table tagged "rDlPtS".
        (.inno, Array("Inno Setup Setup Data".utf8)),
        (.inno, Array("rDlPtS".utf8)),
        (.installshield, Array("InstallShield".utf8)),
        (.installshield, Array("InstallShield".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }),
    ]

    static func detect(_ file: InstallerFile, image: PEImage, versionStrings: [String: String]) throws -> InstallerFramework {
        // WiX Burn bundles carry their manifest pointer in a section of their own.
        if image.sections.contains(where: { $0.name == ".wixburn" }) { return .burn }
        var found = Set<InstallerFramework>()
        var regions = [(start: Int64(0), end: min(file.size, scanWindow))]
        if image.overlayStart > scanWindow {
            regions.append((image.overlayStart, min(file.size, image.overlayStart + scanWindow)))
        }
        let longest = marks.map(\.1.count).max() ?? 1
        for region in regions {
            var cursor = region.start
            while cursor < region.end {
                // Chunks overlap by one mark length so a mark across a chunk boundary is still seen.
                let chunk = try file.readAvailable(at: cursor, maxCount: Int(min(1 << 20, region.end - cursor)) + longest - 1)
                if chunk.isEmpty { break }
                chunk.withUnsafeBytes { buffer in
                    for (framework, mark) in marks where !found.contains(framework) && contains(buffer, mark) {
                        found.insert(framework)
                    }
                }
                cursor += Int64(1 << 20)
            }
        }
        let text = versionStrings.values.joined(separator: "\n")
        if text.contains("Inno Setup") { found.insert(.inno) }
        if text.contains("InstallShield") { found.insert(.installshield) }
        if text.contains("Nullsoft") { found.insert(.nsis) }
        for framework in [InstallerFramework.nsis, .inno, .installshield] where found.contains(framework) {
            return framework
        }
        return .exe
    }

    /// memchr finds candidates for the first byte at memory speed; memcmp confirms them.
    static func contains(_ buffer: UnsafeRawBufferPointer, _ mark: [UInt8]) -> Bool {
        guard let base = buffer.baseAddress, let first = mark.first, buffer.count >= mark.count else { return false }
        var offset = 0
        let last = buffer.count - mark.count
        while offset <= last {
            guard let hit = memchr(base + offset, Int32(first), last - offset + 1) else { return false }
            let position = base.distance(to: UnsafeRawPointer(hit))
            let equal = mark.withUnsafeBytes { memcmp(base + position, $0.baseAddress!, mark.count) == 0 }
            if equal { return true }
            offset = position + 1
        }
        return false
    }
}
