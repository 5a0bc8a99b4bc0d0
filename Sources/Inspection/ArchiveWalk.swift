import CArchive
import DepotModel

/// One nesting level of the walk: where its entries live and what a failure there means.
struct WalkLevel {
    /// Prepended to entry paths in reports: "" at the top, "data.tar.xz!/" one level down.
    var prefix: String
    var depth: Int
    /// Entries here are the installer's contents: they make up `entryCount` and `uncompressedSize`.
    var isPayload: Bool
    /// A libarchive failure here means the installer itself is damaged; elsewhere it is a warning.
    var required: Bool
    /// The kind of archive, for format-specific plans (e.g. `ar` for a Debian package's members).
    var formats: ArchiveFormats
}

/// What to do with one entry.
enum EntryPlan {
    case skip
    /// Read the data into memory (metadata files only; capped).
    case capture
    /// Open the entry as an archive one level down.
    case descend(WalkLevel)

    var isCapture: Bool {
        if case .capture = self { return true }
        return false
    }
}

/// Walks libarchive entries level by level, enforcing the limits, collecting warnings, licence file paths,
/// the few metadata files a format needs, and the payload's entry count and size. Nothing is written anywhere.
final class ArchiveWalk {
    static let captureLimit = 1 << 20
    static let captureBudget = 16 << 20
    static let licenceFileLimit = 1000

    let limits: InspectionLimits
    let installer: String
    private let threshold: Int64
    var warnings: WarningLog
    private let deadline: ContinuousClock.Instant
    /// Metadata files read into memory, by full path (nested ones as `outer!/inner`).
    private(set) var captures: [String: [UInt8]] = [:]
    private(set) var licenseFiles: [String] = []
    private(set) var payloadEntries = 0
    private(set) var payloadBytes: Int64 = 0
    /// Nested archives opened, by the prefix their entries carry ("data.tar.xz!/").
    private(set) var opened: [String] = []
    private var capturedBytes = 0
    private var entriesSeen = 0
    private var declared: Int64 = 0
    private var produced: Int64 = 0
    private var seenNames = Set<Int>()
    /// Chooses the plan for each regular file: (path relative to its archive, its level).
    var plan: (String, WalkLevel) -> EntryPlan = ArchiveWalk.genericPlan
    /// Set when the walk also reads named entries for `Inspector.readEntries`.
    var collector: EntryCollector?

    init(limits: InspectionLimits, installer: String, installerSize: Int64) {
        self.limits = limits
        self.installer = installer
        threshold = limits.expansionThreshold(installerSize: installerSize)
        warnings = WarningLog(examplesShown: limits.maxWarningExamples)
        deadline = ContinuousClock.now + .seconds(limits.maxSecondsPerInstaller)
    }

    /// Unicode characters that look like, or best-fit convert to, a dot or a path separator.
    static let lookalikes: Set<Unicode.Scalar> = ["\u{FF0E}", "\u{2024}", "\u{FE52}", "\u{2215}", "\u{FF0F}", "\u{2044}",
                                                 "\u{29F8}", "\u{FF3C}", "\u{2216}", "\u{29F9}", "\u{FE68}"]

    private func checkTime() throws {
        if ContinuousClock.now > deadline {
            throw InspectionError.budget(installer, "reading it took longer than \(limits.maxSecondsPerInstaller) seconds, "
                + "the limit for one installer (intake.yaml: maxSecondsPerInstaller)")
        }
    }

    /// Archives worth opening when found inside another archive: packages and archives of the formats
    /// intake reads, recognised by name. Compressed single files (changelog.gz) are not archives.
    static func genericPlan(_ path: String, _ level: WalkLevel) -> EntryPlan {
        let name = path.lowercased()
        let archiveSuffixes = [".zip", ".jar", ".war", ".ear", ".msix", ".appx", ".msixbundle", ".appxbundle",
                               ".nupkg", ".whl", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz",
                               ".txz", ".tar.zst", ".tzst", ".cab", ".deb", ".iso", ".xar", ".pkg", ".cpio"]
        guard archiveSuffixes.contains(where: { name.hasSuffix($0) }) else { return .skip }
        return .descend(WalkLevel(prefix: level.prefix + path + "!/", depth: level.depth + 1,
                                  isPayload: false, required: false, formats: .nested))
    }

    /// Walks every entry of `archive`.
    func walk(_ archive: LibArchive, _ level: WalkLevel) throws {
        var retries = 0
        while true {
            var entry: OpaquePointer?
            let status = archive_read_next_header(archive.handle, &entry)
            if status == ARCHIVE_EOF { return }
            if status == ARCHIVE_RETRY {
                retries += 1
                if retries > 3 { throw archive.failure() }
                continue
            }
            if status < ARCHIVE_WARN { throw archive.failure() }
            if status == ARCHIVE_WARN {
                let text = LibArchive.errorText(archive.handle)
                // Names are read as UTF-8 whatever the process locale is; bad names get their own warning.
                if !text.hasSuffix("to current locale.") {
                    warnings.note(.libarchive, "\(level.prefix.isEmpty ? "" : level.prefix + " ")\(text)")
                }
            }
            guard let entry else { throw archive.failure() }
            try visit(entry, in: archive, level)
        }
    }

