import Foundation

/// ScanCode's licence texts (the `licensedcode-data` package from PyPI, data under CC-BY-4.0, pinned in
/// scripts/pytools.txt and installed by `make deps`) as reference texts, and the cache that keeps the built index
/// so that only the first process after an install pays for building it.
public enum LicenceData {
    /// Bumped whenever the index or its file layout changes: an older cache is then rebuilt.
    static let formatVersion: UInt32 = 3

    /// The data folder (`…/licensedcode/data`) and its package version, or nil when it is not installed.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) -> (directory: String, version: String)? {
        let manager = FileManager.default
        if let explicit = environment["DEPOT_LICENCE_DATA"], !explicit.isEmpty {
            guard manager.fileExists(atPath: explicit + "/licenses") else { return nil }
            return (explicit, version(near: explicit) ?? "unversioned")
        }
        var roots: [String] = [manager.currentDirectoryPath]
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        roots.append(executable.path)
        for case let root in roots {
            var url = URL(fileURLWithPath: root)
            for _ in 0..<6 {
                for candidate in [url.appendingPathComponent(".build/pytools"), url.appendingPathComponent("pytools")] {
                    guard let libs = try? manager.contentsOfDirectory(atPath: candidate.path + "/lib") else { continue }
                    for python in libs.sorted() where python.hasPrefix("python3") {
                        let data = candidate.path + "/lib/\(python)/site-packages/licensedcode/data"
                        if manager.fileExists(atPath: data + "/licenses") { return (data, version(near: data) ?? "unversioned") }
                    }
                }
                url.deleteLastPathComponent()
            }
        }
        for system in ["/usr/lib/python3/dist-packages/licensedcode/data", "/usr/local/lib/python3/dist-packages/licensedcode/data"]
            where manager.fileExists(atPath: system + "/licenses") {
            return (system, version(near: system) ?? "unversioned")
        }
        return nil
    }

    /// The version from the package's dist-info beside `…/licensedcode/data`.
    static func version(near data: String) -> String? {
        let sitePackages = URL(fileURLWithPath: data).deletingLastPathComponent().deletingLastPathComponent()
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: sitePackages.path) else { return nil }
        for entry in entries where entry.hasPrefix("licensedcode_data-") && entry.hasSuffix(".dist-info") {
            return String(entry.dropFirst("licensedcode_data-".count).dropLast(".dist-info".count))
        }
        return nil
    }

    /// The licence texts of the data: one per licence with an SPDX (or ScanCode LicenseRef) identifier. Deprecated,
    /// unknown and generic entries, exceptions, and the "-plus" duplicates of full texts (a notice decides "or later")
    /// are left out.
    static func texts(directory: String) -> [(id: String, source: String, text: String)] {
        let folder = directory + "/licenses"
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        var texts: [(id: String, source: String, text: String)] = []
        for entry in entries.sorted() where entry.hasSuffix(".LICENSE") {
            let path = folder + "/" + entry
            guard let data = FileManager.default.contents(atPath: path), data.count < 1_000_000 else { continue }
            let raw = LicenceTextFormat.decode(Array(data))
            guard raw.hasPrefix("---"), let end = raw.range(of: "\n---\n", range: raw.index(raw.startIndex, offsetBy: 3)..<raw.endIndex) else { continue }
            let front = raw[raw.startIndex..<end.lowerBound]
            let body = String(raw[end.upperBound...])
            var fields: [String: String] = [:]
            for line in front.split(separator: "\n") where !line.hasPrefix(" ") {
                guard let colon = line.firstIndex(of: ":") else { continue }
                fields[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            let key = fields["key"] ?? ""
            guard let id = fields["spdx_license_key"], !id.isEmpty,
                  fields["is_deprecated"] != "yes", fields["is_exception"] != "yes", fields["is_unknown"] != "yes",
                  fields["is_generic"] != "yes", !key.hasSuffix("-plus"), !key.contains("unknown"),
                  body.split(whereSeparator: { $0.isWhitespace }).count >= 12 else { continue }
            texts.append((id, "licensedcode-data:\(entry)", body))
        }
        return texts
    }

    /// Where the built index is kept: $DEPOT_LICENCE_CACHE, else beside the installed data under .build, else the
    /// user's cache folder; nil when none is writable (the index is then built in memory each time).
    static func cacheFile(dataDirectory: String, key: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        let name = "licence-index-\(key).bin"
        var folders: [URL] = []
        if let explicit = environment["DEPOT_LICENCE_CACHE"], !explicit.isEmpty { folders.append(URL(fileURLWithPath: explicit)) }
        if let range = dataDirectory.range(of: "/pytools/") {
            folders.append(URL(fileURLWithPath: String(dataDirectory[..<range.lowerBound])).appendingPathComponent("licence-index"))
        }
        let cacheHome = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"].map { $0 + "/.cache" } ?? NSTemporaryDirectory())
        folders.append(URL(fileURLWithPath: cacheHome).appendingPathComponent("depot"))
        for folder in folders {
            let file = folder.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: file.path) { return file }
            if (try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)) != nil,
               FileManager.default.isWritableFile(atPath: folder.path) {
                return file
            }
        }
        return nil
    }
}

