import DepotModel
import Foundation
import WindowsFormats

/// Reads an installer once and says what it is: hash, format, name, version, publisher, platforms,
/// architectures, declared licence, licence files, entry count and size.
///
/// How bad input ends:
/// - It **throws** an `InspectionError` (the caller quarantines the submission) when the installer itself is
///   damaged or hostile: truncated or corrupt archives (the message quotes libarchive), decompression bombs,
///   too many entries, over-long paths, an empty file, a file over the size limit, and MSI/PE files the
///   Windows reader calls damaged (its message is kept).
/// - It **returns facts with warnings** when the installer is still readable: entries with `..`, absolute
///   paths, links, duplicate or non-UTF-8 names; nested archives that cannot be read or are nested too deep;
///   metadata files that are malformed or too large; formats it recognises but cannot read (DMG, Windows
///   installers the Windows reader declines without calling them damaged); an RPM payload libarchive cannot
///   decompress; compressed data that is not a tarball; and anything unrecognised (`format: "unknown"`).
///   Links inside zips are found in the central directory (streaming reads only see local headers); links in
///   zips nested inside other archives are not detected.
///
/// Nothing is extracted: only small metadata files (AppxManifest.xml, .nuspec, METADATA, MANIFEST.MF, control,
/// copyright, PackageInfo, Distribution, manifest.json) are read into memory, each at most 1 MiB. Memory stays
/// bounded: the file is read in 1 MiB blocks. Licence files inside nested archives are named
/// `outer!/inner` (for example `data.tar.xz!/usr/share/doc/hello/copyright`); leading `./` is dropped.
/// `readEntries` reads such files back by those names, in the same walk.
public struct Inspector: Sendable {
    /// The limits enforced while reading.
    public let limits: InspectionLimits

    /// An inspector with the given limits (the intake policy's, or the standard ones).
    public init(limits: InspectionLimits = .standard) {
        self.limits = limits
    }

    /// One pass over the file: hashes (SHA256Hasher), feeds libarchive / the format readers, and if `copyTo` is
    /// given writes the same bytes to that file (the lead's blob store then fsyncs and renames it). `progress` is
    /// called with (bytesRead, totalBytes) at most ~10 times a second, and once at the end.
    ///
    /// When an `InspectionError` carries `sha256`, the whole file was read and the copy (if any) is complete.
    /// 7z archives keep their index at the end: for them the pass hashes first and libarchive then reads the
    /// index from the file.
    public func inspect(file: URL, copyTo: URL? = nil,
                        progress: (@Sendable (Int64, Int64) -> Void)? = nil) throws -> InstallerFacts {
        try inspect(file: file, copyTo: copyTo, progress: progress, collector: nil)
    }

    /// The same single pass as `inspect`, also keeping the text of every licence file it lists (each at most
    /// `maxBytesPerLicence`, at most `maxLicences` of them), so the licence review needs no second read.
    public func inspectWithLicences(file: URL, copyTo: URL? = nil, progress: (@Sendable (Int64, Int64) -> Void)? = nil,
                                    maxBytesPerLicence: Int = 1 << 20,
                                    maxLicences: Int = 64) throws -> (facts: InstallerFacts, licences: [ExtractedEntry]) {
        let collector = EntryCollector(licenceFilesUpTo: maxLicences, maxBytesPerEntry: maxBytesPerLicence)
        let facts = try inspect(file: file, copyTo: copyTo, progress: progress, collector: collector)
        return (facts, facts.licenseFiles.compactMap { collector.found[$0] })
    }

