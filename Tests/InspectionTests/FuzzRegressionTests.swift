import DepotFuzzing
import DepotTestSupport
import Foundation
import Testing

/// Every input a fuzzer ever crashed or hung a reader with is kept under `FuzzRegressions/<target>/` and replayed
/// here through the same target the fuzzer ran; each must end in facts or a refusal. Structure-aware hostile shapes
/// from `scripts/fuzz-seeds.py` are replayed too, so the fuzz harness itself is exercised by `make test`.
@Suite("Fuzz regressions and hostile seeds")
struct FuzzRegressionTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("FuzzRegressions")

    @Test("every kept crasher is read or refused, never crashes", arguments: FuzzTarget.allCases)
    func keptCrashers(target: FuzzTarget) throws {
        let directory = Self.folder.appendingPathComponent(target.rawValue)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        let scratch = try TemporaryDirectory("fuzz-replay")
        for name in files.sorted() where !name.hasPrefix(".") {
            let data = try Data(contentsOf: directory.appendingPathComponent(name))
            _ = target.run(Array(data), in: scratch.url)
        }
    }

    @Test("the structure-aware seed generator's hostile shapes are read or refused")
    func generatedSeeds() throws {
        let scratch = try TemporaryDirectory("fuzz-seeds")
        let script = DepotBinary.packageRoot.appendingPathComponent("scripts/fuzz-seeds.py").path
        try Tools.require("python3", [script, "--hostile-only", scratch.url.appendingPathComponent("corpus").path])
        var replayed = 0
        for target in FuzzTarget.allCases {
            let directory = scratch.url.appendingPathComponent("corpus").appendingPathComponent(target.rawValue)
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted() {
                let data = try Data(contentsOf: directory.appendingPathComponent(name))
                _ = target.run(Array(data), in: scratch.url)
                replayed += 1
            }
        }
        #expect(replayed >= 10, "the generator should produce hostile shapes for several targets")
    }
}
