import DepotModel
import Foundation

/// MSIX/APPX and their bundles, NuGet/Chocolatey, Python wheels, JARs, Chrome extensions and plain zips:
/// all zips, told apart by the metadata file they carry.
extension InspectionRun {
    func readZipFamily(start: Int64, crx: Bool) throws {
        facts.format = crx ? "crx" : "zip"
        let walk = makeWalk()
        walk.plan = { path, level in
            if level.depth == 0, Self.isZipMetadata(path, crx: crx) { return .capture }
            // A bundle's packages: their manifests name the architectures and the display names.
            if level.depth > 0, path == "AppxManifest.xml" { return .capture }
            return ArchiveWalk.genericPlan(path, level)
        }
        try walkPass(walk, formats: .zip, start: start)
        // Streaming reads local headers only; the central directory at the end is what unzip tools trust.
        guard let end = FormatSniffer.zipEnd(source.tail(22 + 0xFFFF), fileSize: source.size) else {
            throw InspectionError.corrupt(path, "the zip has no end-of-central-directory record, so the file is truncated")
        }
        if let count = end.entries, count != walk.payloadEntries {
            warnings.append("the zip's central directory lists \(count) entries but \(walk.payloadEntries) were found in the file; tools that trust either one will see different contents")
        }
        if end.centralDirectorySize <= Self.centralDirectoryLimit {
            let directory = source.readAside(offset: end.offset - end.centralDirectorySize, count: Int(end.centralDirectorySize))
            for link in FormatSniffer.zipSymlinks(centralDirectory: directory, limit: 1000) {
                walk.warnings.note(.link, "\(link) (symbolic link)")
            }
        }
        absorb(walk)
        let captures = walk.captures
        if crx {
            readChromeManifest(captures)
        } else if let bundle = captures["AppxMetadata/AppxBundleManifest.xml"] {
            readAppxBundle(bundle, captures)
        } else if let manifest = captures["AppxManifest.xml"] {
            facts.format = "msix"
            facts.installerType = "msix"
            applyAppxManifest(manifest, file: "AppxManifest.xml")
        } else if let (name, nuspec) = captures.first(where: { !$0.key.contains("/") && $0.key.lowercased().hasSuffix(".nuspec") }) {
            readNuspec(nuspec, file: name)
        } else if let (name, metadata) = captures.first(where: { $0.key.hasSuffix(".dist-info/METADATA") }) {
            readWheel(metadata, wheelFile: captures[String(name.dropLast("METADATA".count)) + "WHEEL"])
        } else if let manifest = captures["META-INF/MANIFEST.MF"] {
            readJarManifest(manifest)
        } else {
            facts.format = "zip"
            facts.installerType = "portable"
        }
    }

    /// Central directories larger than this are not read aside for links (64 MiB holds about 800,000 entries).
    static let centralDirectoryLimit: Int64 = 64 << 20

    static func isZipMetadata(_ path: String, crx: Bool) -> Bool {
        if path == "AppxManifest.xml" || path == "AppxMetadata/AppxBundleManifest.xml" || path == "META-INF/MANIFEST.MF" {
            return true
        }
        if !path.contains("/"), path.lowercased().hasSuffix(".nuspec") { return true }
        let parts = path.split(separator: "/")
        if parts.count == 2, parts[0].hasSuffix(".dist-info"), parts[1] == "METADATA" || parts[1] == "WHEEL" { return true }
        if crx {
            if path == "manifest.json" { return true }
            if parts.count == 3, parts[0] == "_locales", parts[2] == "messages.json" { return true }
        }
        return false
    }

    // MARK: MSIX / APPX

    /// Applies an AppxManifest.xml: Identity Name/Version/Publisher/ProcessorArchitecture, DisplayName,
    /// PublisherDisplayName. Names that are resource references (ms-resource:) give way to the identity.
    private func applyAppxManifest(_ bytes: [UInt8], file: String) {
        let document = XMLScanner.scan(XMLScanner.text(bytes))
        guard let identity = document.first(where: { $0.name == "Identity" }) else {
            warnings.append("\(file) has no Identity element; the package's name and version are unknown")
            return
        }
        let displayName = document.first(where: { $0.name == "DisplayName" })?.text
        let publisherName = document.first(where: { $0.name == "PublisherDisplayName" })?.text
        facts.name = Self.unlessResource(displayName) ?? identity.attributes["Name"]
        facts.version = identity.attributes["Version"]
        facts.publisher = Self.unlessResource(publisherName) ?? identity.attributes["Publisher"].map(Self.commonName)
        facts.platforms = [DepotPlatform.windows]
        facts.architectures.appendUnique(DepotPlatform.architecture(identity.attributes["ProcessorArchitecture"] ?? "neutral"))
    }

