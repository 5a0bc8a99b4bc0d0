import DepotTestSupport
import Foundation
import Licensing
import Testing

/// ScanCode's licence data as a pinned reference library, built once and cached (issue 20, class 1).
@Suite("Reference licence data")
struct LicenceDataTests {
    /// A site-packages folder holding a small licensedcode-data of the given version.
    func fakeData(in dir: TemporaryDirectory, version: String, licences: [(key: String, spdx: String, text: String)]) throws -> String {
        let data = "site-packages/licensedcode/data"
        for licence in licences {
            try dir.write("\(data)/licenses/\(licence.key).LICENSE", """
            ---
            key: \(licence.key)
            short_name: \(licence.key)
            spdx_license_key: \(licence.spdx)
            ---

            \(licence.text)
            """)
        }
        try dir.write("site-packages/licensedcode_data-\(version).dist-info/METADATA", "Name: licensedcode-data\nVersion: \(version)\n")
        return dir.url.appendingPathComponent(data).path
    }

    static let acmeText = """
    The ACME Widget Licence. Permission to use, copy and study this widget is granted to every school in the
    city of Malmö, provided that this notice is kept with every copy and that no widget is ever painted blue.
    Painting a widget blue ends this permission at once, and the widget must then be returned to its maker.
    """

    @Test("the index is built once into a cache file keyed by the data version, and later loads read it")
    func cache() throws {
        let dir = try TemporaryDirectory()
        let data = try fakeData(in: dir, version: "9.9.1", licences: [("acme-widget", "LicenseRef-scancode-acme-widget", Self.acmeText)])
        let cacheFolder = dir.url.appendingPathComponent("cache").path
        let environment = ["DEPOT_LICENCE_DATA": data, "DEPOT_LICENCE_CACHE": cacheFolder, "HOME": dir.path]
        let first = try LicenceLibrary.loadDefault(environment: environment)
        #expect(first.identifiers.contains("LicenseRef-scancode-acme-widget"))
        #expect(first.dataVersion == "9.9.1" && first.note == nil)
        let cached = try FileManager.default.contentsOfDirectory(atPath: cacheFolder).filter { $0.hasSuffix(".bin") }
        #expect(cached.count == 1 && cached.first?.contains("9.9.1") == true, "\(cached)")
        // The data is gone, the cache is not: the second load comes from the cache and detects the same.
        try FileManager.default.removeItem(atPath: data + "/licenses/acme-widget.LICENSE")
        let second = try LicenceLibrary.loadDefault(environment: environment)
        #expect(second.identifiers == first.identifiers)
        let found = LicenceDetector(library: second).detect(text: "Copyright 2024 ACME\n\n" + Self.acmeText, file: "LICENSE")
        #expect(found.map(\.id) == ["LicenseRef-scancode-acme-widget"], "\(found)")
        // A cut or foreign cache file is rebuilt, not trusted.
        let file = URL(fileURLWithPath: cacheFolder).appendingPathComponent(try #require(cached.first))
        try Data("not an index".utf8).write(to: file)
        let rebuilt = try LicenceLibrary.loadDefault(environment: environment)
        #expect(!rebuilt.identifiers.contains("LicenseRef-scancode-acme-widget"))
        #expect(rebuilt.identifiers.contains("MIT"))
    }

    @Test("without the reference data, detection still works from the host's texts and says what is missing")
    func missingData() throws {
        let dir = try TemporaryDirectory()
        let library = try LicenceLibrary.loadDefault(environment: ["DEPOT_LICENCE_DATA": dir.url.appendingPathComponent("none").path,
                                                                   "HOME": dir.path])
        #expect(library.dataVersion == nil)
        #expect(library.note?.contains("make deps") == true)
        #expect(LicenceDetector(library: library).detect(text: filled(try referenceText("MIT")), file: "LICENSE").map(\.id) == ["MIT"])
    }

    @Test("the installed data names licences the host has no text for", arguments: [
        // Not yet: curl, ICU, X11, JSON (a near-identical text under another identifier makes the name a guess), OpenSSL,
        // Sleepycat, BSD-4-Clause and CDDL-1.0 (the text is split between neighbouring references).
        "BlueOak-1.0.0", "BUSL-1.1", "MIT-CMU", "Ruby", "PSF-2.0", "HPND", "CC-BY-3.0", "CC-BY-NC-4.0",
    ])
    func installedData(id: String) throws {
        let library = try libraryWithData.get()
        try #require(library.dataVersion != nil, "licensedcode-data is not installed; run 'make deps'")
        let reference = try #require(library.references.first { $0.id == id && $0.source.hasPrefix("licensedcode-data:") }, "no text for \(id)")
        // A variant as files have it: a copyright line, reflowed.
        let text = "Copyright (c) 2024 Malmö stad\n\n" + reflowed(reference.text, width: 66)
        let report = LicenceDetector(library: library).detect(files: [("LICENSE", Array(text.utf8))])
        #expect(report.expression?.description == id, "\(report.matches)")
    }
}
