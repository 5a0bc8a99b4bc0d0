import DepotModel
import DepotTestSupport
import Foundation
import Inspection
import Testing

/// The pass that hashes, copies and reports progress while the readers read.
@Suite("Single pass: hash, copy and progress")
struct SinglePassTests {
    /// Collects progress reports from the @Sendable callback.
    /// `@unchecked Sendable`: `values` is only touched under `lock`.
    final class Reports: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [(Int64, Int64)] = []
        func add(_ read: Int64, _ total: Int64) { lock.withLock { values.append((read, total)) } }
        var all: [(Int64, Int64)] { lock.withLock { values } }
    }

    @Test("copyTo receives exactly the installer's bytes; the hash is openssl's; progress ends at the total", arguments: ["tar", "zip", "7z", "bin"])
    func copyHashProgress(kind: String) throws {
        let f = try Fixtures()
        try f.dir.write("src/a.bin", Fixtures.noise(3 << 20, seed: 7))
        try f.dir.write("src/LICENSE", "MIT")
        switch kind {
        case "tar": try f.sh("cd src && tar -cf ../in.tar a.bin LICENSE")
        case "zip": try f.sh("cd src && zip -q -0 ../in.zip a.bin LICENSE")
        case "7z": try f.sh("cd src && 7zz a -bd -bso0 -mx=1 ../in.7z a.bin LICENSE")
        default: try f.dir.write("in.bin", Fixtures.noise(3 << 20, seed: 8))
        }
        let reports = Reports()
        let input = f.dir.file("in.\(kind)")
        let copy = f.dir.file("copy.blob")
        let facts = try Inspector().inspect(file: input, copyTo: copy) { reports.add($0, $1) }
        let original = try Data(contentsOf: input)
        #expect(try Data(contentsOf: copy) == original)
        #expect(facts.sha256 == (try f.opensslSHA256("in.\(kind)")))
        #expect(facts.size == Int64(original.count))
        let all = reports.all
        #expect(all.last.map { $0.0 == Int64(original.count) && $0.1 == Int64(original.count) } == true, "\(all)")
        #expect(zip(all, all.dropFirst()).allSatisfy { $0.0 <= $1.0 }, "progress went backwards: \(all)")
    }

    @Test("a damaged installer still ends up whole in the copy, and the error carries its hash")
    func copyOfDamagedInstaller() throws {
        let f = try Fixtures()
        try f.dir.write("src/a.bin", Fixtures.noise(2 << 20, seed: 3))
        try f.sh("cd src && zip -q ../good.zip a.bin")
        let good = try Data(contentsOf: f.dir.file("good.zip"))
        try f.dir.write("cut.zip", good.prefix(good.count / 3))
        let copy = f.dir.file("evidence.blob")
        let error = expectInspectionError("inspect.corrupt") {
            try Inspector().inspect(file: f.dir.file("cut.zip"), copyTo: copy)
        }
        #expect(error?.sha256 == (try f.opensslSHA256("cut.zip")))
        #expect(try Data(contentsOf: copy) == good.prefix(good.count / 3))
    }

    @Test("a copy target that cannot be created is inspect.copy-failed")
    func copyFailure() throws {
        let f = try Fixtures()
        try f.dir.write("a.txt", "text")
        let error = expectInspectionError("inspect.copy-failed") {
            try Inspector().inspect(file: f.dir.file("a.txt"), copyTo: f.dir.file("no/such/dir/blob"))
        }
        #expect(error?.message.contains("no/such/dir/blob") == true)
    }

    @Test("the facts encode every field, unknown ones as null")
    func json() throws {
        let f = try Fixtures()
        try f.dir.write("mystery.bin", Fixtures.noise(100))
        let facts = try f.inspect("mystery.bin")
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(facts)) as? [String: Any]
        for key in ["sha256", "size", "format", "installerType", "name", "version", "publisher", "platforms",
                    "architectures", "declaredLicence", "licenceFiles", "entryCount", "uncompressedSize", "warnings"] {
            #expect(object?.keys.contains(key) == true, "missing \(key)")
        }
        #expect(object?["name"] is NSNull)
    }
}
