import Foundation

/// One file read from inside an installer: its path as `InstallerFacts.licenseFiles` names it, and its bytes.
public struct ExtractedEntry: Sendable, Equatable {
    /// The path inside the installer, nested archives written `outer!/inner`.
    public let path: String
    /// The entry's bytes, at most the `maxBytesPerEntry` the read was given.
    public let bytes: [UInt8]
    /// True when the entry is longer than `bytes`: the rest was not kept.
    public let truncated: Bool

    /// An entry as read.
    public init(path: String, bytes: [UInt8], truncated: Bool) {
        self.path = path
        self.bytes = bytes
        self.truncated = truncated
    }
}

extension Inspector {
    /// Reads the named entries (paths exactly as `InstallerFacts.licenseFiles` lists them) from an installer,
    /// each at most `maxBytesPerEntry` (longer ones are truncated and say so), at most `maxEntries` entries.
    /// Nothing is written to disk; the same limits (nesting depth, ratio, entry count) apply as in `inspect`.
    ///
    /// The installer is walked exactly as `inspect` walks it, so a damaged or hostile installer throws the same
    /// `InspectionError`, and a path means the same entry in both. Paths that are not found, name a link or a
    /// folder, or name an entry libarchive cannot decode (encrypted) are absent from the result, which follows
    /// the order of `paths`. Only the first `maxEntries` distinct paths are looked for. Where a path occurs more
    /// than once (which `inspect` warns about) the first entry is read. MSI and Windows executables are not
    /// archives libarchive reads: nothing is returned for them.
    public func readEntries(file: URL, paths: [String], maxBytesPerEntry: Int = 1 << 20,
                            maxEntries: Int = 64) throws -> [ExtractedEntry] {
        var wanted: [String] = []
        var seen = Set<String>()
        for path in paths where wanted.count < maxEntries && seen.insert(path).inserted {
            wanted.append(path)
        }
        guard !wanted.isEmpty else { return [] }
        let collector = EntryCollector(paths: wanted, maxBytesPerEntry: max(0, maxBytesPerEntry))
        _ = try inspect(file: file, copyTo: nil, progress: nil, collector: collector)
        return wanted.compactMap { collector.found[$0] }
    }
}

/// The entries a walk is asked to keep, and those it has kept. Shared by every walk of one run.
final class EntryCollector {
    let maxBytesPerEntry: Int
    private var pending: Set<String>
    /// When set, every regular entry whose name marks it as a licence file is kept, up to this many.
    private let licenceFileLimit: Int?
    private(set) var found: [String: ExtractedEntry] = [:]

    init(paths: [String], maxBytesPerEntry: Int) {
        pending = Set(paths)
        self.maxBytesPerEntry = maxBytesPerEntry
        licenceFileLimit = nil
    }

    /// Keeps the licence files the walk finds, by name, during the inspection pass itself.
    init(licenceFilesUpTo limit: Int, maxBytesPerEntry: Int) {
        pending = []
        self.maxBytesPerEntry = max(0, maxBytesPerEntry)
        licenceFileLimit = max(0, limit)
    }

    /// Whether the entry shown as `path` (named `inner` within its own archive) is to be read now. An archive
    /// that is itself wanted is read as bytes, unless wanted entries lie inside it: then the walk opens it as planned.
    func takes(_ path: String, _ plan: EntryPlan, inner: String) -> Bool {
        if let licenceFileLimit {
            if case .descend = plan { return false }
            return found.count < licenceFileLimit && found[path] == nil && LicenceFileNames.matches(inner)
        }
        guard pending.contains(path) else { return false }
        if case .descend(let child) = plan { return !pending.contains { $0.hasPrefix(child.prefix) } }
        return true
    }

    /// Keeps the first `maxBytesPerEntry` of `bytes`; `total` is how much of the entry was decompressed,
    /// `complete` whether that was all of it.
    func keep(_ path: String, _ bytes: [UInt8], total: Int64, complete: Bool) {
        let kept = Array(bytes.prefix(maxBytesPerEntry))
        pending.remove(path)
        found[path] = ExtractedEntry(path: path, bytes: kept, truncated: !complete || total > Int64(kept.count))
    }
}