    func inspect(file: URL, copyTo: URL?, progress: (@Sendable (Int64, Int64) -> Void)?,
                 collector: EntryCollector?) throws -> InstallerFacts {
        let source = try ByteSource(path: file.path, copyTo: copyTo?.path, maxBytes: limits.maxInstallerBytes,
                                    progress: progress)
        let run = InspectionRun(source: source, limits: limits, path: file.path,
                                fileName: file.lastPathComponent)
        run.collector = collector
        return try UTF8Locale.around { try run.perform() }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// libarchive converts entry names through the current locale; in the C locale a UTF-8 name (zip's UTF-8 flag,
/// 7z's UTF-16, Joliet) cannot be converted and comes back empty. A UTF-8 locale is set for this thread only
/// (`uselocale`), so the rest of the process keeps its own.
enum UTF8Locale {
    static func around<T>(_ body: () throws -> T) rethrows -> T {
        var locale: locale_t?
        for name in ["C.UTF-8", "C.utf8", "en_US.UTF-8", "UTF-8"] {
            locale = newlocale(LC_CTYPE_MASK, name, nil)
            if locale != nil { break }
        }
        guard let locale else { return try body() }
        let previous = uselocale(locale)
        defer {
            uselocale(previous)
            freelocale(locale)
        }
        return try body()
    }
}

/// The state of one inspection: the pass, the bytes read so far for sniffing, and the facts being gathered.
final class InspectionRun {
    let source: ByteSource
    let limits: InspectionLimits
    let path: String
    let fileName: String
    /// The first bytes of the file (at least one block), already hashed; served to libarchive first.
    private(set) var head: [UInt8] = []
    var facts: InstallerFacts
    var warnings: [String] = []
    /// Set by `Inspector.readEntries`: every walk of the run also reads the entries it names.
    var collector: EntryCollector?

    init(source: ByteSource, limits: InspectionLimits, path: String, fileName: String) {
        self.source = source
        self.limits = limits
        self.path = path
        self.fileName = fileName
        facts = InstallerFacts(sha256: "", size: source.size, format: "unknown")
    }

    func perform() throws -> InstallerFacts {
        do {
            _ = try ensureHead(1)
            guard !head.isEmpty else {
                throw InspectionError(.invalidInput, code: "inspect.empty",
                                      "installer '\(path)' is empty (0 bytes); submit the real installer file")
            }
            let sniffed = FormatSniffer.sniff(head: head, tail: source.tail(512),
                                              windowsRecognises: WindowsInstallerReader.recognises(prefix:))
            try read(sniffed)
            try source.drain()
        } catch let error as InspectionError where error.allowsFinishingThePass {
            try source.drain()
            throw error.withHash(source.finish())
        } catch let failure as ArchiveFailure {
            try source.drain()
            throw InspectionError.corrupt(path, "its \(facts.format) structure could not be read",
                                          libarchive: failure.message).withHash(source.finish())
        } catch let failure as RPMHeader.ParseError {
            try source.drain()
            switch failure {
            case .message(let text):
                throw InspectionError.corrupt(path, text).withHash(source.finish())
            case .budget(let text):
                throw InspectionError.budget(path, text).withHash(source.finish())
            }
        }
        facts.sha256 = source.finish()
        facts.size = source.position
        facts.warnings = warnings + facts.warnings
        return facts.bounded()
    }

    /// Makes sure at least `count` bytes of the file are in `head` (reading more of the pass if needed);
    /// false when the file is shorter.
    func ensureHead(_ count: Int) throws -> Bool {
        while head.count < count {
            let chunk = try source.next()
            if chunk.isEmpty { return false }
            head.append(contentsOf: chunk)
        }
        return true
    }

    private func read(_ sniffed: SniffedFormat) throws {
        switch sniffed {
        case .zip:
            try readZipFamily(start: 0, crx: false)
        case .crx(let start):
            facts.format = "crx"
            guard let start else {
                warnings.append("'\(fileName)' starts like a Chrome extension (Cr24) but its CRX version is not one intake knows (2 or 3); not inspected")
                return
            }
            guard start <= source.size else {
                throw InspectionError.corrupt(path, "its CRX header claims to end at byte \(start), beyond the end of the file")
            }
            try readZipFamily(start: start, crx: true)
        case .deb:
            try readDebian()
        case .rpm:
            try readRPM()
        case .xar:
            try readMacPackage()
        case .sevenZip:
            facts.format = "7z"
            facts.installerType = "portable"
            // 7z keeps its index at the end: finish the pass, then let libarchive seek in the file.
            try source.drain()
            let walk = makeWalk()
            let archive = try LibArchive(formats: .sevenZip, path: path, depth: 0)
            try walk.walk(archive, WalkLevel(prefix: "", depth: 0, isPayload: true, required: true, formats: .sevenZip))
            absorb(walk)
        case .cab:
            facts.format = "cab"
            facts.platforms = [DepotPlatform.windows]
            try readListing(.cab)
        case .iso9660:
            facts.format = "iso9660"
            try readListing(.iso9660)
        case .tar:
            facts.format = "tar"
            facts.installerType = "portable"
            try readListing(.tar)
        case .compressed(let compression):
            facts.format = "tar"
            facts.installerType = "portable"
            do {
                try readListing(.tar)
            } catch let failure as ArchiveFailure where failure.unrecognised {
                facts.format = "unknown"
                facts.installerType = nil
                warnings.append("'\(fileName)' is \(compression)-compressed data that is not a tar archive (libarchive: \(failure.message)); not inspected")
            }
        case .dmg:
            facts.format = "dmg"
            facts.platforms = [DepotPlatform.macos]
            warnings.append("'\(fileName)' is an Apple disk image (.dmg), which intake recognises but cannot read; confirm its facts by hand or submit the .pkg inside it")
        case .windows(let msi):
            try readWindows(msi: msi)
        case .ar:
            warnings.append("'\(fileName)' is an ar archive but not a Debian package (no debian-binary member first); not inspected")
        case .unknown:
            warnings.append("'\(fileName)' is not a format intake recognises (zip, MSIX, NuGet, wheel, JAR, CRX, deb, RPM, pkg, DMG, tar, 7z, cab, ISO, MSI, EXE); confirm its facts by hand")
        }
    }

    func makeWalk() -> ArchiveWalk {
        let walk = ArchiveWalk(limits: limits, installer: path, installerSize: source.size)
        walk.collector = collector
        return walk
    }

    /// Opens libarchive on the pass from byte `start` and walks it at the top level.
    /// `isPayload` is false where the contents sit one level down (a Debian package's data.tar).
    func walkPass(_ walk: ArchiveWalk, formats: ArchiveFormats, start: Int64, isPayload: Bool = true) throws {
        let input = PassInput(source: source, head: head, start: start)
        // The input holds its own copy of what it still has to serve (an RPM's headers can be megabytes).
        head = []
        let archive = try LibArchive(formats: formats, input: input, depth: 0)
        try walk.walk(archive, WalkLevel(prefix: "", depth: 0, isPayload: isPayload, required: true, formats: formats))
    }

    /// Formats whose facts are only the listing: tar, cab, ISO 9660.
    private func readListing(_ formats: ArchiveFormats) throws {
        let walk = makeWalk()
        try walkPass(walk, formats: formats, start: 0)
        absorb(walk)
    }

    /// Copies what every walk learns into the facts.
    func absorb(_ walk: ArchiveWalk) {
        facts.entryCount = walk.payloadEntries
        facts.uncompressedSize = walk.payloadBytes
        for file in walk.licenseFiles { facts.licenseFiles.appendUnique(file) }
        facts.warnings += walk.warnings.lines
    }

    /// Hashes (and copies) the whole file in the pass, then hands it to the Windows readers.
    private func readWindows(msi: Bool) throws {
        facts.format = msi ? "msi" : "pe"
        facts.installerType = msi ? "msi" : nil
        facts.platforms = [DepotPlatform.windows]
        try source.drain()
        let result: WindowsInspection
        do {
            result = try WindowsInstallerReader.inspect(path: path, trustedRoots: nil, limits: limits.windows)
        } catch let error as any DepotError where error.code == "windows.budget" {
            throw InspectionError.budget(path, error.message.hasPrefix(path + ": ") ? String(error.message.dropFirst(path.count + 2)) : error.message)
        } catch let error as any DepotError where error.kind == .invalidInput {
            // The Windows reader names the file itself.
            let message = error.message.contains(path) ? error.message : "installer '\(path)' is damaged: \(error.message)"
            throw InspectionError(.invalidInput, code: error.code == "windows.io" ? "inspect.unreadable" : "inspect.corrupt", message)
        } catch let error as any DepotError {
            warnings.append("the Windows reader could not read '\(fileName)': \(error.message)")
            return
        } catch {
            warnings.append("the Windows reader could not read '\(fileName)': \(error)")
            return
        }
        facts.format = result.format
        facts.installerType = result.installerType
        facts.name = result.name
        facts.version = result.version
        facts.publisher = result.publisher
        facts.platforms = result.platforms
        facts.architectures = result.architectures
        facts.declaredLicense = result.declaredLicense
        facts.licenseFiles = result.licenseFiles
        facts.entryCount = result.entryCount
        facts.uncompressedSize = result.uncompressedSize
        facts.warnings += result.warnings
        facts.windows = result.windows
    }
}
