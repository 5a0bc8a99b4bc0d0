/// Debian packages, RPM packages and macOS installer packages.
extension InspectionRun {
    // MARK: Debian

    /// A .deb is an ar archive: debian-binary, control.tar.* (the control file) and data.tar.* (the files,
    /// with their DEP-5 copyright under usr/share/doc). The data members are the installer's contents.
    func readDebian() throws {
        facts.format = "deb"
        facts.installerType = "deb"
        facts.platforms = [DepotPlatform.linux]
        try checkArMemberNames()
        let walk = makeWalk()
        walk.plan = { path, level in
            if level.depth == 0 {
                let member = WalkLevel(prefix: path + "!/", depth: 1, isPayload: path.hasPrefix("data.tar"),
                                       required: true, formats: .tar)
                return path.hasPrefix("control.tar") || path.hasPrefix("data.tar") ? .descend(member) : .skip
            }
            if level.depth == 1, level.prefix.hasPrefix("control.tar") { return path == "control" ? .capture : .skip }
            if level.depth == 1, Self.isDocCopyright(path) { return .capture }
            return ArchiveWalk.genericPlan(path, level)
        }
        try walkPass(walk, formats: .ar, start: 0, isPayload: false)
        absorb(walk)
        for member in ["control.tar", "data.tar"] where !walk.opened.contains(where: { $0.hasPrefix(member) }) {
            throw InspectionError.corrupt(path, "the Debian package has no \(member) member; it is truncated or not a real package")
        }
        let captures = walk.captures
        guard let control = captures.first(where: { $0.key.hasPrefix("control.tar") && $0.key.hasSuffix("!/control") })?.value else {
            warnings.append("the Debian package has no control file; its name and version are unknown")
            return
        }
        let fields = FieldParser.header(String(decoding: control, as: UTF8.self))
        facts.name = FieldParser.value("Package", in: fields)
        facts.version = FieldParser.value("Version", in: fields)
        facts.publisher = FieldParser.value("Maintainer", in: fields)
        if let architecture = FieldParser.value("Architecture", in: fields) {
            facts.architectures.appendUnique(DepotPlatform.architecture(architecture))
        }
        // The package's own copyright file first; other packages' doc folders only when it has none.
        let copyrights = captures.filter { $0.key.hasPrefix("data.tar") && $0.key.hasSuffix("/copyright") }
        let own = facts.name.flatMap { name in copyrights.first(where: { $0.key.hasSuffix("!/usr/share/doc/\(name)/copyright") }) }
        if let (_, bytes) = own ?? copyrights.sorted(by: { $0.key < $1.key }).first {
            facts.declaredLicense = Self.dep5Licence(String(decoding: bytes, as: UTF8.self))
        }
    }

    /// The largest GNU long-names table (`//` member) or BSD long name (`#1/N`) accepted. libarchive holds the
    /// table in memory (a 32 MiB one cost 180 MiB), and dpkg-deb never writes either: its member names are short.
    static let maxArLongNamesBytes = 64 << 10

    /// Walks the ar member headers aside from the pass (60 bytes each, by `pread`) before libarchive sees them.
    func checkArMemberNames() throws {
        var offset: Int64 = 8
        var members = 0
        while offset + 60 <= source.size, members <= limits.maxEntries {
            let header = source.readAside(offset: offset, count: 60)
            guard header.count == 60 else { return }
            let name = String(decoding: header[0..<16], as: UTF8.self).trimmingWhitespace()
            let sizeText = String(decoding: header[48..<58], as: UTF8.self).trimmingWhitespace()
            // A malformed header is libarchive's to report, with its own words.
            guard let size = Int64(sizeText), size >= 0 else { return }
            var longName: Int64 = 0
            if name == "//" { longName = size }
            if name.hasPrefix("#1/") { longName = Int64(name.dropFirst(3)) ?? 0 }
            if longName > Int64(Self.maxArLongNamesBytes) {
                throw InspectionError(.refused, code: "inspect.hostile",
                    "installer '\(path)' is refused as hostile: its ar member at byte \(offset) carries \(longName) bytes of "
                    + "long member names, more than the \(Self.maxArLongNamesBytes) bytes intake reads; dpkg-deb never writes such names")
            }
            offset += 60 + size + (size & 1)
            members += 1
        }
    }

    static func isDocCopyright(_ path: String) -> Bool {
        let parts = path.split(separator: "/")
        return parts.count == 5 && parts[0] == "usr" && parts[1] == "share" && parts[2] == "doc" && parts[4] == "copyright"
    }

    /// The licences a machine-readable (DEP-5) copyright file declares: the first line of every `License:`
    /// field, each once, joined with " AND " (each applies to some of the files). Nil for free-form files.
    static func dep5Licence(_ text: String) -> String? {
        let paragraphs = FieldParser.paragraphs(text)
        guard let header = paragraphs.first, let format = FieldParser.value("Format", in: header),
              format.contains("copyright-format") || format.lowercased().contains("dep5") || format.lowercased().contains("dep-5") else {
            return nil
        }
        var licences: [String] = []
        for paragraph in paragraphs {
            for value in FieldParser.values("License", in: paragraph) {
                let name = value.split(separator: "\n", maxSplits: 1).first.map { $0.trimmingWhitespace() } ?? ""
                if !name.isEmpty { licences.appendUnique(name) }
            }
        }
        return licences.isEmpty ? nil : licences.joined(separator: " AND ")
    }