    private func readAppxBundle(_ bytes: [UInt8], _ captures: [String: [UInt8]]) {
        facts.format = "appxbundle"
        facts.installerType = "msix"
        facts.platforms = [DepotPlatform.windows]
        let document = XMLScanner.scan(XMLScanner.text(bytes))
        let identity = document.first(where: { $0.name == "Identity" })
        let packages = document.filter { $0.name == "Package" && ($0.attributes["Type"] ?? "application") == "application" }
        // The first application package's own manifest has the display names the bundle manifest lacks.
        for package in packages {
            if let file = package.attributes["FileName"], let inner = captures[file + "!/AppxManifest.xml"], facts.name == nil {
                applyAppxManifest(inner, file: file + "!/AppxManifest.xml")
            }
        }
        if facts.name == nil { facts.name = identity?.attributes["Name"] }
        if facts.publisher == nil { facts.publisher = identity?.attributes["Publisher"].map(Self.commonName) }
        if let version = identity?.attributes["Version"] { facts.version = version }
        var architectures: [String] = []
        for package in packages {
            architectures.appendUnique(DepotPlatform.architecture(package.attributes["Architecture"] ?? "neutral"))
        }
        if !architectures.isEmpty { facts.architectures = architectures }
        if identity == nil {
            warnings.append("AppxMetadata/AppxBundleManifest.xml has no Identity element; the bundle's name and version are unknown")
        }
    }

    private static func unlessResource(_ value: String?) -> String? {
        guard let value, !value.isEmpty, !value.lowercased().hasPrefix("ms-resource:") else { return nil }
        return value
    }