    private func visit(_ entry: OpaquePointer, in archive: LibArchive, _ level: WalkLevel) throws {
        // The UTF-8 form where the archive declares its names' encoding (zip's UTF-8 flag, 7z's UTF-16),
        // else the bytes as stored.
        let raw: [UInt8]
        if let name = archive_entry_pathname_utf8(entry) {
            raw = CText.bytes(name, limit: limits.maxPathLength + 1)
        } else if let name = archive_entry_pathname(entry) {
            raw = CText.bytes(name, limit: limits.maxPathLength + 1)
        } else {
            raw = []
        }
        if raw.count > limits.maxPathLength {
            throw InspectionError(.refused, code: "inspect.path-too-long",
                "installer '\(installer)' has an entry whose path is longer than \(limits.maxPathLength) bytes "
                + "(it begins '\(String(decoding: raw.prefix(80), as: UTF8.self))…'); such paths are refused as hostile")
        }
        entriesSeen += 1
        if entriesSeen & 0xFF == 0 { try checkTime() }
        if entriesSeen > limits.maxEntries {
            throw InspectionError(.refused, code: "inspect.too-many-entries",
                "installer '\(installer)' has more than \(limits.maxEntries) entries, the intake limit; "
                + "raise maxEntries in the intake policy if this installer is genuine")
        }
        var path = String(decoding: raw, as: UTF8.self)
        if !CText.isUTF8(raw) { warnings.note(.nonUTF8, level.prefix + path) }
        while path.hasPrefix("./") { path.removeFirst(2) }
        let shown = level.prefix + path

        let type = archive_entry_filetype(entry) & 0o170000
        let isDirectory = type == 0o040000
        let isSymlink = type == 0o120000
        let hardlink = archive_entry_hardlink(entry)
        let isRegular = type == 0o100000 && hardlink == nil

        let components = path.split(whereSeparator: { $0 == "/" || $0 == "\\" })
        if components.contains("..") { warnings.note(.traversal, shown) }
        if path.unicodeScalars.contains(where: { Self.lookalikes.contains($0) }) { warnings.note(.lookalike, shown) }
        if Self.isAbsolute(path) { warnings.note(.absolute, shown) }
        if isSymlink || hardlink != nil {
            let target = (isSymlink ? archive_entry_symlink(entry) : hardlink).map { CText.lossy($0) } ?? "?"
            warnings.note(.link, "\(shown) → \(target)")
        }
        if !isDirectory, !path.isEmpty, path != "." {
            var hasher = Hasher()
            hasher.combine(level.prefix)
            hasher.combine(path)
            if !seenNames.insert(hasher.finalize()).inserted { warnings.note(.duplicate, shown) }
        }

        let sizeKnown = archive_entry_size_is_set(entry) != 0
        let size = sizeKnown ? max(0, archive_entry_size(entry)) : 0
        if isRegular {
            declared = declared.addingReportingOverflow(size).overflow ? Int64.max : declared + size
            try checkExpansion()
        }
        // "." is the root folder some formats list (ISO 9660, tar of "."), not content.
        if level.isPayload, !path.isEmpty, path != "." {
            payloadEntries += 1
            if isRegular { payloadBytes = payloadBytes &+ size }
        }
        if isRegular, LicenceFileNames.matches(path) {
            if licenseFiles.count < Self.licenceFileLimit {
                licenseFiles.append(shown)
            } else if licenseFiles.count == Self.licenceFileLimit {
                warnings.add("more than \(Self.licenceFileLimit) licence files; only the first \(Self.licenceFileLimit) are listed")
            }
        }
        guard isRegular else { return }

        let planned = plan(path, level)
        if let collector, collector.takes(shown, planned, inner: path) {
            try collect(collector, archive, level, shown, sizeKnown: sizeKnown, alsoCapture: planned.isCapture)
            return
        }
        switch planned {
        case .capture:
            if sizeKnown && size > Int64(Self.captureLimit) || capturedBytes >= Self.captureBudget {
                warnings.add("\(shown) is larger than \(Self.captureLimit) bytes (or the metadata budget is spent); not read")
                return
            }
            guard let data = try readData(archive, level, shown, keepUpTo: Self.captureLimit, drain: !sizeKnown) else { return }
            if !sizeKnown, level.isPayload { payloadBytes = payloadBytes &+ data.total }
            if data.complete {
                captures[shown] = data.bytes
                capturedBytes += data.bytes.count
            } else {
                warnings.add("\(shown) is larger than \(Self.captureLimit) bytes; not read")
            }
        case .descend(let child):
            // Required members (a Debian package's control and data tars) are the format itself, not nesting.
            if child.depth > limits.maxNestingDepth && !child.required {
                warnings.note(.tooDeep, shown)
                return
            }
            try descend(into: shown, from: archive, level, child)
        case .skip:
            // Streaming zip may not know an entry's size until its data is read: count it, within the limits.
            if !sizeKnown, let data = try readData(archive, level, shown, keepUpTo: 0), level.isPayload {
                payloadBytes = payloadBytes &+ data.total
            }
        }
    }

