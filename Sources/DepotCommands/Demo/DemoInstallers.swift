import Foundation

/// Builds small but real installers with the packaging tools Depot's dependency list installs (wixl for MSI,
/// makensis for NSIS executables, dpkg-deb for a Debian package, zip for an MSIX), so that the demo's packages go
/// through intake like any other. Each one installs a README that says it is a Depot demo build, and the
/// program's licence text.
struct DemoInstallers {
    let directory: URL

    enum Kind: String {
        case msi, nsis, deb, msix
        var tool: String {
            switch self {
            case .msi: "wixl"
            case .nsis: "makensis"
            case .deb: "dpkg-deb"
            case .msix: "zip"
            }
        }
    }

    struct Spec {
        var program: String
        var name: String
        var publisher: String
        var version: String
        var kind: Kind
        /// A text file under /usr/share/common-licenses (or nil) installed as the package's LICENSE.
        var licenceText: String?
        /// The licence as the package declares it (DEP-5 `License:` in the deb).
        var declaredLicence: String
    }

    struct BuildError: Error, CustomStringConvertible {
        var description: String
    }

    /// Builds the installer for `spec`; returns its path.
    func build(_ spec: Spec) throws -> URL {
        let work = directory.appendingPathComponent("\(spec.program)-src", isDirectory: true)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let readme = """
            \(spec.name) \(spec.version): a Depot demo build made by `depot init` with \(spec.kind.tool).
            It installs this file and the licence text only. It is not \(spec.publisher)'s software.

            """
        try Data(readme.utf8).write(to: work.appendingPathComponent("README.txt"))
        let licence = spec.licenceText.flatMap { FileManager.default.contents(atPath: "/usr/share/common-licenses/\($0)") }
            ?? Data("Licence: \(spec.declaredLicence)\n".utf8)
        try licence.write(to: work.appendingPathComponent("LICENSE"))
        switch spec.kind {
        case .msi: return try msi(spec, work)
        case .nsis: return try nsis(spec, work)
        case .deb: return try deb(spec, work)
        case .msix: return try msix(spec, work)
        }
    }

    /// `1.2` → `1.2.0`, `24.09` → `24.9.0`: the numeric form MSI, NSIS and MSIX version fields take.
    static func numericVersion(_ version: String, parts: Int) -> String {
        var numbers = version.split(whereSeparator: { !$0.isNumber }).prefix(parts).map { String(Int($0) ?? 0) }
        while numbers.count < parts { numbers.append("0") }
        return numbers.joined(separator: ".")
    }

