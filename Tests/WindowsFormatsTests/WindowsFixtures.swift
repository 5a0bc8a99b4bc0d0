import DepotTestSupport
import Foundation

/// Builds real Windows installers with real tools (wixl, makensis, mingw-w64, osslsigncode, openssl) in a temporary directory.
final class WindowsFixtures {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory("windows-formats")
        try directory.write("app.txt", "hello\n")
        // The Binary table and the file under test only need bytes, not a working DLL.
        try directory.write("helper.dll", "MZ helper")
    }

    func path(_ name: String) -> String { directory.file(name).path }

    // MARK: - MSI

    static func product(name: String, version: String, productCode: String = "*", upgradeCode: String,
                        platform: String = "x86", body: String, component: String = "", files: String? = nil) -> String {
        let win64 = platform == "x64" ? " Win64=\"yes\"" : ""
        let programFiles = platform == "x64" ? "ProgramFiles64Folder" : "ProgramFilesFolder"
        return """
        <?xml version="1.0" encoding="utf-8"?>
        <Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
          <Product Id="\(productCode)" Name="\(name)" Language="1033" Version="\(version)" Manufacturer="City of Test" UpgradeCode="\(upgradeCode)">
            <Package InstallerVersion="200" Compressed="yes" />
            <Media Id="1" Cabinet="payload.cab" EmbedCab="yes" />
            <Binary Id="HelperDll" SourceFile="helper.dll" />
            <Directory Id="TARGETDIR" Name="SourceDir">
              <Directory Id="\(programFiles)">
                <Directory Id="INSTALLDIR" Name="DepotTest">
                  <Component Id="MainComponent" Guid="11111111-2222-3333-4444-555555555555"\(win64)>
                    \(files ?? "<File Id=\"AppTxt\" Name=\"app.txt\" Source=\"app.txt\" KeyPath=\"yes\" />")
                    \(component)
                  </Component>
                </Directory>
              </Directory>
            </Directory>
            <Feature Id="Main" Level="1"><ComponentRef Id="MainComponent" /></Feature>
            \(body)
          </Product>
        </Wix>
        """
    }

    /// Builds an MSI with wixl from WiX source.
    @discardableResult
    func msi(_ name: String, _ wxs: String, architecture: String = "x86") throws -> String {
        try directory.write("\(name).wxs", wxs)
        try Tools.require("wixl", ["-a", architecture, "-o", path(name), "\(name).wxs"], in: directory.url)
        return path(name)
    }

    // MARK: - PE

    /// Compiles a small Windows program with mingw-w64, with a version resource when `resource` is given.
    @discardableResult
    func executable(_ name: String, source: String = "int main(void) { return 0; }\n", resource: String? = nil) throws -> String {
        try directory.write("\(name).c", source)
        var inputs = ["\(name).c"]
        if let resource {
            try directory.write("\(name).rc", resource)
            try Tools.require("x86_64-w64-mingw32-windres", ["\(name).rc", "-O", "coff", "-o", "\(name).res"], in: directory.url)
            inputs.append("\(name).res")
        }
        try Tools.require("x86_64-w64-mingw32-gcc", ["-O1", "-s", "-o", path(name)] + inputs, in: directory.url)
        return path(name)
    }

    static func versionResource(_ strings: [(String, String)], fileVersion: String = "3,4,5,6", productVersion: String = "3,4,5,0") -> String {
        let values = strings.map { "      VALUE \"\($0.0)\", \"\($0.1)\"" }.joined(separator: "\n")
        return """
        1 VERSIONINFO
        FILEVERSION \(fileVersion)
        PRODUCTVERSION \(productVersion)
        BEGIN
          BLOCK "StringFileInfo"
          BEGIN
            BLOCK "040904b0"
            BEGIN
        \(values)
            END
          END
          BLOCK "VarFileInfo"
          BEGIN
            VALUE "Translation", 0x409, 1200
          END
        END
        """
    }

    /// The standard test program: x64 with a complete version resource.
    @discardableResult
    func helloExecutable(_ name: String = "hello.exe") throws -> String {
        try executable(name, resource: WindowsFixtures.versionResource([
            ("CompanyName", "City of Test"), ("ProductName", "Depot Hello"), ("ProductVersion", "3.4.5"),
            ("FileVersion", "3.4.5.6"), ("LegalCopyright", "(c) City of Test"), ("OriginalFilename", "hello.exe"),
        ]))
    }

    /// Builds an NSIS installer with makensis.
    @discardableResult
    func nsisInstaller(_ name: String = "nsis-setup.exe") throws -> String {
        try directory.write("\(name).nsi", """
        Name "Depot NSIS"
        OutFile "\(name)"
        InstallDir "$PROGRAMFILES\\DepotNSIS"
        RequestExecutionLevel user
        VIProductVersion "1.5.0.0"
        VIAddVersionKey "ProductName" "Depot NSIS App"
        VIAddVersionKey "CompanyName" "City of Test"
        VIAddVersionKey "ProductVersion" "1.5.0"
        VIAddVersionKey "FileVersion" "1.5.0.0"
        VIAddVersionKey "FileDescription" "Depot NSIS installer"
        VIAddVersionKey "LegalCopyright" "(c) City of Test"
        Section
          SetOutPath $INSTDIR
          File app.txt
        SectionEnd
        """)
        try Tools.require("makensis", ["-V1", "\(name).nsi"], in: directory.url)
        return path(name)
    }

    // MARK: - Signing

    struct Signer {
        let rootPEM: String
        let otherRootPEM: String
        let certificatePEM: String
        let keyPEM: String
    }

    /// A test root CA, a code-signing certificate it issued (serial 0x1234ABCD), and an unrelated root.
    func signer() throws -> Signer {
        let dir = directory.url
        try Tools.require("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "root.key", "-out", "root.pem",
                                      "-days", "30", "-subj", "/CN=Depot Test Root/O=City of Test",
                                      "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"], in: dir)
        try Tools.require("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other.key", "-out", "other.pem",
                                      "-days", "30", "-subj", "/CN=Unrelated Root"], in: dir)
        try Tools.require("openssl", ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "signer.key", "-out", "signer.csr",
                                      "-subj", "/CN=Depot Test Signer/O=City of Test"], in: dir)
        try directory.write("signer.ext", "extendedKeyUsage=codeSigning\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n")
        try Tools.require("openssl", ["x509", "-req", "-in", "signer.csr", "-CA", "root.pem", "-CAkey", "root.key",
                                      "-set_serial", "0x1234ABCD", "-days", "30", "-extfile", "signer.ext", "-out", "signer.pem"], in: dir)
        return Signer(rootPEM: path("root.pem"), otherRootPEM: path("other.pem"),
                      certificatePEM: path("signer.pem"), keyPEM: path("signer.key"))
    }

    /// Signs with osslsigncode (Authenticode for PE, DigitalSignature stream for MSI).
    @discardableResult
    func sign(_ input: String, as output: String, with signer: Signer, options: [String] = []) throws -> String {
        try Tools.require("osslsigncode", ["sign", "-certs", signer.certificatePEM, "-key", signer.keyPEM, "-n", "Depot test"]
                          + options + ["-in", input, "-out", path(output)])
        return path(output)
    }

    /// osslsigncode's own verdict, to cross-check ours.
    func osslsigncodeVerifies(_ file: String, root: String) throws -> Bool {
        try Tools.run("osslsigncode", ["verify", "-CAfile", root, "-in", file]).succeeded
    }

    // MARK: - Byte surgery

    func bytes(_ file: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: file))) }

    /// Writes a copy of `file` changed by `edit`, returning the copy's path.
    @discardableResult
    func variant(of file: String, as name: String, _ edit: (inout [UInt8]) throws -> Void) throws -> String {
        var data = try bytes(file)
        try edit(&data)
        try directory.write(name, Data(data))
        return path(name)
    }
}