    /// Reads a wanted entry once for both purposes: the collector's bytes and, where the plan wants it,
    /// the metadata capture the facts are built from.
    private func collect(_ collector: EntryCollector, _ archive: LibArchive, _ level: WalkLevel, _ shown: String,
                         sizeKnown: Bool, alsoCapture: Bool) throws {
        // At least one byte is kept, so that reading stops at the limit rather than decompressing everything.
        let keep = max(collector.maxBytesPerEntry, alsoCapture ? Self.captureLimit : 0, 1)
        guard let data = try readData(archive, level, shown, keepUpTo: keep, drain: !sizeKnown) else { return }
        if !sizeKnown, level.isPayload { payloadBytes = payloadBytes &+ data.total }
        collector.keep(shown, data.bytes, total: data.total, complete: data.complete)
        if alsoCapture, data.complete, data.bytes.count <= Self.captureLimit, capturedBytes < Self.captureBudget {
            captures[shown] = data.bytes
            capturedBytes += data.bytes.count
        }
    }

    private func descend(into shown: String, from archive: LibArchive, _ level: WalkLevel, _ child: WalkLevel) throws {
        do {
            let input = EntryInput(parent: archive.handle, parentDepth: level.depth) { [unowned self] count in
                try self.charge(count)
            }
            let nested = try LibArchive(formats: child.formats, input: input, depth: child.depth)
            opened.append(child.prefix)
            try walk(nested, child)
        } catch let failure as ArchiveFailure where failure.depth >= child.depth && !child.required {
            warnings.note(.nested, "\(shown) (\(failure.message))")
        }
    }

    /// Reads the current entry's data in libarchive's blocks, charging every byte to the expansion budget.
    /// Returns nil when the entry cannot be read (encrypted, unsupported method): that is a warning.
    /// With `drain`, reading goes on past `keep` to the end: libarchive would otherwise skip the rest by
    /// inflating it uncharged, which matters where no size was declared up front (streamed zips).
    private func readData(_ archive: LibArchive, _ level: WalkLevel, _ shown: String, keepUpTo keep: Int,
                          drain: Bool = false) throws -> (bytes: [UInt8], total: Int64, complete: Bool)? {
        var bytes: [UInt8] = []
        var total: Int64 = 0
        var complete = true
        var emptyBlocks = 0
        while true {
            var buffer: UnsafeRawPointer?
            var size = 0
            var offset: la_int64_t = 0
            let status = archive_read_data_block(archive.handle, &buffer, &size, &offset)
            if status == ARCHIVE_EOF { break }
            if status == ARCHIVE_FAILED && archive.failureFromInput == nil {
                warnings.note(.unreadableEntry, "\(shown) (\(LibArchive.errorText(archive.handle)))")
                return nil
            }
            if status < ARCHIVE_WARN { throw archive.failure() }
            if size == 0 {
                emptyBlocks += 1
                if emptyBlocks > 1000 { break }
                continue
            }
            total &+= Int64(size)
            try charge(Int64(size))
            if bytes.count < keep, let buffer {
                let take = min(size, keep - bytes.count)
                bytes.append(contentsOf: UnsafeRawBufferPointer(start: buffer, count: take))
                if take < size { complete = false }
            } else if keep > 0 {
                complete = false
            }
            if !complete && !drain { break }
        }
        return (bytes, total, complete)
    }

    /// Bytes actually decompressed count against the limits as much as declared sizes do.
    private func charge(_ count: Int64) throws {
        let before = produced
        produced = produced &+ count
        // Every 16 MiB produced: often enough to stop a slow bomb, rare enough to cost nothing.
        if before >> 24 != produced >> 24 { try checkTime() }
        try checkExpansion()
    }

    private func checkExpansion() throws {
        let total = max(declared, produced)
        if total > limits.maxUncompressedBytes {
            throw InspectionError(.refused, code: "inspect.bomb",
                "installer '\(installer)' expands to more than \(limits.maxUncompressedBytes) bytes, the intake limit "
                + "for uncompressed content; it is treated as a decompression bomb and refused")
        }
        if total > threshold {
            throw InspectionError(.refused, code: "inspect.bomb",
                "installer '\(installer)' expands more than \(limits.maxCompressionRatio) times its own size "
                + "(over \(threshold) bytes); it is treated as a decompression bomb and refused")
        }
    }

    static func isAbsolute(_ path: String) -> Bool {
        if path.hasPrefix("/") || path.hasPrefix("\\") { return true }
        let bytes = Array(path.utf8.prefix(3))
        // Windows drive paths: C:\ or C:/
        if bytes.count >= 2, bytes[1] == UInt8(ascii: ":"),
           (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(bytes[0] & 0xDF) { return true }
        return false
    }
}
