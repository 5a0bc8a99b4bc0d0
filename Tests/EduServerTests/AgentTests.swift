import DepotTestSupport
import EduServer
import Foundation
import Signing
import Testing
import Whitelist

/// `depot agent sync` and `install` as a device runs them, against the real edu server and against a plain static
/// file server that hands out whatever bytes a test puts there (tampered, older, expired, wrong key).
@Suite(.serialized) struct AgentTests {
    /// A static server whose tree mirrors the edu API paths.
    final class StaticServer {
        let root: TemporaryDirectory
        let process: RunningProcess
        let baseURL: String

        init() throws {
            root = try TemporaryDirectory("edu-static")
            process = try RunningProcess("python3", ["-u", "-m", "http.server", "0", "--bind", "127.0.0.1",
                                                     "--directory", root.path], readyMarker: "port ")
            let port = process.ready.split(separator: " ").first.map(String.init) ?? ""
            baseURL = "http://127.0.0.1:\(port)"
        }

        func put(whitelist bytes: [UInt8], school: String = "alpha") throws {
            try root.write("edu/v1/schools/\(school)/whitelist", Data(bytes))
        }

        func put(package bytes: [UInt8], sha256: String) throws {
            try root.write("edu/v1/packages/\(sha256)", Data(bytes))
        }
    }

    func sync(_ url: String, _ fixture: EduFixture, state: TemporaryDirectory, school: String = "alpha") throws -> ToolResult {
        try DepotBinary.run(["agent", "sync", "--url", url, "--school", school, "--root", fixture.rootPEM.path,
                             "--state", state.path])
    }

    func kept(_ state: TemporaryDirectory) throws -> (bytes: [UInt8], version: Int) {
        let bytes = Array(try Data(contentsOf: state.file("whitelist.json")))
        let agent = try JSONDecoder().decode(AgentState.self, from: Data(contentsOf: state.file("agent.json")))
        return (bytes, agent.version)
    }

