import DepotTestSupport
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import Whitelist

@Suite("Exports to enforcement tools")
struct ExportTests {
    static func payload(tier: String = "open") throws -> WhitelistPayload {
        try Fixture.builder().whitelist(school: School(id: "rinkeby", name: "Rinkeby skola", tier: tier))
    }

    static func json(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// Runs a Python snippet with the export on stdin and returns its stdout: an independent parser of the format.
    static func python(_ script: String, _ data: Data) throws -> String {
        try Tools.require("/usr/bin/python3", ["-c", script], stdin: data).stdout
    }

    // MARK: Santa

    @Test func santaRulesFollowTheRuledownloadShape() throws {
        let payload = try Self.payload()
        let rules = try #require(try Self.json(WhitelistExporter.santaRules(payload))["rules"] as? [[String: String]])
        #expect(rules.allSatisfy { Set($0.keys) == ["identifier", "policy", "rule_type", "custom_msg"] })
        #expect(rules.allSatisfy { $0["policy"] == "ALLOWLIST" })
        let byIdentifier = Dictionary(uniqueKeysWithValues: rules.map { ($0["identifier"] ?? "", $0) })
        #expect(byIdentifier["ABCDE12345"]?["rule_type"] == "TEAMID")
        #expect(byIdentifier[Fixture.keynoteCert.value]?["rule_type"] == "CERTIFICATE")
        let audacity = try #require(payload.entries(for: "audacity").first)
        #expect(byIdentifier[audacity.sha256]?["rule_type"] == "BINARY")
        #expect(byIdentifier["ABCDE12345"]?["custom_msg"]?.contains("Scratch 3.29.1") == true)
        // Only macOS installers: Santa cannot enforce a Windows MSI or a Chrome extension.
        #expect(rules.count == 3)
    }

    // MARK: Chrome

    @Test func chromeExtensionSettingsBlockAllButTheWhitelist() throws {
        let object = try Self.json(WhitelistExporter.chromeExtensionSettings(try Self.payload(tier: "standard")))
        #expect(Array(object.keys) == ["ExtensionSettings"])
        let settings = try #require(object["ExtensionSettings"] as? [String: [String: String]])
        #expect(settings["*"]?["installation_mode"] == "blocked")
        #expect(settings[Fixture.readAloudID] == ["installation_mode": "allowed"])
        // The standard-set extension is installed centrally, so Chrome must force it and know where to update it.
        #expect(settings[Fixture.dictionaryID]?["installation_mode"] == "force_installed")
        #expect(settings[Fixture.dictionaryID]?["update_url"] == "https://clients2.google.com/service/update2/crx")
        #expect(settings.count == 3)
        let modes: Set = ["allowed", "blocked", "force_installed", "normal_installed", "removed"]
        #expect(settings.values.allSatisfy { modes.contains($0["installation_mode"] ?? "") })
    }

    @Test func aLockedSchoolGetsNoSelfInstallExtension() throws {
        let object = try Self.json(WhitelistExporter.chromeExtensionSettings(try Self.payload(tier: "locked")))
        let settings = try #require(object["ExtensionSettings"] as? [String: [String: String]])
        #expect(settings[Fixture.readAloudID] == nil)
        #expect(Set(settings.keys) == ["*", Fixture.dictionaryID])
    }

    // MARK: AppLocker

    @Test func appLockerPolicyHasPublisherAndHashRules() throws {
        let payload = try Self.payload()
        let data = WhitelistExporter.appLockerPolicy(payload)
        let document = try XMLDocument(data: data)
        let root = try #require(document.rootElement())
        #expect(root.name == "AppLockerPolicy")
        #expect(root.attribute(forName: "Version")?.stringValue == "1")
        let collections = root.elements(forName: "RuleCollection")
        #expect(collections.map { $0.attribute(forName: "Type")?.stringValue } == ["Exe", "Msi"])
        #expect(collections.allSatisfy { $0.attribute(forName: "EnforcementMode")?.stringValue == "Enabled" })

        let msi = try #require(collections.last)
        let publisherRules = msi.elements(forName: "FilePublisherRule")
        let geogebra = try #require(publisherRules.first { $0.attribute(forName: "Name")?.stringValue == "GeoGebra 6.0.1" })
        #expect(geogebra.attribute(forName: "UserOrGroupSid")?.stringValue == "S-1-1-0")
        #expect(geogebra.attribute(forName: "Action")?.stringValue == "Allow")
        let condition = try #require(try geogebra.nodes(forXPath: "Conditions/FilePublisherCondition").first as? XMLElement)
        #expect(condition.attribute(forName: "PublisherName")?.stringValue == Fixture.acmeSigner.value)
        #expect(condition.attribute(forName: "ProductName")?.stringValue == "GeoGebra Classic")
        #expect(condition.attribute(forName: "BinaryName")?.stringValue == "*")
        let range = try #require(condition.elements(forName: "BinaryVersionRange").first)
        #expect(range.attribute(forName: "LowSection")?.stringValue == "6.0.1.0")
        #expect(range.attribute(forName: "HighSection")?.stringValue == "6.0.1.0")

        // VLC has a signer but no known product name, so only its hash can identify it.
        let exe = try #require(collections.first)
        let vlcRule = try #require(exe.elements(forName: "FileHashRule").first { $0.attribute(forName: "Name")?.stringValue == "VLC media player 3.0.20" })
        let hash = try #require(try vlcRule.nodes(forXPath: "Conditions/FileHashCondition/FileHash").first as? XMLElement)
        let vlc = try #require(payload.entries(for: "vlc").first)
        #expect(hash.attribute(forName: "Type")?.stringValue == "SHA256")
        #expect(hash.attribute(forName: "Data")?.stringValue == "0x" + vlc.sha256.uppercased())
        #expect(hash.attribute(forName: "SourceFileLength")?.stringValue == String(vlc.size))
        #expect(hash.attribute(forName: "SourceFileName")?.stringValue == vlc.sha256)

        // The fast-channel VS Code is a publisher rule too, and says it came through the fast channel.
        let vscode = try #require(exe.elements(forName: "FilePublisherRule").first { $0.attribute(forName: "Name")?.stringValue == "Visual Studio Code 1.91.0" })
        #expect(vscode.attribute(forName: "Description")?.stringValue?.contains("fast channel after 1.90.0") == true)

        let ids = try #require(try root.nodes(forXPath: "//@Id")).compactMap(\.stringValue)
        let windowsEntries = payload.apps.filter { $0.platforms.contains("windows") && $0.installerType != "pkg" }
        #expect(ids.count == windowsEntries.count)
        #expect(Set(ids).count == ids.count)
        let guid = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
        #expect(ids.allSatisfy { $0.wholeMatch(of: guid) != nil })
    }

    @Test func appLockerPolicyParsesWithPythonToo() throws {
        let data = WhitelistExporter.appLockerPolicy(try Self.payload())
        let out = try Self.python("""
            import sys, xml.etree.ElementTree as ET
            root = ET.fromstring(sys.stdin.buffer.read())
            assert root.tag == 'AppLockerPolicy' and root.get('Version') == '1'
            for c in root.findall('RuleCollection'):
                for r in c:
                    assert r.tag in ('FilePublisherRule', 'FileHashRule'), r.tag
                    assert r.get('UserOrGroupSid') == 'S-1-1-0' and r.get('Action') == 'Allow'
                    print(c.get('Type'), r.tag, r.get('Name'))
            """, data)
        let lines = out.split(separator: "\n").map(String.init)
        #expect(lines.contains("Msi FilePublisherRule GeoGebra 6.0.1"))
        #expect(lines.contains("Exe FileHashRule NVDA 2024.1"))
        #expect(lines.contains("Exe FileHashRule Thonny 4.1.0"))
        #expect(!lines.contains { $0.contains("1.92.0") || $0.contains("Acrobat") })
    }

    @Test func versionsAppLockerCannotExpressFallBackToHashRules() throws {
        var odd = Fixture.app("geogebra", "6.0.1-beta", name: "GeoGebra", category: "education", scope: .edu,
                              productName: "GeoGebra Classic", standardSet: true)
        odd.sha256 = Fixture.hash("odd")
        let payload = try Fixture.builder([odd]).whitelist(tier: "locked")
        let root = try #require(try XMLDocument(data: WhitelistExporter.appLockerPolicy(payload)).rootElement())
        #expect(try root.nodes(forXPath: "//FilePublisherRule").isEmpty)
        #expect(try root.nodes(forXPath: "//FileHashRule").count == 1)
    }

    // MARK: Munki

    @Test func munkiCatalogAndManifestAreValidPropertyLists() throws {
        let payload = try Self.payload(tier: "standard")
        let files = try WhitelistExporter.export(payload, as: .munki)
        #expect(files.map(\.name) == ["school-rinkeby.munki-catalog.plist", "school-rinkeby.munki-manifest.plist"])
        let catalog = try Self.python("""
            import sys, plistlib, json
            items = plistlib.loads(sys.stdin.buffer.read())
            assert isinstance(items, list)
            print(json.dumps(items, sort_keys=True))
            """, files[0].data)
        let items = try #require(try JSONSerialization.jsonObject(with: Data(catalog.utf8)) as? [[String: Any]])
        #expect(items.map { $0["name"] as? String } == ["audacity", "keynote", "scratch"])
        let scratch = try #require(items.first { $0["name"] as? String == "scratch" })
        let entry = try #require(payload.entries(for: "scratch").first)
        #expect(scratch["version"] as? String == "3.29.1")
        #expect(scratch["display_name"] as? String == "Scratch")
        #expect(scratch["installer_item_location"] as? String == entry.downloadPath)
        #expect(scratch["installer_item_hash"] as? String == entry.sha256)
        #expect(scratch["installer_item_size"] as? Int == 2)
        #expect(scratch["catalogs"] as? [String] == ["school-rinkeby"])
        // 1025 bytes are two KiB: Munki's sizes round up.
        #expect(items.first?["installer_item_size"] as? Int == 2)

        let manifest = try Self.python("""
            import sys, plistlib, json
            print(json.dumps(plistlib.loads(sys.stdin.buffer.read()), sort_keys=True))
            """, files[1].data)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(manifest.utf8)) as? [String: Any])
        #expect(object["catalogs"] as? [String] == ["school-rinkeby"])
        #expect(object["optional_installs"] as? [String] == ["audacity", "keynote", "scratch"])
        #expect(object["managed_installs"] as? [String] == [])
    }

    @Test func textWithMarkupCharactersIsEscaped() throws {
        let payload = try Self.payload(tier: "locked")
        // Dictionary's name carries <, & and quotes: every XML-based export must still parse.
        var dictionary = try #require(payload.entries(for: "dictionary").first)
        dictionary.platforms = ["macos", "windows"]
        dictionary.installerType = "pkg"
        var mac = payload
        mac.apps = [dictionary]
        let out = try Self.python("""
            import sys, plistlib
            print(plistlib.loads(sys.stdin.buffer.read())[0]['display_name'])
            """, WhitelistExporter.munkiCatalog(mac))
        #expect(out == "Dictionary <& \"Lexicon\">\n")
        dictionary.installerType = "exe"
        mac.apps = [dictionary]
        let root = try #require(try XMLDocument(data: WhitelistExporter.appLockerPolicy(mac)).rootElement())
        let rule = try #require(try root.nodes(forXPath: "//FileHashRule").first as? XMLElement)
        #expect(rule.attribute(forName: "Name")?.stringValue == "Dictionary <& \"Lexicon\"> 5.0")
    }

    @Test func everyFormatIsByteStable() throws {
        for format in ExportFormat.allCases {
            let first = try WhitelistExporter.export(try Self.payload(), as: format)
            let second = try WhitelistExporter.export(try Self.payload(), as: format)
            #expect(first == second, "\(format)")
            #expect(first.allSatisfy { !$0.data.isEmpty && !$0.name.contains("/") })
        }
    }
}