    /// A stable GUID per program and purpose, so that a rebuilt demo has the same upgrade code.
    static func guid(_ seed: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var hash2: UInt64 = 0x8422_2325_cbf2_9ce4
        for byte in seed.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
            hash2 = (hash2 ^ UInt64(byte)) &* 0x100_0000_01b3 &+ 7
        }
        let hex = String(format: "%016llx%016llx", hash, hash2).uppercased()
        let c = Array(hex)
        return "\(String(c[0..<8]))-\(String(c[8..<12]))-4\(String(c[13..<16]))-A\(String(c[17..<20]))-\(String(c[20..<32]))"
    }

    private func msi(_ spec: Spec, _ work: URL) throws -> URL {
        let wxs = """
            <?xml version="1.0" encoding="utf-8"?>
            <Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
              <Product Id="*" Name="\(spec.name)" Version="\(Self.numericVersion(spec.version, parts: 3))" Manufacturer="\(spec.publisher)"
                       Language="1033" UpgradeCode="\(Self.guid(spec.program + "/upgrade"))">
                <Package InstallerVersion="200" Compressed="yes" Comments="Depot demo build" />
                <Media Id="1" Cabinet="demo.cab" EmbedCab="yes" />
                <Directory Id="TARGETDIR" Name="SourceDir">
                  <Directory Id="ProgramFilesFolder">
                    <Directory Id="INSTALLDIR" Name="\(spec.name)">
                      <Component Id="Main" Guid="\(Self.guid(spec.program + "/main"))">
                        <File Id="Readme" Name="README-DEPOT-DEMO.txt" Source="README.txt" KeyPath="yes" />
                        <File Id="Licence" Name="LICENSE.txt" Source="LICENSE" />
                      </Component>
                    </Directory>
                  </Directory>
                </Directory>
                <Feature Id="Complete" Level="1"><ComponentRef Id="Main" /></Feature>
              </Product>
            </Wix>
            """
        try Data(wxs.utf8).write(to: work.appendingPathComponent("product.wxs"))
        let out = directory.appendingPathComponent("\(spec.program)-\(spec.version).msi")
        try run("wixl", ["-o", out.path, "product.wxs"], in: work)
        return out
    }

    private func nsis(_ spec: Spec, _ work: URL) throws -> URL {
        let out = directory.appendingPathComponent("\(spec.program)-\(spec.version)-setup.exe")
        let script = """
            Unicode true
            Name "\(spec.name)"
            OutFile "\(out.path)"
            RequestExecutionLevel admin
            InstallDir "$PROGRAMFILES64\\\(spec.name)"
            VIProductVersion "\(Self.numericVersion(spec.version, parts: 4))"
            VIAddVersionKey "ProductName" "\(spec.name)"
            VIAddVersionKey "CompanyName" "\(spec.publisher)"
            VIAddVersionKey "FileVersion" "\(spec.version)"
            VIAddVersionKey "ProductVersion" "\(spec.version)"
            VIAddVersionKey "FileDescription" "\(spec.name) (Depot demo build)"
            VIAddVersionKey "LegalCopyright" "\(spec.publisher)"
            Section
              SetOutPath "$INSTDIR"
              File "README.txt"
              File "LICENSE"
              WriteUninstaller "$INSTDIR\\uninstall.exe"
            SectionEnd
            Section "Uninstall"
              Delete "$INSTDIR\\README.txt"
              Delete "$INSTDIR\\LICENSE"
              Delete "$INSTDIR\\uninstall.exe"
              RMDir "$INSTDIR"
            SectionEnd
            """
        try Data(script.utf8).write(to: work.appendingPathComponent("installer.nsi"))
        try run("makensis", ["-V1", "installer.nsi"], in: work)
        return out
    }

    private func deb(_ spec: Spec, _ work: URL) throws -> URL {
        let root = work.appendingPathComponent("root", isDirectory: true)
        let control = root.appendingPathComponent("DEBIAN", isDirectory: true)
        let doc = root.appendingPathComponent("usr/share/doc/\(spec.program)", isDirectory: true)
        try FileManager.default.createDirectory(at: control, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: doc, withIntermediateDirectories: true)
        try Data("""
            Package: \(spec.program)
            Version: \(spec.version)
            Architecture: all
            Maintainer: Depot demo <demo@depot.invalid>
            Description: \(spec.name) (Depot demo build)
             Built by depot init; installs a README and the licence text only.

            """.utf8).write(to: control.appendingPathComponent("control"))
        try Data("""
            Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
            Upstream-Name: \(spec.name)
            Files: *
            Copyright: \(spec.publisher)
            License: \(spec.declaredLicence)

            """.utf8).write(to: doc.appendingPathComponent("copyright"))
        try FileManager.default.copyItem(at: work.appendingPathComponent("README.txt"), to: doc.appendingPathComponent("README.Depot-demo"))
        let out = directory.appendingPathComponent("\(spec.program)_\(spec.version)_all.deb")
        try run("dpkg-deb", ["--root-owner-group", "-Zxz", "--build", root.path, out.path], in: work)
        return out
    }

    private func msix(_ spec: Spec, _ work: URL) throws -> URL {
        let root = work.appendingPathComponent("package", isDirectory: true)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let identity = spec.name.filter { $0.isLetter || $0.isNumber }
        try Data("""
            <?xml version="1.0" encoding="utf-8"?>
            <Package xmlns="http://schemas.microsoft.com/appx/manifest/foundation/windows10"
                     xmlns:uap="http://schemas.microsoft.com/appx/manifest/uap/windows10">
              <Identity Name="DepotDemo.\(identity)" Publisher="CN=\(spec.publisher)" Version="\(Self.numericVersion(spec.version, parts: 4))" ProcessorArchitecture="x64" />
              <Properties>
                <DisplayName>\(spec.name)</DisplayName>
                <PublisherDisplayName>\(spec.publisher)</PublisherDisplayName>
                <Logo>README.txt</Logo>
              </Properties>
              <Dependencies><TargetDeviceFamily Name="Windows.Desktop" MinVersion="10.0.17763.0" MaxVersionTested="10.0.22621.0" /></Dependencies>
              <Resources><Resource Language="en-us" /></Resources>
              <Applications>
                <Application Id="App" Executable="README.txt" EntryPoint="Windows.FullTrustApplication">
                  <uap:VisualElements DisplayName="\(spec.name)" Description="Depot demo build" BackgroundColor="transparent"
                                      Square150x150Logo="README.txt" Square44x44Logo="README.txt" />
                </Application>
              </Applications>
            </Package>

            """.utf8).write(to: root.appendingPathComponent("AppxManifest.xml"))
        try Data("""
            <?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Default Extension="txt" ContentType="text/plain"/><Default Extension="xml" ContentType="application/vnd.ms-appx.manifest+xml"/>\
            <Override PartName="/LICENSE" ContentType="text/plain"/></Types>

            """.utf8).write(to: root.appendingPathComponent("[Content_Types].xml"))
        for name in ["README.txt", "LICENSE"] {
            try FileManager.default.copyItem(at: work.appendingPathComponent(name), to: root.appendingPathComponent(name))
        }
        let out = directory.appendingPathComponent("\(spec.program)-\(spec.version).msix")
        try run("zip", ["-q", "-X", "-r", out.path, "."], in: root)
        return out
    }

    private func run(_ tool: String, _ arguments: [String], in folder: URL) throws {
        guard let path = Self.locate(tool) else {
            throw BuildError(description: "\(tool) is not installed; run 'make deps' (scripts/deps) to install the packaging tools")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.currentDirectoryURL = folder
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: message.prefix(400), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw BuildError(description: "\(tool) failed (exit \(process.terminationStatus)): \(text)")
        }
    }

    static func locate(_ tool: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") + ["/usr/bin", "/usr/local/bin"] {
            let candidate = "\(folder)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
