import DepotTestSupport
import Foundation
import Testing
@testable import WindowsFormats

@Suite("MSI packages built with wixl")
struct MSIReaderTests {
    static let serviceBody = """
        <CustomAction Id="SetProp" Property="FOO" Value="bar" />
        <InstallExecuteSequence>
          <Custom Action="SetProp" After="InstallInitialize" />
          <ScheduleReboot After="InstallFinalize" />
        </InstallExecuteSequence>
        """
    static let serviceComponent = """
        <ServiceInstall Id="Svc" Name="DepotSvc" DisplayName="Depot Service" Type="ownProcess" Start="auto" ErrorControl="normal" />
        """

    @Test("an x64 MSI with a service reports product, summary, service, reboot and cabinet facts")
    func serviceMSI() throws {
        let fixtures = try WindowsFixtures()
        let wxs = WindowsFixtures.product(
            name: "Depot Service App", version: "1.2.3", productCode: "12345678-1234-1234-1234-123456789012",
            upgradeCode: "87654321-4321-4321-4321-210987654321", platform: "x64",
            body: MSIReaderTests.serviceBody, component: MSIReaderTests.serviceComponent)
        let path = try fixtures.msi("service.msi", wxs, architecture: "x64")

        let facts = try WindowsInstallerReader.inspect(path: path)
        #expect(facts.format == "msi")
        #expect(facts.installerType == "msi")
        #expect(facts.name == "Depot Service App")
        #expect(facts.version == "1.2.3")
        #expect(facts.publisher == "City of Test")
        #expect(facts.platforms == ["windows"])
        #expect(facts.architectures == ["x64"])
        #expect(facts.entryCount == 1)
        #expect(facts.uncompressedSize == 6)
        #expect(facts.warnings.isEmpty)
        let windows = facts.windows
        #expect(windows.productCode == "{12345678-1234-1234-1234-123456789012}")
        #expect(windows.upgradeCode == "{87654321-4321-4321-4321-210987654321}")
        #expect(windows.productLanguage == "1033")
        #expect(windows.template == "x64;1033")
        #expect(windows.author == "City of Test")
        #expect(windows.serviceInstalls == 1)
        #expect(windows.customActions == ["property": 1])
        #expect(windows.drivers == 0)
        #expect(windows.schedulesReboot == true)
        #expect(windows.signature?.status == "unsigned")
        let cabinet = try #require(windows.cabinets?.first)
        #expect(windows.cabinets?.count == 1)
        #expect(cabinet.name == "payload.cab")
        #expect(cabinet.fileCount == 1)

        // msiinfo (libmsi, an independent reader) must agree on the package code and the cabinet's size.
        let summary = try Tools.require("msiinfo", ["suminfo", path]).stdout
        let revision = summary.split(whereSeparator: \.isNewline).first { $0.hasPrefix("Revision number") }
        #expect(revision.map { $0.hasSuffix(windows.revisionNumber ?? "none") } == true)
        let extracted = try Tools.require("sh", ["-c", "msiinfo extract \"$0\" payload.cab | wc -c", path]).stdout
        #expect(Int64(extracted.trimmingCharacters(in: .whitespacesAndNewlines)) == cabinet.size)
    }

    @Test("custom actions are counted by base type, and the Intel template means x86")
    func customActionCounts() throws {
        let fixtures = try WindowsFixtures()
        let wxs = WindowsFixtures.product(
            name: "Depot CA App", version: "2.0.1", upgradeCode: "87654321-4321-4321-4321-210987654322",
            body: """
            <CustomAction Id="CallDll" BinaryKey="HelperDll" DllEntry="Go" />
            <CustomAction Id="CallDll2" BinaryKey="HelperDll" DllEntry="Go2" />
            <CustomAction Id="RunTool" FileKey="Tool" ExeCommand="/x" Return="ignore" />
            <CustomAction Id="SetProp" Property="FOO" Value="bar" />
            <CustomAction Id="Js" BinaryKey="HelperDll" JScriptCall="main" />
            <InstallExecuteSequence>
              <Custom Action="CallDll" After="InstallInitialize" />
              <Custom Action="RunTool" After="InstallFiles" />
            </InstallExecuteSequence>
            """,
            files: """
            <File Id="AppTxt" Name="app.txt" Source="app.txt" KeyPath="yes" />
            <File Id="Tool" Name="tool.exe" Source="helper.dll" />
            """)
        let path = try fixtures.msi("ca.msi", wxs)

        let facts = try WindowsInstallerReader.inspect(path: path)
        #expect(facts.windows.customActions == ["dll": 2, "exe": 1, "script": 1, "property": 1])
        #expect(facts.windows.serviceInstalls == 0)
        #expect(facts.windows.schedulesReboot == false)
        #expect(facts.windows.template == "Intel;1033")
        #expect(facts.architectures == ["x86"])
        #expect(facts.entryCount == 2)
        #expect(facts.windows.cabinets?.first?.fileCount == 2)

        // The product code wixl generated is the one msiinfo reads from the Property table.
        let properties = try Tools.require("msiinfo", ["export", path, "Property"]).stdout
        // msiinfo ends lines with CRLF, which Swift treats as one Character.
        let code = properties.split(whereSeparator: \.isNewline).first { $0.hasPrefix("ProductCode\t") }?.split(separator: "\t").last
        #expect(code.map(String.init) == facts.windows.productCode)
        #expect(facts.windows.productCode != nil)
    }

