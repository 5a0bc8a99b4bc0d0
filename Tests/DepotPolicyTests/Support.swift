import DepotPolicy
import DepotTestSupport
import Foundation
import Testing

/// The repository's own `Policies/`, found from this file so tests run from any directory.
let repositoryPolicies = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Policies", isDirectory: true)

/// The problem lines a policy text produces, or an empty list when it loads.
func problems<P: PolicyDocument>(_ type: P.Type, _ yaml: String, file: String = "Policies/\(P.fileName)") -> [String] {
    do {
        _ = try P.parse(yaml: yaml, file: file)
        return []
    } catch let error as PolicyError {
        return error.problems.map(\.description)
    } catch {
        return ["unexpected error: \(error)"]
    }
}

/// A copy of the repository's policies in a fresh `Policies/` folder, for tests that break one file.
/// File by file, reading bytes: copying the folder itself would copy a symlink, and the edits would
/// land in the repository.
func copyOfPolicies(_ temp: TemporaryDirectory) throws -> URL {
    let target = temp.url.appendingPathComponent("Policies", isDirectory: true)
    try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
    for name in try FileManager.default.contentsOfDirectory(atPath: repositoryPolicies.path) {
        let data = try Data(contentsOf: repositoryPolicies.appendingPathComponent(name))
        try data.write(to: target.appendingPathComponent(name))
    }
    return target
}

/// Replaces exactly one occurrence of `old` in a policy file; fails the test when it is not there once.
func edit(_ folder: URL, _ name: String, replacing old: String, with new: String) throws {
    let url = folder.appendingPathComponent(name)
    let text = try String(contentsOf: url, encoding: .utf8)
    #expect(text.components(separatedBy: old).count == 2, "'\(old)' should occur once in \(name)")
    try text.replacingOccurrences(of: old, with: new).write(to: url, atomically: true, encoding: .utf8)
}

/// The 1-based line of the first line containing `needle` in a policy file.
func lineNumber(of needle: String, in folder: URL, _ name: String) throws -> Int {
    let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
    let lines = text.components(separatedBy: "\n")
    return try #require(lines.firstIndex { $0.contains(needle) }) + 1
}

/// The problems `PolicySet.load` reports for a directory.
func loadProblems(_ folder: URL) -> [String] {
    do {
        _ = try PolicySet.load(from: folder)
        return []
    } catch let error as PolicyError {
        return error.problems.map(\.description)
    } catch {
        return ["unexpected error: \(error)"]
    }
}