extension Array where Element == UInt8 {
    func le16(_ offset: Int) -> Int { Int(self[offset]) | Int(self[offset + 1]) << 8 }
    func le32(_ offset: Int) -> Int { le16(offset) | le16(offset + 2) << 16 }

    mutating func setLE16(_ offset: Int, _ value: Int) {
        self[offset] = UInt8(value & 0xFF)
        self[offset + 1] = UInt8((value >> 8) & 0xFF)
    }

    mutating func setLE32(_ offset: Int, _ value: Int) {
        setLE16(offset, value & 0xFFFF)
        setLE16(offset + 2, (value >> 16) & 0xFFFF)
    }

    /// Sector chain of the directory in a small compound file (one FAT sector), for aiming edits at entries.
    private var directorySectors: [Int] {
        let sectorSize = 1 << le16(30)
        let fatBase = (le32(76) + 1) * sectorSize
        var chain: [Int] = []
        var sector = le32(48)
        while sector < 0xFFFF_FFFA, chain.count < 4096 {
            chain.append(sector)
            sector = le32(fatBase + sector * 4)
        }
        return chain
    }

    var directoryEntryCount: Int { directorySectors.count * ((1 << le16(30)) / 128) }

    /// File offset of directory entry `index`.
    func directoryEntryOffset(_ index: Int) -> Int {
        let sectorSize = 1 << le16(30)
        let perSector = sectorSize / 128
        return (directorySectors[index / perSector] + 1) * sectorSize + (index % perSector) * 128
    }

    func find(_ needle: String) -> Int? {
        let pattern = Array(needle.utf8)
        guard count >= pattern.count else { return nil }
        return (0...(count - pattern.count)).first { Array(self[$0..<($0 + pattern.count)]) == pattern }
    }
}

/// PE header positions a test needs to aim its edits.
struct PELayout {
    let peOffset: Int
    let optionalOffset: Int
    let is64Bit: Bool
    let sectionTable: Int
    let sectionCount: Int

    init(_ bytes: [UInt8]) {
        peOffset = bytes.le32(0x3C)
        optionalOffset = peOffset + 24
        is64Bit = bytes.le16(optionalOffset) == 0x20B
        sectionCount = bytes.le16(peOffset + 6)
        sectionTable = optionalOffset + bytes.le16(peOffset + 20)
    }

    func directoryOffset(_ index: Int) -> Int { optionalOffset + (is64Bit ? 112 : 96) + index * 8 }

    /// File offset of a section's raw data, by name.
    func section(_ name: String, in bytes: [UInt8]) -> (rawPointer: Int, rawSize: Int, virtualAddress: Int)? {
        for index in 0..<sectionCount {
            let base = sectionTable + index * 40
            let raw = Array(bytes[base..<(base + 8)]).prefix { $0 != 0 }
            if String(decoding: raw, as: UTF8.self) == name {
                return (bytes.le32(base + 20), bytes.le32(base + 16), bytes.le32(base + 12))
            }
        }
        return nil
    }
}