extension LicenceLibrary {
    /// The library the detector uses by default: the host's texts (base-files, ruby-licensee) and ScanCode's
    /// licence data when installed, from the cached index when it is current, else built and cached. Without the
    /// data, the host texts alone, with `note` saying so; throws only when there is no text at all.
    public static func loadDefault(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> LicenceLibrary {
        let directories = defaultDirectories()
        guard let data = LicenceData.locate(environment: environment) else {
            var library = try load(directories: directories)
            library.note = "ScanCode's licence data (licensedcode-data) is not installed: only the \(library.identifiers.count) "
                + "licences the host provides are known; run 'make deps'"
            return library
        }
        // The host texts are part of the index: their names and sizes go into the cache key.
        var fingerprint = "\(LicenceData.formatVersion)|\(data.version)|\(data.directory)"
        for directory in directories {
            for entry in ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted() {
                let size = (try? FileManager.default.attributesOfItem(atPath: directory + "/" + entry)[.size] as? Int) ?? 0
                fingerprint += "|\(directory)/\(entry):\(size ?? 0)"
            }
        }
        let key = "\(data.version)-" + String(LicenceHash.sha256Hex(fingerprint).prefix(12))
        let cache = LicenceData.cacheFile(dataDirectory: data.directory, key: key, environment: environment)
        if let cache, let bytes = try? Data(contentsOf: cache, options: .alwaysMapped), var library = LicenceLibrary(serialised: bytes) {
            library.dataVersion = data.version
            return library
        }
        let host = (try? load(directories: directories))
        let list = SPDXLicenseList.installed()
        var texts = host?.references.filter { !$0.source.hasSuffix("#notice") }.map { ($0.id, $0.source, $0.text) } ?? []
        let parser = SPDXExpressionParser(list: list, allowUnknownIdentifiers: true)
        for (id, source, text) in LicenceData.texts(directory: data.directory) {
            guard let expression = try? parser.parse(id), case .license = expression else {
                if id.hasPrefix("LicenseRef-") { texts.append((id, source, text)) }
                continue
            }
            texts.append((expression.description, source, text))
        }
        let notices = host?.references.filter { $0.source.hasSuffix("#notice") }.map { ($0.id, $0.source, $0.text) } ?? []
        guard !texts.isEmpty else { throw LicensingError.libraryMissing(directories + [data.directory]) }
        var library = LicenceLibrary(texts: texts, notices: notices)
        library.dataVersion = data.version
        if let cache {
            let temporary = cache.deletingLastPathComponent().appendingPathComponent(".\(cache.lastPathComponent).\(getpid()).tmp")
            // Written aside and renamed into place: a reader never sees half a file, and concurrent builders agree.
            if (try? library.serialised().write(to: temporary)) != nil, rename(temporary.path, cache.path) != 0 {
                try? FileManager.default.removeItem(at: temporary)
            }
        }
        return library
    }
}
