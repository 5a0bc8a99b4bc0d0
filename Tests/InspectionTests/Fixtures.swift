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