    @Test func syncsFromTheEduServerAndInstallsCheckedPackages() throws {
        let fixture = try EduFixture()
        try fixture.publish(version: 3)
        let serverState = try TemporaryDirectory("edu-state")
        let server = try fixture.serve(state: serverState.url)
        let device = try TemporaryDirectory("edu-device")

        let first = try sync(server.baseURL, fixture, state: device)
        #expect(first.succeeded, "\(first.stderr)")
        #expect(first.stdout.contains("school alpha: whitelist version 3"))
        for app in ["geogebra", "mathtype", "vlc"] { #expect(first.stdout.contains(app)) }
        #expect(first.stdout.contains("self-install"))
        #expect(try kept(device).bytes == fixture.whitelistBytes("alpha"))

        // The second sync sends the ETag and gets 304.
        let second = try sync(server.baseURL, fixture, state: device)
        #expect(second.succeeded)
        #expect(second.stdout.contains("(unchanged)"))

        // MathType takes a seat: the device installs it only with the grant of an install order.
        let target = try TemporaryDirectory("edu-target")
        let ungranted = try DepotBinary.run(["agent", "install", "mathtype", "--state", device.path, "--target", target.path])
        #expect(!ungranted.succeeded && ungranted.stderr.contains("takes a licence seat"), "\(ungranted.stderr)")
        let token = try fixture.token("anna", school: "alpha", state: serverState.url)
        let order = try HTTPExchange.request("POST", "\(server.baseURL)/edu/v1/schools/alpha/installs", token: token,
                                             bodyFile: try bodyFile(serverState, #"{"program": "mathtype", "devices": ["pc-1"]}"#))
        let url = try #require(((order.json as? [String: Any])?["downloads"] as? [[String: Any]])?.first?["url"] as? String)
        let forged = try DepotBinary.run(["agent", "install", "mathtype", "--state", device.path, "--target", target.path,
                                          "--grant", "grant_forged"])
        #expect(!forged.succeeded && forged.stderr.contains("403"), "\(forged.stderr)")
        let msi = try DepotBinary.run(["agent", "install", "mathtype", "--state", device.path, "--target", target.path,
                                       "--grant", server.baseURL + url])
        #expect(msi.succeeded, "\(msi.stderr)")
        let placed = target.file("mathtype-7.8.msi")
        #expect(Array(try Data(contentsOf: placed)) == fixture.packages["mathtype"]!.bytes)
        #expect(msi.stdout.contains("msiexec /i \"\(placed.path)\" /qn"))

        let deb = try DepotBinary.run(["agent", "install", "geogebra", "--state", device.path, "--target", target.path, "--json"])
        #expect(deb.succeeded, "\(deb.stderr)")
        let result = try JSONDecoder().decode(AgentInstallResult.self, from: Data(deb.stdout.utf8))
        #expect(result.command == nil)
        #expect(Array(try Data(contentsOf: target.file("geogebra-6.0.1.deb"))) == fixture.packages["geogebra"]!.bytes)

        let unlisted = try DepotBinary.run(["agent", "install", "photoshop", "--state", device.path, "--target", target.path])
        #expect(!unlisted.succeeded)
        #expect(unlisted.stderr.contains("'photoshop' is not on the whitelist of school 'alpha'"))
        let names = try FileManager.default.contentsOfDirectory(atPath: target.path).sorted()
        #expect(names == ["geogebra-6.0.1.deb", "mathtype-7.8.msi"])
    }

    @Test func refusesTamperedOlderExpiredAndWrongKeyWhitelistsAndKeepsTheLastGood() throws {
        let fixture = try EduFixture()
        let web = try StaticServer()
        let device = try TemporaryDirectory("edu-device")
        let good = try fixture.whitelist("alpha", version: 5)
        try web.put(whitelist: good)
        let accepted = try sync(web.baseURL, fixture, state: device)
        #expect(accepted.succeeded, "\(accepted.stderr)")
        #expect(try kept(device).version == 5)

        func refused(_ bytes: [UInt8], because words: String) throws {
            try web.put(whitelist: bytes)
            let result = try sync(web.baseURL, fixture, state: device)
            #expect(!result.succeeded)
            #expect(result.stderr.hasPrefix("depot: refused"), "\(result.stderr)")
            #expect(result.stderr.contains(words), "\(result.stderr)")
            #expect(result.stderr.contains("the last good whitelist (version 5) is kept"), "\(result.stderr)")
            let copy = try kept(device)
            #expect(copy.bytes == good)
            #expect(copy.version == 5)
        }

        // One byte of a newer document changed: the signature no longer matches.
        var tampered = try fixture.whitelist("alpha", version: 6)
        let at = try #require(tampered.indices.first { tampered[$0] == UInt8(ascii: "6") && $0 > tampered.count / 2 })
        tampered[at] = UInt8(ascii: "7")
        try refused(tampered, because: "changed")
        try refused(try fixture.whitelist("alpha", version: 4), because: "version 4")
        try refused(try fixture.whitelist("alpha", version: 7, issued: Date().addingTimeInterval(-86_400 * 3),
                                          expires: Date().addingTimeInterval(-86_400)), because: "expired")
        try refused(try fixture.whitelist("alpha", version: 8, role: .catalog), because: "catalog")
        try refused(try fixture.whitelist("beta", version: 9), because: "'beta'")
        try refused(Array("not json".utf8), because: "not JSON")

        // The server down: still the last good copy, and a reason in words.
        web.process.stop()
        let down = try sync(web.baseURL, fixture, state: device)
        #expect(!down.succeeded)
        #expect(down.stderr.contains("cannot fetch the whitelist of school 'alpha'"))
        #expect(try kept(device).bytes == good)

        // A newer good one is accepted again.
        let web2 = try StaticServer()
        try web2.put(whitelist: try fixture.whitelist("alpha", version: 10))
        #expect(try sync(web2.baseURL, fixture, state: device).succeeded)
        #expect(try kept(device).version == 10)
    }

    @Test func refusesACorruptedPackageAndLeavesNothingBehind() throws {
        let fixture = try EduFixture()
        let web = try StaticServer()
        let device = try TemporaryDirectory("edu-device")
        try web.put(whitelist: try fixture.whitelist("alpha", version: 1))
        #expect(try sync(web.baseURL, fixture, state: device).succeeded)
        let package = fixture.packages["vlc"]!
        var corrupted = package.bytes
        corrupted[100] ^= 0xFF
        try web.put(package: corrupted, sha256: package.sha256)
        let target = try TemporaryDirectory("edu-target")

        let result = try DepotBinary.run(["agent", "install", "vlc", "--state", device.path, "--target", target.path])
        #expect(!result.succeeded)
        #expect(result.stderr.contains("vlc-3.0.20.pkg"))
        #expect(result.stderr.contains("does not match the whitelist"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: target.path).isEmpty)

        // Longer than listed: stopped while streaming.
        try web.put(package: package.bytes + [0], sha256: package.sha256)
        let longer = try DepotBinary.run(["agent", "install", "vlc", "--state", device.path, "--target", target.path])
        #expect(!longer.succeeded)
        #expect(longer.stderr.contains("vlc-3.0.20.pkg"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: target.path).isEmpty)

        try web.put(package: package.bytes, sha256: package.sha256)
        let fine = try DepotBinary.run(["agent", "install", "vlc", "--state", device.path, "--target", target.path])
        #expect(fine.succeeded, "\(fine.stderr)")
        #expect(fine.stdout.contains("silent install: installer -pkg"))
    }
}
