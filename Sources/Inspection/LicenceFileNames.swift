import Foundation

/// Recognises licence files by name: LICENSE, LICENCE, COPYING, EULA, NOTICE, copyright (any case, any
/// extension, with qualifiers such as LICENSE-MIT or ThirdPartyNotices.txt) and anything under a folder named
/// legal, licenses or licences.
enum LicenceFileNames {
    private static let words: Set<String> = [
        "license", "licenses", "licence", "licences", "copying", "copyright", "eula", "notice", "notices", "unlicense",
    ]
    private static let folders: Set<String> = ["legal", "license", "licenses", "licence", "licences"]
    /// Program code and pictures are never licence texts, whatever their names say (LicenseManager.dll).
    private static let binaryExtensions: Set<String> = [
        "dll", "exe", "so", "dylib", "class", "pyc", "o", "png", "jpg", "jpeg", "gif", "ico", "bmp",
        "svg", "js", "py", "java", "cs", "cpp", "h", "c", "go", "rs", "swift", "json", "xml", "css",
    ]

    static func matches(_ path: String) -> Bool {
        let parts = path.split(whereSeparator: { $0 == "/" || $0 == "\\" })
        guard let base = parts.last else { return false }
        let lowerBase = base.lowercased()
        if let dot = lowerBase.lastIndex(of: "."), binaryExtensions.contains(String(lowerBase[lowerBase.index(after: dot)...])) {
            return false
        }
        if parts.dropLast().contains(where: { folders.contains($0.lowercased()) }) { return true }
        let stem = base.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).first ?? base
        return tokens(of: stem).contains { words.contains($0) }
    }

    /// Splits "ThirdPartyNotices", "LICENSE-MIT" or "eula_en" into lowercase words.
    private static func tokens(of stem: Substring) -> [String] {
        var out: [String] = []
        var current = ""
        var previousLower = false
        for character in stem {
            if !character.isLetter {
                if !current.isEmpty { out.append(current.lowercased()); current = "" }
                previousLower = false
                continue
            }
            if character.isUppercase && previousLower, !current.isEmpty {
                out.append(current.lowercased())
                current = ""
            }
            current.append(character)
            previousLower = character.isLowercase
        }
        if !current.isEmpty { out.append(current.lowercased()) }
        return out
    }
}

/// Depot's words for platforms and processor architectures.
enum DepotPlatform {
    static let windows = "windows", macos = "macos", linux = "linux"
    /// Platforms of something that runs wherever its runtime does (pure Python, Java, browser extensions).
    static let everywhere = ["linux", "macos", "windows"]

    /// Maps an architecture as packages spell it (amd64, x86_64, aarch64, noarch, neutral, …) to Depot's word:
    /// `x86`, `x64`, `arm64`, `arm` or `any`; an unknown spelling is kept, lowercased, for the packager to judge.
    static func architecture(_ raw: String) -> String? {
        let value = raw.trimmingCharacters(in: .whitespaces).lowercased()
        if value.isEmpty { return nil }
        switch value {
        case "x86_64", "amd64", "x64", "em64t", "intel64": return "x64"
        case "i386", "i486", "i586", "i686", "x86", "win32", "ia32": return "x86"
        case "aarch64", "arm64", "arm64ec": return "arm64"
        case "arm", "armhf", "armel", "armv7", "armv7l", "armv7hl", "armv6l", "armv6hl": return "arm"
        case "noarch", "all", "any", "neutral": return "any"
        default: return value
        }
    }
}

extension Array where Element: Equatable {
    /// Appends only what is not there yet, keeping first-seen order.
    mutating func appendUnique(_ value: Element?) {
        guard let value, !contains(value) else { return }
        append(value)
    }
}
