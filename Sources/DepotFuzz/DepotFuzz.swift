import DepotFuzzing
import Foundation

// Built two ways. `make fuzz` builds with `-sanitize=fuzzer,address -DFUZZING`: libFuzzer supplies `main` and calls
// `LLVMFuzzerTestOneInput`, the target named by DEPOT_FUZZ_TARGET. A plain build (the one `make test` does) replays
// files instead: `DepotFuzz TARGET FILE...`, so a crasher can be rerun without the fuzzing toolchain.

#if FUZZING
nonisolated(unsafe) private var target: FuzzTarget?
nonisolated(unsafe) private var scratch: URL?

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<Int32>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

// SwiftPM links an executable with `main` bound to `DepotFuzz_main`; that entry hands control to libFuzzer's driver.
@_cdecl("DepotFuzz_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var vector = argv
    return LLVMFuzzerRunDriver(&count, &vector) { data, size in fuzzOne(data, size) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data else { return 0 }
    if target == nil {
        let name = ProcessInfo.processInfo.environment["DEPOT_FUZZ_TARGET"] ?? ""
        guard let chosen = FuzzTarget(rawValue: name) else {
            FileHandle.standardError.write(Data("DEPOT_FUZZ_TARGET must be one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))\n".utf8))
            exit(64)
        }
        target = chosen
        scratch = FuzzTarget.scratch()
    }
    target!.run(Array(UnsafeBufferPointer(start: data, count: size)), in: scratch!)
    return 0
}
#else
@main
struct DepotFuzzReplay {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name), arguments.count > 1 else {
            print("usage: DepotFuzz TARGET FILE...   (targets: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")))")
            exit(64)
        }
        let scratch = FuzzTarget.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        for path in arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                print("\(path): cannot be read")
                continue
            }
            let facts = target.run(Array(data), in: scratch)
            print("\(path): \(facts.map { "read as \($0.format)" } ?? "refused")")
        }
    }
}
#endif
