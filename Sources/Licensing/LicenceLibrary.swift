import Foundation

/// One reference licence text the detector matches against.
public struct LicenceReference: Sendable {
    /// The SPDX identifier the text stands for.
    public let id: String
    /// Where the text came from (a file path, or a caller's label).
    public let source: String
    /// The licence text itself, without front matter.
    public let text: String
    /// Distinct word 3-grams of the required part of the text.
    let coreShingles: [UInt64]
    /// Distinct 3-grams after "END OF TERMS AND CONDITIONS" (how-to-apply appendices), not required.
    let optionalShingles: [UInt64]
    /// Word offset in the reference of each slot (core then optional), for keeping matches in order.
    let slotOffsets: [Int32]
    /// The coverage below which a match is not named: higher for short standard notices, where a
    /// missing "or any later version" changes the identifier.
    public let requiredCoverage: Double
}

/// The reference licence texts and an index from word 3-grams to the references that contain them.
public struct LicenceLibrary: Sendable {
    public let references: [LicenceReference]
    // Sorted distinct 3-grams; the postings of key i are postingStarts[i]..<postingStarts[i + 1] of the flat arrays.
    let postingKeys: [UInt64]
    let postingStarts: [UInt32]
    let postingReference: [UInt16]
    let postingSlot: [UInt32]
    /// What a reader of the results should know about the library (reference data missing).
    public internal(set) var note: String?
    /// The version of ScanCode's licence data in the library, when it is there.
    public internal(set) var dataVersion: String?

    init(references: [LicenceReference], postingKeys: [UInt64], postingStarts: [UInt32], postingReference: [UInt16], postingSlot: [UInt32]) {
        self.references = references
        self.postingKeys = postingKeys
        self.postingStarts = postingStarts
        self.postingReference = postingReference
        self.postingSlot = postingSlot
    }

    /// The postings of a 3-gram (binary search over the sorted keys).
    @inline(__always) func postings(of shingle: UInt64) -> Range<Int>? {
        var low = 0
        var high = postingKeys.count
        while low < high {
            let middle = (low + high) >> 1
            if postingKeys[middle] < shingle { low = middle + 1 } else { high = middle }
        }
        guard low < postingKeys.count, postingKeys[low] == shingle else { return nil }
        return Int(postingStarts[low])..<Int(postingStarts[low + 1])
    }

    /// Debian's base-files licence texts.
    public static let commonLicensesDirectory = "/usr/share/common-licenses"