    // MARK: RPM

    /// Parses the lead and both headers from the pass, then lists the cpio payload that follows them.
    func readRPM() throws {
        facts.format = "rpm"
        facts.installerType = "rpm"
        guard try ensureHead(RPMHeader.leadSize) else {
            throw RPMHeader.ParseError.message("the file ends inside the 96-byte RPM lead")
        }
        let ensure: (Int) throws -> Bool = { [unowned self] count in
            guard count <= RPMHeader.leadSize + 2 * RPMHeader.maxHeaderBytes + 8 else { return false }
            return try self.ensureHead(count)
        }
        let signature = try RPMHeader.extent(at: RPMHeader.leadSize, maxTags: limits.maxRpmHeaderTags,
                                             in: { self.head }, ensure: ensure)
        let mainStart = (signature.end + 7) / 8 * 8
        let main = try RPMHeader.extent(at: mainStart, maxTags: limits.maxRpmHeaderTags, in: { self.head }, ensure: ensure)
        let header = try RPMHeader(head, main)
        facts.name = header.string(.name)
        if let version = header.string(.version) {
            var full = version
            if let release = header.string(.release) { full += "-" + release }
            if let epoch = header.integer(.epoch), epoch != 0 { full = "\(epoch):" + full }
            facts.version = full
        }
        facts.publisher = header.string(.vendor) ?? header.string(.packager)
        facts.declaredLicense = header.string(.license)
        facts.architectures.appendUnique(header.string(.arch).flatMap(DepotPlatform.architecture))
        let os = header.string(.os)?.lowercased()
        facts.platforms = [os == "darwin" ? DepotPlatform.macos : os == "windows" ? DepotPlatform.windows : DepotPlatform.linux]

        let walk = makeWalk()
        do {
            try walkPass(walk, formats: .cpio, start: Int64(main.end))
        } catch let failure as ArchiveFailure where failure.unrecognised {
            warnings.append("the RPM payload of '\(fileName)' is in a compression or format libarchive cannot read (libarchive: \(failure.message)); only the header was read")
        }
        absorb(walk)
    }

    // MARK: macOS installer packages

    /// A flat .pkg is a xar archive: PackageInfo (component package, or one per component in a product
    /// archive) and Distribution (product archive) give identifier, version, title and architectures.
    func readMacPackage() throws {
        facts.format = "xar"
        facts.installerType = "pkg"
        facts.platforms = [DepotPlatform.macos]
        let walk = makeWalk()
        walk.plan = { path, level in
            let parts = path.split(separator: "/")
            if level.depth == 0, path == "Distribution" || parts.last == "PackageInfo" && parts.count <= 2 { return .capture }
            if level.depth == 0, parts.last == "Payload" {
                return .descend(WalkLevel(prefix: path + "!/", depth: 1, isPayload: false, required: false, formats: [.cpio]))
            }
            return ArchiveWalk.genericPlan(path, level)
        }
        try walkPass(walk, formats: .xar, start: 0)
        absorb(walk)
        let captures = walk.captures
        var identifier: String?
        var packageVersion: String?
        if let info = captures["PackageInfo"] ?? captures.filter({ $0.key.hasSuffix("/PackageInfo") }).sorted(by: { $0.key < $1.key }).first?.value {
            let pkgInfo = XMLScanner.elements("pkg-info", in: XMLScanner.text(info)).first
            identifier = pkgInfo?.attributes["identifier"]
            packageVersion = pkgInfo?.attributes["version"]
        }
        var title: String?
        var productVersion: String?
        if let distribution = captures["Distribution"] {
            let document = XMLScanner.scan(XMLScanner.text(distribution))
            title = document.first(where: { $0.name == "title" })?.text
            let product = document.first(where: { $0.name == "product" })
            productVersion = product?.attributes["version"]
            identifier = identifier ?? product?.attributes["id"]
                ?? document.first(where: { $0.name == "pkg-ref" && $0.attributes["id"] != nil })?.attributes["id"]
            packageVersion = packageVersion
                ?? document.first(where: { $0.name == "pkg-ref" && $0.attributes["version"] != nil })?.attributes["version"]
            if let hosts = document.first(where: { $0.name == "options" })?.attributes["hostArchitectures"] {
                for host in hosts.split(separator: ",") { facts.architectures.appendUnique(DepotPlatform.architecture(String(host))) }
            }
        }
        if identifier == nil && title == nil {
            warnings.append("the package has neither PackageInfo nor Distribution; its name and version are unknown")
        }
        facts.name = title ?? identifier
        facts.version = productVersion ?? packageVersion
    }
}