    /// "CN=Contoso Ltd, O=Contoso, C=US" → "Contoso Ltd"; other values unchanged.
    static func commonName(_ distinguishedName: String) -> String {
        for part in distinguishedName.split(separator: ",") {
            let item = part.trimmingWhitespace()
            if item.uppercased().hasPrefix("CN=") { return String(item.dropFirst(3)).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        }
        return distinguishedName
    }

    // MARK: NuGet / Chocolatey

    private func readNuspec(_ bytes: [UInt8], file: String) {
        facts.format = "nupkg"
        facts.installerType = "nupkg"
        facts.platforms = [DepotPlatform.windows]
        let document = XMLScanner.scan(XMLScanner.text(bytes))
        func text(_ name: String) -> String? { document.first(where: { $0.name == name })?.text }
        guard document.contains(where: { $0.name == "metadata" }) else {
            warnings.append("\(file) has no metadata element; the package's facts are unknown")
            return
        }
        facts.name = text("title") ?? text("id")
        facts.version = text("version")
        facts.publisher = text("authors") ?? text("owners")
        if let license = document.first(where: { $0.name == "license" }) {
            if license.attributes["type"]?.lowercased() == "file", let inside = license.text {
                facts.licenseFiles.appendUnique(inside)
            } else {
                facts.declaredLicense = license.text
            }
        }
        // NuGet writes this placeholder URL when the licence is given by <license>.
        if facts.declaredLicense == nil, let url = text("licenseUrl"), url != "https://aka.ms/deprecateLicenseUrl" {
            facts.declaredLicense = url
        }
        if text("requireLicenseAcceptance")?.lowercased() == "true" {
            warnings.append("\(file) requires the user to accept the licence (requireLicenseAcceptance)")
        }
    }

    // MARK: Python wheels

    private func readWheel(_ bytes: [UInt8], wheelFile: [UInt8]?) {
        facts.format = "wheel"
        facts.installerType = "wheel"
        let fields = FieldParser.header(String(decoding: bytes, as: UTF8.self))
        facts.name = FieldParser.value("Name", in: fields)
        facts.version = FieldParser.value("Version", in: fields)
        facts.publisher = FieldParser.value("Author", in: fields) ?? FieldParser.value("Maintainer", in: fields)
            ?? FieldParser.value("Author-email", in: fields).map(Self.personName)
        let license = FieldParser.value("License", in: fields)
        let classifiers = FieldParser.values("Classifier", in: fields)
            .filter { $0.hasPrefix("License ::") }
            .compactMap { $0.components(separatedBy: "::").last?.trimmingWhitespace() }
        if let expression = FieldParser.value("License-Expression", in: fields) {
            facts.declaredLicense = expression
        } else if let license, !license.contains("\n"), license.count <= 200, license != "UNKNOWN" {
            facts.declaredLicense = license
        } else if !classifiers.isEmpty {
            facts.declaredLicense = classifiers.joined(separator: "; ")
        } else if let license, license != "UNKNOWN" {
            // A full licence text pasted into the field: its first line usually names it.
            facts.declaredLicense = license.split(separator: "\n").first.map(String.init)
        }
        let tags = wheelFile.map { FieldParser.values("Tag", in: FieldParser.header(String(decoding: $0, as: UTF8.self))) } ?? []
        for tag in tags {
            let parts = tag.split(separator: "-")
            guard let platformTag = parts.last else { continue }
            for platform in platformTag.split(separator: ".") {
                Self.applyWheelPlatform(String(platform), to: &facts)
            }
        }
        if tags.isEmpty { warnings.append("the wheel has no WHEEL file with Tag lines; its platforms are unknown") }
    }

    /// "win_amd64", "manylinux_2_17_x86_64", "macosx_11_0_universal2", "any" → platforms and architectures.
    static func applyWheelPlatform(_ tag: String, to facts: inout InstallerFacts) {
        if tag == "any" {
            for platform in DepotPlatform.everywhere { facts.platforms.appendUnique(platform) }
            facts.architectures.appendUnique("any")
            return
        }
        let platform: String?
        if tag.hasPrefix("win") { platform = DepotPlatform.windows }
        else if tag.hasPrefix("macosx") { platform = DepotPlatform.macos }
        else if tag.contains("linux") { platform = DepotPlatform.linux }
        else { platform = nil }
        facts.platforms.appendUnique(platform)
        if tag == "win32" { facts.architectures.appendUnique("x86"); return }
        if tag.hasSuffix("universal2") {
            facts.architectures.appendUnique("x64")
            facts.architectures.appendUnique("arm64")
            return
        }
        for suffix in ["x86_64", "amd64", "arm64", "aarch64", "i686", "armv7l", "ppc64le", "s390x"] where tag.hasSuffix(suffix) {
            facts.architectures.appendUnique(DepotPlatform.architecture(suffix))
            return
        }
    }

    /// "Jane Doe <jane@example.org>" → "Jane Doe".
    static func personName(_ value: String) -> String {
        guard let angle = value.firstIndex(of: "<") else { return value }
        let name = value[..<angle].trimmingWhitespace().trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        return name.isEmpty ? value : name
    }

    // MARK: JAR

    private func readJarManifest(_ bytes: [UInt8]) {
        facts.format = "jar"
        facts.installerType = "jar"
        facts.platforms = DepotPlatform.everywhere
        facts.architectures = ["any"]
        let fields = FieldParser.jarManifest(String(decoding: bytes, as: UTF8.self))
        func first(_ keys: String...) -> String? { keys.lazy.compactMap { FieldParser.value($0, in: fields) }.first }
        facts.name = first("Implementation-Title", "Bundle-Name", "Specification-Title", "Bundle-SymbolicName", "Automatic-Module-Name")
        facts.version = first("Implementation-Version", "Bundle-Version", "Specification-Version")
        facts.publisher = first("Implementation-Vendor", "Bundle-Vendor", "Specification-Vendor")
        facts.declaredLicense = first("Bundle-License")
    }

    // MARK: Chrome extensions

    private func readChromeManifest(_ captures: [String: [UInt8]]) {
        facts.format = "crx"
        facts.installerType = "crx"
        facts.platforms = DepotPlatform.everywhere
        facts.architectures = ["any"]
        guard let bytes = captures["manifest.json"] else {
            warnings.append("the Chrome extension has no manifest.json; its name and version are unknown")
            return
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            warnings.append("the Chrome extension's manifest.json is not a JSON object; its name and version are unknown")
            return
        }
        let locale = object["default_locale"] as? String
        func localised(_ value: String?) -> String? {
            guard let value, value.hasPrefix("__MSG_"), value.hasSuffix("__"), let locale,
                  let messagesBytes = captures["_locales/\(locale)/messages.json"],
                  let messages = try? JSONSerialization.jsonObject(with: Data(messagesBytes)) as? [String: Any] else { return value }
            let key = String(value.dropFirst(6).dropLast(2))
            let entry = messages.first(where: { $0.key.lowercased() == key.lowercased() })?.value as? [String: Any]
            return entry?["message"] as? String ?? value
        }
        facts.name = localised(object["name"] as? String)
        facts.version = object["version"] as? String
        if let author = object["author"] as? String {
            facts.publisher = author
        } else if let author = object["author"] as? [String: Any] {
            facts.publisher = author["email"] as? String
        }
    }
}
