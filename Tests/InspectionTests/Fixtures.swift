import DepotTestSupport
import Foundation
import Inspection
import Testing

/// Builds real installers with real tools inside a temporary directory.
final class Fixtures {
    let dir: TemporaryDirectory

    init(_ label: String = "inspection") throws {
        dir = try TemporaryDirectory(label)
    }

    var url: URL { dir.url }

    /// Writes a tree of files under `root` (relative paths → contents) and returns the root folder.
    @discardableResult
    func tree(_ root: String, _ files: [String: String]) throws -> URL {
        for (path, text) in files { try dir.write("\(root)/\(path)", text) }
        return dir.file(root)
    }

    /// Runs a shell command inside the fixture directory, failing the test with its stderr if it fails.
    @discardableResult
    func sh(_ script: String) throws -> String {
        try Tools.require("/bin/bash", ["-c", "set -euo pipefail; " + script], in: url).stdout
    }

    /// Random-looking but reproducible bytes (xorshift), so sniffing never meets a magic number by chance.
    static func noise(_ count: Int, seed: UInt64 = 0x9E3779B97F4A7C15) -> Data {
        var state = seed
        var out = Data(capacity: count)
        for _ in 0..<count {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            out.append(UInt8(truncatingIfNeeded: state >> 24))
        }
        return out
    }

    /// An MSIX bundle of one application package per architecture (x64, arm64), each with its own AppxManifest.xml
    /// and a `LICENSE.txt` reading `licence(architecture)`; the bundle manifest also names a resource package.
    func msixBundle(_ name: String, licence: (String) -> String) throws {
        for arch in ["x64", "arm64"] {
            try tree("p_\(arch)", ["AppxManifest.xml": ZipFamilyTests.appxManifest.replacingOccurrences(of: "ARCH", with: arch),
                                   "notepad.exe": "binary \(arch)", "LICENSE.txt": licence(arch)])
            try sh("mkdir -p bundle && cd p_\(arch) && zip -q -r -D ../bundle/notepad_\(arch).msix .")
        }
        try dir.write("bundle/AppxMetadata/AppxBundleManifest.xml", """
            <?xml version="1.0" encoding="UTF-8"?>
            <Bundle xmlns="http://schemas.microsoft.com/appx/2013/bundle" SchemaVersion="3.0">
              <Identity Name="Contoso.Notepad" Publisher="CN=Contoso Software, O=Contoso, C=SE" Version="2.4.1.0"/>
              <Packages>
                <Package Type="application" Version="2.4.1.0" Architecture="x64" FileName="notepad_x64.msix"/>
                <Package Type="application" Version="2.4.1.0" Architecture="arm64" FileName="notepad_arm64.msix"/>
                <Package Type="resource" Version="2.4.1.0" ResourceId="split.scale-100" FileName="notepad_scale-100.msix"/>
              </Packages>
            </Bundle>
            """)
        try sh("cd bundle && zip -q -0 -r -D ../\(name) .")
    }

    /// `hello.rpm` built by rpmbuild: contoso-hello 1:2.10-3, noarch, with `usr/share/licenses/contoso-hello/COPYING`
    /// reading "MIT\n".
    func helloRPM() throws {
        try dir.write("hello.spec", """
            Name: contoso-hello
            Epoch: 1
            Version: 2.10
            Release: 3
            Summary: greet the city
            License: MIT AND (GPL-2.0-or-later OR BSD-3-Clause)
            Vendor: Contoso Software
            BuildArch: noarch

            %description
            Greets the city.

            %install
            mkdir -p %{buildroot}/usr/share/contoso-hello %{buildroot}/usr/share/licenses/contoso-hello
            echo hello > %{buildroot}/usr/share/contoso-hello/hello.txt
            echo MIT > %{buildroot}/usr/share/licenses/contoso-hello/COPYING

            %files
            /usr/share/contoso-hello/hello.txt
            /usr/share/licenses/contoso-hello/COPYING
            """)
        try sh("rpmbuild -bb --quiet --define \"_topdir $PWD/rpm\" --define '_build_id_links none' hello.spec >/dev/null 2>&1 && cp rpm/RPMS/noarch/*.rpm hello.rpm")
    }

    /// `good.<kind>` (zip, tgz, 7z or deb) holding two noise files around a small LICENSE (under opt/ in the deb):
    /// large enough that cutting it anywhere leaves a damaged archive.
    func damageable(_ kind: String) throws -> String {
        try dir.write("src/a.bin", Self.noise(300_000, seed: 1))
        try dir.write("src/LICENSE", "MIT")
        try dir.write("src/b.bin", Self.noise(200_000, seed: 2))
        switch kind {
        case "zip": try sh("cd src && zip -q ../good.zip a.bin LICENSE b.bin")
        case "tgz": try sh("cd src && tar -czf ../good.tgz a.bin LICENSE b.bin")
        case "7z": try sh("cd src && 7zz a -bd -bso0 ../good.7z a.bin LICENSE b.bin")
        default:
            try dir.write("root/DEBIAN/control", "Package: t\nVersion: 1\nArchitecture: all\nMaintainer: x\nDescription: t\n")
            try sh("mkdir -p root/opt && cp src/* root/opt/ && dpkg-deb -Zgzip --build root good.deb >/dev/null")
        }
        return "good.\(kind)"
    }

    func inspect(_ name: String, limits: InspectionLimits = .standard) throws -> InstallerFacts {
        try Inspector(limits: limits).inspect(file: dir.file(name))
    }

    /// The file's SHA-256 as openssl computes it, to cross-check the pass.
    func opensslSHA256(_ name: String) throws -> String {
        let out = try Tools.require("openssl", ["dgst", "-sha256", "-r", dir.file(name).path]).stdout
        return String(out.prefix(64))
    }

    /// Every path under the fixture directory with its size: compared before and after inspecting, to prove
    /// that inspection wrote nothing.
    func snapshot() -> [String: Int] {
        var out: [String: Int] = [:]
        let root = url.resolvingSymlinksInPath().path
        if let walker = FileManager.default.enumerator(atPath: root) {
            for case let path as String in walker {
                let attributes = try? FileManager.default.attributesOfItem(atPath: root + "/" + path)
                out[path] = (attributes?[.size] as? Int) ?? -1
            }
        }
        return out
    }
}

import DepotModel

/// Shorthand for an expectation that an inspection throws an `InspectionError` with `code`.
func expectInspectionError(_ code: String, _ body: () throws -> InstallerFacts,
                           sourceLocation: SourceLocation = #_sourceLocation) -> InspectionError? {
    do {
        let facts = try body()
        Issue.record("expected \(code), got facts: format \(facts.format), warnings \(facts.warnings)", sourceLocation: sourceLocation)
        return nil
    } catch let error as InspectionError {
        #expect(error.code == code, "message: \(error.message)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected InspectionError \(code), got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