    @Test("a plain MSI has no custom actions, services or reboots")
    func plainMSI() throws {
        let fixtures = try WindowsFixtures()
        let path = try fixtures.msi("plain.msi", WindowsFixtures.product(
            name: "Depot Plain", version: "0.9", upgradeCode: "87654321-4321-4321-4321-210987654323", body: ""))
        let facts = try WindowsInstallerReader.inspect(path: path)
        #expect(facts.name == "Depot Plain")
        #expect(facts.version == "0.9")
        #expect(facts.windows.customActions == [:])
        #expect(facts.windows.serviceInstalls == 0)
        #expect(facts.windows.schedulesReboot == false)
        #expect(facts.windows.productCode?.hasPrefix("{") == true)
    }

    @Test("an 8 MB MSI needs extra DIFAT sectors and still reads, signed and verified")
    func largeMSIWithDIFAT() throws {
        let fixtures = try WindowsFixtures()
        // Random bytes do not compress, so the cabinet stays 8 MB.
        try Tools.require("openssl", ["rand", "-out", fixtures.path("big.bin"), "\(8 << 20)"])
        let path = try fixtures.msi("big.msi", WindowsFixtures.product(
            name: "Depot Big", version: "5.0", upgradeCode: "87654321-4321-4321-4321-210987654324", body: "",
            files: "<File Id=\"Big\" Name=\"big.bin\" Source=\"big.bin\" KeyPath=\"yes\" />"))
        let header = try fixtures.bytes(path)
        #expect(header.le32(72) >= 1, "the fixture should use DIFAT sectors beyond the header's 109 entries")

        let facts = try WindowsInstallerReader.inspect(path: path)
        #expect(facts.name == "Depot Big")
        #expect(facts.uncompressedSize == Int64(8 << 20))
        #expect((facts.windows.cabinets?.first?.size ?? 0) > 8_000_000)

        let signer = try fixtures.signer()
        let signed = try fixtures.sign(path, as: "big-signed.msi", with: signer)
        #expect(try WindowsInstallerReader.inspect(path: signed).windows.signature?.status == "valid")
    }

    @Test("over 65,535 strings switch string references to three bytes, and every row still reads")
    func longStringReferences() throws {
        let fixtures = try WindowsFixtures()
        let count = 33_000
        let properties = (0..<count).map { "<Property Id=\"PROP\($0)\" Value=\"value number \($0)\" />" }.joined(separator: "\n")
        let path = try fixtures.msi("long.msi", WindowsFixtures.product(
            name: "Depot Many Strings", version: "4.0", upgradeCode: "87654321-4321-4321-4321-210987654329", body: properties))

        let facts = try WindowsInstallerReader.inspect(path: path)
        #expect(facts.name == "Depot Many Strings")
        #expect(facts.version == "4.0")

        let database = try MSIDatabase(compound: try CompoundFile(file: try InstallerFile(path: path)))
        #expect(database.pool.longReferences)
        #expect(database.pool.count > 65_536)
        let table = try #require(try database.table("Property"))
        var values: [String: String] = [:]
        for row in 0..<table.rowCount {
            if let key = table.string(row: row, "Property"), key.hasPrefix("PROP") { values[key] = table.string(row: row, "Value") }
        }
        #expect(values.count == count)
        #expect(values["PROP\(count - 1)"] == "value number \(count - 1)")
    }

    @Test("stream names decode MSI's packed alphabet and the table marker")
    func streamNames() {
        // "_Tables" as wixl writes it: the table marker, then pairs packed two per unit.
        let encoded: [UInt16] = [0x4840, 0x3F7F, 0x4164, 0x422F, 0x4836]
        let decoded = MSIStreamName.decode(encoded)
        #expect(decoded.isTable)
        #expect(decoded.name == "_Tables")
        #expect(MSIStreamName.decode(Array("\u{5}SummaryInformation".utf16)).name == "\u{5}SummaryInformation")
    }

    @Test("custom action base types follow the low six bits of Type")
    func customActionKinds() {
        #expect(MSIPackageReader.customActionKind(1) == "dll")
        #expect(MSIPackageReader.customActionKind(2049) == "dll")
        #expect(MSIPackageReader.customActionKind(34) == "exe")
        #expect(MSIPackageReader.customActionKind(50) == "exe")
        #expect(MSIPackageReader.customActionKind(6) == "script")
        #expect(MSIPackageReader.customActionKind(37) == "script")
        #expect(MSIPackageReader.customActionKind(51) == "property")
        #expect(MSIPackageReader.customActionKind(35) == "directory")
        #expect(MSIPackageReader.customActionKind(19) == "error")
        #expect(MSIPackageReader.customActionKind(7) == "nested")
    }
}

/// A small deterministic generator so corrupted and random fixtures are the same on every run.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