    /// The directories used when none are given: base-files' common-licenses and the
    /// choosealicense.com templates that Debian's ruby-licensee installs.
    public static func defaultDirectories() -> [String] {
        var directories = [commonLicensesDirectory]
        for gems in ["/usr/share/rubygems-integration/all/gems", "/usr/lib/ruby/vendor_ruby", "/var/lib/gems"] {
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: gems) else { continue }
            for entry in entries.sorted() where entry.hasPrefix("licensee-") {
                let candidate = "\(gems)/\(entry)/vendor/choosealicense.com/_licenses"
                if FileManager.default.fileExists(atPath: candidate) { directories.append(candidate) }
            }
        }
        return directories
    }

    /// Debian common-licenses file names → SPDX identifiers (the texts themselves do not say).
    static let debianNames: [String: String] = [
        "Apache-2.0": "Apache-2.0", "Artistic": "Artistic-1.0-Perl", "BSD": "BSD-3-Clause", "CC0-1.0": "CC0-1.0",
        "GFDL-1.2": "GFDL-1.2-only", "GFDL-1.3": "GFDL-1.3-only", "GPL-1": "GPL-1.0-only", "GPL-2": "GPL-2.0-only",
        "GPL-3": "GPL-3.0-only", "LGPL-2": "LGPL-2.0-only", "LGPL-2.1": "LGPL-2.1-only", "LGPL-3": "LGPL-3.0-only",
        "MPL-1.1": "MPL-1.1", "MPL-2.0": "MPL-2.0",
    ]

    /// Loads every licence text in the directories: files with `spdx-id:` front matter
    /// (choosealicense.com format), Debian common-licenses names, or files named by an SPDX identifier.
    /// Throws when no text is found, naming the directories and `make deps`.
    public static func load(directories: [String]? = nil, list: SPDXLicenseList = .installed()) throws -> LicenceLibrary {
        let chosen = directories ?? defaultDirectories()
        var seenPaths = Set<String>()
        var texts: [(id: String, source: String, text: String)] = []
        let parser = SPDXExpressionParser(list: list, allowUnknownIdentifiers: true)
        for directory in chosen {
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { continue }
            for entry in entries.sorted() where !entry.hasPrefix(".") {
                let path = "\(directory)/\(entry)"
                let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
                guard seenPaths.insert(resolved).inserted,
                      let data = FileManager.default.contents(atPath: resolved), data.count < 1_000_000 else { continue }
                let raw = LicenceTextFormat.decode(Array(data))
                let (frontMatterID, body) = splitFrontMatter(raw)
                // Named after the file a symlink points to: Debian's GPL is GPL-3.
                var stem = (resolved as NSString).lastPathComponent
                if stem.hasSuffix(".txt") { stem.removeLast(4) }
                let declared = frontMatterID ?? debianNames[stem] ?? stem
                // Only texts named by a single licence identifier are references; other files are skipped.
                guard let expression = try? parser.parse(declared), case .license = expression else { continue }
                let canonical = expression.description
                texts.append((canonical, resolved, body))
            }
        }
        guard !texts.isEmpty else { throw LicensingError.libraryMissing(chosen) }
        var notices: [(id: String, source: String, text: String)] = []
        for rule in noticeRules where !notices.contains(where: { $0.id == rule.notice }) {
            for (id, source, text) in texts where id == rule.licence {
                guard let start = text.range(of: rule.start),
                      let end = text.range(of: rule.end, range: start.upperBound..<text.endIndex) else { continue }
                notices.append((rule.notice, source + "#notice", String(text[start.lowerBound..<end.upperBound])))
                break
            }
        }
        return LicenceLibrary(texts: texts, notices: notices)
    }

    /// The standard notices ("This program is free software…") cut from the appendices of full texts:
    /// a file that carries only the notice is licensed under the notice's identifier.
    static let noticeRules: [(licence: String, notice: String, start: String, end: String)] = [
        ("GPL-2.0-only", "GPL-2.0-or-later", "This program is free software; you can redistribute", "Public License for more details."),
        ("GPL-3.0-only", "GPL-3.0-or-later", "This program is free software: you can redistribute", "Public License for more details."),
        ("LGPL-2.1-only", "LGPL-2.1-or-later", "This library is free software; you can redistribute", "Public License for more details."),
        ("AGPL-3.0-only", "AGPL-3.0-or-later", "This program is free software: you can redistribute", "Public License for more details."),
        ("Apache-2.0", "Apache-2.0", "Licensed under the Apache License, Version 2.0", "limitations under the License."),
        ("MPL-2.0", "MPL-2.0", "This Source Code Form is subject to the terms of the Mozilla", "You can obtain one at"),
    ]

    /// Builds a library from texts given directly (identifier, source label, text); `notices` are short
    /// standard notices that must match almost completely to be named.
    public init(texts: [(id: String, source: String, text: String)], notices: [(id: String, source: String, text: String)] = []) {
        let all = texts.map { ($0.id, $0.source, $0.text, LicenceDetector.confidentThreshold) }
            + notices.map { ($0.id, $0.source, $0.text, 0.97) }
        var built: [(id: String, source: String, text: String, required: Double, core: [UInt64], optional: [UInt64], offsets: [Int32])] = []
        var frequency: [UInt64: Int32] = [:]
        for (id, source, text, required) in all.prefix(Int(UInt16.max)) {
            let (core, optional, offsets) = Self.shingles(ofReference: text)
            guard core.count >= 8 else { continue }
            for shingle in core + optional { frequency[shingle, default: 0] += 1 }
            built.append((id, source, text, required, core, optional, offsets))
        }
        // 3-grams that hundreds of licences share ("the above copyright") tell none apart and would make every
        // look-up walk long posting lists: in a large library they are left out of the index and of coverage.
        let common = Int32(max(200, built.count / 10))
        var references: [LicenceReference] = []
        var postings: [(shingle: UInt64, reference: UInt16, slot: UInt32)] = []
        for entry in built {
            var core: [UInt64] = []
            var optional: [UInt64] = []
            var coreOffsets: [Int32] = []
            var optionalOffsets: [Int32] = []
            for (index, shingle) in entry.core.enumerated() where frequency[shingle, default: 0] <= common {
                core.append(shingle)
                coreOffsets.append(entry.offsets[index])
            }
            for (index, shingle) in entry.optional.enumerated() where frequency[shingle, default: 0] <= common {
                optional.append(shingle)
                optionalOffsets.append(entry.offsets[entry.core.count + index])
            }
            guard core.count >= 8 else { continue }
            let referenceIndex = UInt16(references.count)
            for (slot, shingle) in (core + optional).enumerated() {
                postings.append((shingle, referenceIndex, UInt32(slot)))
            }
            references.append(LicenceReference(id: entry.id, source: entry.source, text: entry.text, coreShingles: core,
                                               optionalShingles: optional, slotOffsets: coreOffsets + optionalOffsets,
                                               requiredCoverage: entry.required))
        }
        postings.sort { ($0.shingle, $0.reference, $0.slot) < ($1.shingle, $1.reference, $1.slot) }
        var keys: [UInt64] = []
        var starts: [UInt32] = []
        var postingReference: [UInt16] = []
        var postingSlot: [UInt32] = []
        postingReference.reserveCapacity(postings.count)
        postingSlot.reserveCapacity(postings.count)
        for (index, posting) in postings.enumerated() {
            if index == 0 || postings[index - 1].shingle != posting.shingle {
                keys.append(posting.shingle)
                starts.append(UInt32(index))
            }
            postingReference.append(posting.reference)
            postingSlot.append(posting.slot)
        }
        starts.append(UInt32(postings.count))
        self.init(references: references, postingKeys: keys, postingStarts: starts, postingReference: postingReference, postingSlot: postingSlot)
    }

    /// The distinct identifiers the library can name.
    public var identifiers: [String] { Array(Set(references.map(\.id))).sorted() }

    /// Splits `---\n…spdx-id: X…\n---\n` front matter from a choosealicense.com template.
    static func splitFrontMatter(_ raw: String) -> (String?, String) {
        guard raw.hasPrefix("---") else { return (nil, raw) }
        let lines = raw.split(separator: "\n", omittingEmptySubsequences: false)
        guard let end = lines.dropFirst().firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" }) else {
            return (nil, raw)
        }
        var id: String?
        for line in lines[1..<end] where line.hasPrefix("spdx-id:") {
            id = line.dropFirst(8).trimmingCharacters(in: .whitespaces)
        }
        return (id, lines[(end + 1)...].joined(separator: "\n"))
    }

    @inline(__always) static func shingle(_ a: UInt64, _ b: UInt64, _ c: UInt64) -> UInt64 {
        var h = a &* 0x9E37_79B9_7F4A_7C15
        h = (h ^ (h >> 29)) &+ b
        h = h &* 0xBF58_476D_1CE4_E5B9
        h = (h ^ (h >> 32)) &+ c
        h = h &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 29)
    }

    /// Required and optional distinct 3-grams of a reference text. Leading title lines (four words
    /// or fewer before the first sentence) are dropped: the SPDX guidelines let a title be omitted.
    static func shingles(ofReference text: String) -> (core: [UInt64], optional: [UInt64], offsets: [Int32]) {
        let (words, _, optionalFrom) = referenceWords(text)
        var core: [UInt64] = []
        var optional: [UInt64] = []
        var coreOffsets: [Int32] = []
        var optionalOffsets: [Int32] = []
        var seen = Set<UInt64>()
        guard words.count >= 3 else { return ([], [], []) }
        for index in 0..<(words.count - 2) {
            let (a, b, c) = (words[index], words[index + 1], words[index + 2])
            if a == NormalisedText.gap || b == NormalisedText.gap || c == NormalisedText.gap { continue }
            let value = shingle(a, b, c)
            guard seen.insert(value).inserted else { continue }
            if index < optionalFrom {
                core.append(value)
                coreOffsets.append(Int32(index))
            } else {
                optional.append(value)
                optionalOffsets.append(Int32(index))
            }
        }
        return (core, optional, coreOffsets + optionalOffsets)
    }

    /// The words of a reference text that take part in matching (leading title lines dropped), the line of each,
    /// and where the optional appendix starts.
    static func referenceWords(_ text: String) -> (words: [UInt64], lines: [Int32], optionalFrom: Int) {
        let normalised = LicenceNormaliser.normalise(text, reference: true)
        var firstLine: Int32 = 1
        var nonEmptySeen = 0
        for (offset, count) in normalised.wordsPerLine.enumerated() where count > 0 {
            nonEmptySeen += 1
            if count > 4 || nonEmptySeen > 6 {
                firstLine = Int32(offset + 1)
                break
            }
        }
        var words: [UInt64] = []
        var lines: [Int32] = []
        for (index, word) in normalised.words.enumerated() where normalised.lines[index] >= firstLine {
            words.append(word)
            lines.append(normalised.lines[index])
        }
        let endMarker = ["end", "of", "terms", "and", "conditions"].map { word -> UInt64 in
            var hash: UInt64 = 0xcbf29ce484222325
            for byte in word.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
            return hash
        }
        var optionalFrom = words.count
        if words.count >= endMarker.count {
            for start in 0...(words.count - endMarker.count) where Array(words[start..<(start + endMarker.count)]) == endMarker {
                optionalFrom = start
                break
            }
        }
        return (words, lines, optionalFrom)
    }
}
