import DepotCrypto
import DepotTestSupport
import EduServer
import Foundation
import Signing
import Testing
import Whitelist

/// The real `depot edu serve` process, spoken to with the real curl.
@Suite(.serialized) struct EduServerTests {
    func header(_ name: String, in exchange: HTTPExchange) -> String? {
        for line in exchange.headers.split(separator: "\r\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == name.lowercased() {
                return parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    func errorMessage(_ exchange: HTTPExchange) -> String {
        ((exchange.json as? [String: Any])?["error"] as? [String: Any])?["message"] as? String ?? exchange.body
    }

    @Test func whitelistHasETagNotModifiedAndGzip() throws {
        let fixture = try EduFixture()
        try fixture.publish(version: 1)
        let state = try TemporaryDirectory("edu-state")
        let server = try fixture.serve(state: state.url)
        let url = "\(server.baseURL)/edu/v1/schools/alpha/whitelist"
        let file = try fixture.whitelistBytes("alpha")

        let full = try HTTPExchange.get(url)
        #expect(full.status == 200)
        #expect(Array(full.body.utf8) == file)
        let etag = try #require(header("ETag", in: full))
        #expect(etag == "\"\(SHA256HasherHex(file))\"")
        #expect(header("Vary", in: full) == "Accept-Encoding")

        let again = try HTTPExchange.request("GET", url, headers: ["If-None-Match: \(etag)"])
        #expect(again.status == 304)
        #expect(again.body.isEmpty)
        let stale = try HTTPExchange.request("GET", url, headers: ["If-None-Match: \"0000\""])
        #expect(stale.status == 200)

        // curl --compressed asks for gzip and decodes it: the same bytes as the file.
        let out = state.file("compressed.json")
        let compressed = try Tools.require("curl", ["-sS", "--compressed", "-D", "-", "-o", out.path, url])
        #expect(compressed.stdout.lowercased().contains("content-encoding: gzip"))
        #expect(Array(try Data(contentsOf: out)) == file)
        // Raw: gzip magic, smaller than the file, and gunzip restores it.
        let raw = state.file("raw.gz")
        try Tools.require("curl", ["-sS", "-H", "Accept-Encoding: gzip", "-o", raw.path, url])
        let gz = Array(try Data(contentsOf: raw))
        #expect(gz.prefix(2) == [0x1F, 0x8B])
        #expect(gz.count < file.count)
        let gunzip = try Tools.require("gzip", ["-dc", raw.path])
        #expect(Array(gunzip.stdout.utf8) == file)

        let unknown = try HTTPExchange.get("\(server.baseURL)/edu/v1/schools/nowhere/whitelist")
        #expect(unknown.status == 404)
        #expect(errorMessage(unknown).contains("'nowhere'"))
        let health = try HTTPExchange.get("\(server.baseURL)/healthz")
        #expect(health.status == 200)
    }

    @Test func packagesServeRangesAndRefuseBadOnes() throws {
        let fixture = try EduFixture()
        try fixture.publish(version: 1)
        let state = try TemporaryDirectory("edu-state")
        let server = try fixture.serve(state: state.url)
        // A free app: any device of the school downloads it without an order.
        let package = fixture.packages["geogebra"]!
        let url = "\(server.baseURL)/edu/v1/packages/\(package.sha256)"

        let out = state.file("package.bin")
        let full = try Tools.require("curl", ["-sS", "-o", out.path, "-w", "%{http_code}", url])
        #expect(full.stdout == "200")
        #expect(Array(try Data(contentsOf: out)) == package.bytes)

        let part = try Tools.require("curl", ["-sS", "-D", "-", "-o", out.path, "-w", "%{http_code}", "-H", "Range: bytes=10-19", url])
        #expect(part.stdout.hasSuffix("206"))
        #expect(part.stdout.contains("bytes 10-19/\(package.bytes.count)"))
        #expect(Array(try Data(contentsOf: out)) == Array(package.bytes[10...19]))

        let tail = try Tools.require("curl", ["-sS", "-o", out.path, "-w", "%{http_code}", "-H", "Range: bytes=-5", url])
        #expect(tail.stdout == "206")
        #expect(Array(try Data(contentsOf: out)) == Array(package.bytes.suffix(5)))

        let beyond = try HTTPExchange.request("GET", url, headers: ["Range: bytes=\(package.bytes.count)-"])
        #expect(beyond.status == 416)
        #expect(header("Content-Range", in: beyond) == "bytes */\(package.bytes.count)")

        #expect(try HTTPExchange.get("\(server.baseURL)/edu/v1/packages/not-a-hash").status == 400)
        #expect(try HTTPExchange.get("\(server.baseURL)/edu/v1/packages/\(String(repeating: "ab", count: 32))").status == 404)
    }

    @Test func selfInstallIsScopedCountedAndKeptAcrossRestarts() throws {
        let fixture = try EduFixture()
        try fixture.publish(version: 1)
        let state = try TemporaryDirectory("edu-state")
        let alphaToken = try fixture.token("anna", school: "alpha", state: state.url)
        let betaToken = try fixture.token("bert", school: "beta", state: state.url)
        let gammaToken = try fixture.token("gun", school: "gamma", state: state.url)
        var server = try fixture.serve(state: state.url)
        let installs = "\(server.baseURL)/edu/v1/schools/alpha/installs"
        let twoDevices = try bodyFile(state, #"{"program": "mathtype", "devices": ["pc-1", "pc-2"]}"#)

        #expect(try HTTPExchange.request("POST", installs, bodyFile: twoDevices).status == 401)
        #expect(try HTTPExchange.request("POST", installs, token: "edu_wrong", bodyFile: twoDevices).status == 401)
        let other = try HTTPExchange.request("POST", installs, token: betaToken, bodyFile: twoDevices)
        #expect(other.status == 403)
        #expect(errorMessage(other).contains("school 'beta'"))
        #expect(try HTTPExchange.get(installs, token: betaToken).status == 403)

        let accepted = try HTTPExchange.request("POST", installs, token: alphaToken, bodyFile: twoDevices)
        #expect(accepted.status == 201)
        let install = try #require(accepted.json as? [String: Any])
        #expect(install["quantity"] as? Int == 2)
        #expect(install["version"] as? String == "7.8")
        #expect(install["requestedBy"] as? String == "anna")

        // Three seats were published; two are taken, so a class of two is refused with the reason.
        let group = try bodyFile(state, #"{"program": "mathtype", "group": {"name": "7b", "size": 2}}"#)
        let refused = try HTTPExchange.request("POST", installs, token: alphaToken, bodyFile: group)
        #expect(refused.status == 422)
        #expect(errorMessage(refused) == "no seats left for 'mathtype': 2 devices requested, 1 seats left")
        // Seats count across schools: beta takes the last one.
        let betaOne = try bodyFile(state, #"{"program": "mathtype", "devices": ["b-1"]}"#)
        #expect(try HTTPExchange.request("POST", "\(server.baseURL)/edu/v1/schools/beta/installs", token: betaToken,
                                         bodyFile: betaOne).status == 201)
        let none = try HTTPExchange.request("POST", installs, token: alphaToken, bodyFile: betaOne)
        #expect(errorMessage(none) == "no seats left for 'mathtype': 1 device requested, 0 seats left")

        let unlisted = try bodyFile(state, #"{"program": "photoshop", "devices": ["pc-1"]}"#)
        let notListed = try HTTPExchange.request("POST", installs, token: alphaToken, bodyFile: unlisted)
        #expect(notListed.status == 422)
        #expect(errorMessage(notListed).contains("'photoshop' is not on the whitelist of school 'alpha'"))
        let locked = try HTTPExchange.request("POST", "\(server.baseURL)/edu/v1/schools/gamma/installs", token: gammaToken,
                                              bodyFile: try bodyFile(state, #"{"program": "geogebra", "devices": ["g-1"]}"#))
        #expect(locked.status == 422)
        #expect(errorMessage(locked).contains("does not allow self-install"))

        for malformed in [#"{"program": "mathtype""#, #"{"program": "mathtype"}"#, #"[1,2]"#,
                          #"{"program": "mathtype", "devices": []}"#, #"{"program": "mathtype", "group": {"name": "7b", "size": -1}}"#] {
            let answer = try HTTPExchange.request("POST", installs, token: alphaToken, bodyFile: try bodyFile(state, malformed))
            #expect(answer.status == 400, "\(malformed)")
        }
        let huge = "{\"program\": \"mathtype\", \"devices\": [" + (0..<8000).map { "\"pc-\($0)\"" }.joined(separator: ",") + "]}"
        #expect(try HTTPExchange.request("POST", installs, token: alphaToken, bodyFile: try bodyFile(state, huge)).status == 413)
        let nowhere = try fixture.token("nils", school: "nowhere", state: state.url)
        #expect(try HTTPExchange.request("POST", "\(server.baseURL)/edu/v1/schools/nowhere/installs", token: nowhere,
                                         bodyFile: twoDevices).status == 404)

        // A restarted server keeps what it recorded, and still counts it against the seats.
        server.stop()
        server = try fixture.serve(state: state.url)
        let list = try HTTPExchange.get("\(server.baseURL)/edu/v1/schools/alpha/installs", token: alphaToken)
        #expect(list.status == 200)
        let recorded = try #require((list.json as? [String: Any])?["installs"] as? [[String: Any]])
        #expect(recorded.count == 1)
        #expect(recorded.first?["devices"] as? [String] == ["pc-1", "pc-2"])
        let afterRestart = try HTTPExchange.request("POST", "\(server.baseURL)/edu/v1/schools/alpha/installs",
                                                    token: alphaToken, bodyFile: betaOne)
        #expect(afterRestart.status == 422)
    }

    @Test func concurrentOrdersNeverSpendASeatTwice() throws {
        let fixture = try EduFixture()
        try fixture.publish(version: 1)
        let state = try TemporaryDirectory("edu-state")
        let token = try fixture.token("anna", school: "alpha", state: state.url)
        let server = try fixture.serve(state: state.url)
        let files = try (0..<12).map { try bodyFile(state, "{\"program\": \"mathtype\", \"devices\": [\"pc-\($0)\"]}") }
        let statuses = StatusBox()
        DispatchQueue.concurrentPerform(iterations: files.count) { i in
            let status = (try? HTTPExchange.request("POST", "\(server.baseURL)/edu/v1/schools/alpha/installs",
                                                    token: token, bodyFile: files[i]).status) ?? 0
            statuses.append(status)
        }
        #expect(statuses.values.filter { $0 == 201 }.count == 3)
        #expect(statuses.values.filter { $0 == 422 }.count == 9)
    }

    /// The issue's figure: N concurrent orders of one device each against M published seats.
    @Test func thirtyTwoConcurrentOrdersAgainstFiveSeatsTakeExactlyFive() throws {
        let fixture = try EduFixture()
        try fixture.publish(version: 1, seats: 5)
        let state = try TemporaryDirectory("edu-state")
        let token = try fixture.token("anna", school: "alpha", state: state.url)
        let server = try fixture.serve(state: state.url)
        let installs = "\(server.baseURL)/edu/v1/schools/alpha/installs"
        let files = try (0..<32).map { try bodyFile(state, "{\"program\": \"mathtype\", \"devices\": [\"pc-\($0)\"]}") }
        let statuses = StatusBox()
        DispatchQueue.concurrentPerform(iterations: files.count) { i in
            statuses.append((try? HTTPExchange.request("POST", installs, token: token, bodyFile: files[i]).status) ?? 0)
        }
        #expect(statuses.values.filter { $0 == 201 }.count == 5, "\(statuses.values)")
        #expect(statuses.values.filter { $0 == 422 }.count == 27, "\(statuses.values)")
        let list = try #require((try HTTPExchange.get(installs, token: token).json as? [String: Any])?["installs"] as? [[String: Any]])
        #expect(list.compactMap { $0["remaining"] as? Int }.reduce(0, +) == 5)
        // An uninstall report gives a seat back: exactly one more order fits, the next does not.
        let first = try #require(list.first?["id"] as? Int)
        let back = try HTTPExchange.request("POST", "\(installs)/\(first)/uninstall", token: token, bodyFile: try bodyFile(state, "{}"))
        #expect(back.status == 201 && (back.json as? [String: Any])?["returned"] as? Int == 1, "\(back.body)")
        let again = StatusBox()
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            again.append((try? HTTPExchange.request("POST", installs, token: token, bodyFile: files[i]).status) ?? 0)
        }
        #expect(again.values.filter { $0 == 201 }.count == 1 && again.values.filter { $0 == 422 }.count == 7, "\(again.values)")
    }

    @Test func aPerSeatPackageIsServedOnlyAgainstACurrentGrantOfItsInstall() throws {
        let fixture = try EduFixture()
        try fixture.publish(version: 1)
        let state = try TemporaryDirectory("edu-state")
        let anna = try fixture.token("anna", school: "alpha", state: state.url)
        let bert = try fixture.token("bert", school: "beta", state: state.url)
        let server = try fixture.serve(state: state.url)
        let mathtype = fixture.packages["mathtype"]!
        let plain = "\(server.baseURL)/edu/v1/packages/\(mathtype.sha256)"

        // Without an install order, no device gets the per-seat app; a free app stays open to every device.
        let refused = try HTTPExchange.get(plain)
        #expect(refused.status == 403 && errorMessage(refused).contains("takes a licence seat"), "\(refused.body)")
        #expect(try HTTPExchange.get(plain + "?grant=grant_made-up").status == 403)
        #expect(try HTTPExchange.get("\(server.baseURL)/edu/v1/packages/\(fixture.packages["vlc"]!.sha256)").status == 200)

        // The install answer carries the download URL with the grant; the device presents it.
        let ordered = try HTTPExchange.request("POST", "\(server.baseURL)/edu/v1/schools/alpha/installs", token: anna,
                                               bodyFile: try bodyFile(state, #"{"program": "mathtype", "devices": ["pc-1", "pc-2"]}"#))
        #expect(ordered.status == 201, "\(ordered.body)")
        let answer = try #require(ordered.json as? [String: Any])
        let download = try #require((answer["downloads"] as? [[String: Any]])?.first)
        let path = try #require(download["url"] as? String)
        #expect(path.hasPrefix("/edu/v1/packages/\(mathtype.sha256)?grant=") && answer["grantExpires"] is String)
        let out = state.file("mathtype.msi")
        let fetched = try Tools.require("curl", ["-sS", "-o", out.path, "-w", "%{http_code}", server.baseURL + path])
        #expect(fetched.stdout == "200")
        #expect(Array(try Data(contentsOf: out)) == mathtype.bytes)
        let resumed = try Tools.require("curl", ["-sS", "-o", out.path, "-w", "%{http_code}", "-H", "Range: bytes=0-9", server.baseURL + path])
        #expect(resumed.stdout == "206")

        // Another school's token cannot renew or uninstall it; its own admin can, and a full uninstall ends the grant.
        let id = try #require((answer["id"] as? Int))
        let renewURL = "\(server.baseURL)/edu/v1/schools/alpha/installs/\(id)/grant"
        #expect(try HTTPExchange.request("POST", renewURL, token: bert, bodyFile: try bodyFile(state, "{}")).status == 403)
        let renewed = try HTTPExchange.request("POST", renewURL, token: anna, bodyFile: try bodyFile(state, "{}"))
        let renewedPath = try #require(((renewed.json as? [String: Any])?["downloads"] as? [[String: Any]])?.first?["url"] as? String)
        #expect(renewedPath != path)
        #expect(try HTTPExchange.get(server.baseURL + renewedPath).status == 200)
        let uninstall = "\(server.baseURL)/edu/v1/schools/alpha/installs/\(id)/uninstall"
        let stranger = try HTTPExchange.request("POST", uninstall, token: anna, bodyFile: try bodyFile(state, #"{"devices": ["pc-9"]}"#))
        #expect(stranger.status == 400 && errorMessage(stranger).contains("pc-9"))
        let one = try HTTPExchange.request("POST", uninstall, token: anna, bodyFile: try bodyFile(state, #"{"devices": ["pc-1"]}"#))
        #expect(one.status == 201 && (one.json as? [String: Any])?["remaining"] as? Int == 1, "\(one.body)")
        #expect(try HTTPExchange.get(server.baseURL + path).status == 200)
        #expect(try HTTPExchange.request("POST", uninstall, token: anna, bodyFile: try bodyFile(state, #"{"devices": ["pc-1"]}"#)).status == 409)
        #expect(try HTTPExchange.request("POST", uninstall, token: anna, bodyFile: try bodyFile(state, #"{"devices": ["pc-2"]}"#)).status == 201)
        let ended = try HTTPExchange.get(server.baseURL + path)
        #expect(ended.status == 403 && errorMessage(ended).contains("uninstalled"), "\(ended.body)")
        #expect(try HTTPExchange.request("POST", uninstall, token: anna, bodyFile: try bodyFile(state, "{}")).status == 409)
        // Both seats are back: a class of three (the published seats) fits again.
        let klass = try HTTPExchange.request("POST", "\(server.baseURL)/edu/v1/schools/alpha/installs", token: anna,
                                             bodyFile: try bodyFile(state, #"{"program": "mathtype", "group": {"name": "7b", "size": 3}}"#))
        #expect(klass.status == 201, "\(klass.body)")
    }

    @Test func reloadsChangedFilesAndCountsOnlyUncollectedInstalls() throws {
        let fixture = try EduFixture()
        try fixture.publish(version: 1)
        let state = try TemporaryDirectory("edu-state")
        let token = try fixture.token("anna", school: "alpha", state: state.url)
        let server = try fixture.serve(state: state.url)
        let installs = "\(server.baseURL)/edu/v1/schools/alpha/installs"
        let three = try bodyFile(state, #"{"program": "mathtype", "devices": ["pc-1", "pc-2", "pc-3"]}"#)
        #expect(try HTTPExchange.request("POST", installs, token: token, bodyFile: three).status == 201)
        #expect(try HTTPExchange.request("POST", installs, token: token, bodyFile: three).status == 422)

        // The catalog collected install 1 and published the seats that remain (10 bought, 3 used → 7).
        let serverID = try EduStore(directory: state.url).serverID
        try fixture.publish(version: 2, collectedThrough: [serverID: 1], seats: 7)
        let newETag = "\"\(SHA256HasherHex(try fixture.whitelistBytes("alpha")))\""
        try waitForReload(server, etag: newETag)
        #expect(try HTTPExchange.request("POST", installs, token: token, bodyFile: three).status == 201)
        #expect(try HTTPExchange.request("POST", installs, token: token, bodyFile: three).status == 201)
        let refused = try HTTPExchange.request("POST", installs, token: token, bodyFile: three)
        #expect(errorMessage(refused) == "no seats left for 'mathtype': 3 devices requested, 1 seats left")

        // A bad new file (one byte changed) keeps the last good one.
        let url = fixture.published.appendingPathComponent(EduLayout.schoolWhitelist("alpha"))
        var bytes = try fixture.whitelistBytes("alpha")
        let good = bytes
        let position = bytes.firstIndex(of: UInt8(ascii: "7"))!
        bytes[position] = UInt8(ascii: "9")
        try Data(bytes).write(to: url)
        Thread.sleep(forTimeInterval: 1.2)
        _ = try HTTPExchange.get("\(server.baseURL)/edu/v1/schools/alpha/whitelist")
        Thread.sleep(forTimeInterval: 0.5)
        let served = try HTTPExchange.get("\(server.baseURL)/edu/v1/schools/alpha/whitelist")
        #expect(Array(served.body.utf8) == good)
    }

    @Test func refusesToServeDocumentsSignedWithTheCatalogKey() throws {
        let fixture = try EduFixture()
        try fixture.publish(version: 1, role: .catalog)
        let state = try TemporaryDirectory("edu-state")
        let result = try DepotBinary.run(["edu", "serve", "--from", fixture.published.path, "--state", state.path, "--port", "0"])
        #expect(!result.succeeded)
        #expect(result.stderr.contains("edu"))
        #expect(result.stderr.contains("index.json"))
    }

    @Test func tokensAreListedWithoutSecrets() throws {
        let fixture = try EduFixture()
        let state = try TemporaryDirectory("edu-state")
        let secret = try fixture.token("anna", school: "alpha", state: state.url)
        let list = try DepotBinary.run(["edu", "tokens", "list", "--state", state.path])
        #expect(list.succeeded)
        #expect(list.stdout.contains("anna"))
        #expect(list.stdout.contains("alpha"))
        #expect(!list.stdout.contains(secret))
        let twice = try DepotBinary.run(["edu", "tokens", "add", "anna", "--school", "beta", "--state", state.path])
        #expect(!twice.succeeded)
        #expect(twice.stderr.contains("'anna' already exists"))
    }

    /// Polls until the server answers with `etag` (it checks the files at most once a second).
    func waitForReload(_ server: RunningServer, etag: String) throws {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let answer = try HTTPExchange.get("\(server.baseURL)/edu/v1/schools/alpha/whitelist")
            if header("ETag", in: answer) == etag { return }
            Thread.sleep(forTimeInterval: 0.2)
        }
        Issue.record("the server did not reload within 10 s")
    }
}

final class StatusBox: @unchecked Sendable {
    // Guarded by lock; concurrentPerform appends from several threads.
    private let lock = NSLock()
    private var items: [Int] = []
    func append(_ value: Int) { lock.lock(); items.append(value); lock.unlock() }
    var values: [Int] { lock.lock(); defer { lock.unlock() }; return items }
}

func SHA256HasherHex(_ bytes: [UInt8]) -> String { SHA256Hasher.hex(bytes) }
