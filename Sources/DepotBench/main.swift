import Foundation

// `make bench`: Depot's speed as ratios against a reference run on the same input in the same run,
// so that a busy or slow machine moves both sides alike. Prints a table; never fails on a number.

struct Measurement {
    var seconds: Double
    var peakKiB: Int?
}

/// Runs a command `runs` times and keeps the fastest wall time (the least disturbed run), with peak RSS from GNU time.
func measure(_ argv: [String], runs: Int = 3, before: () -> Void = {}) -> Measurement {
    var best = Double.infinity
    var peak: Int?
    for _ in 0..<runs {
        before()
        let rssFile = FileManager.default.temporaryDirectory.appendingPathComponent("bench-rss-\(UUID().uuidString)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/time")
        process.arguments = ["-f", "%M", "-o", rssFile.path] + argv
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let start = Date()
        do { try process.run() } catch { fatalError("could not run \(argv[0]): \(error)") }
        process.waitUntilExit()
        let elapsed = Date().timeIntervalSince(start)
        if process.terminationStatus != 0 { fatalError("\(argv.joined(separator: " ")) failed with status \(process.terminationStatus)") }
        best = min(best, elapsed)
        if let text = try? String(contentsOf: rssFile, encoding: .utf8), let kib = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            peak = max(peak ?? 0, kib)
        }
        try? FileManager.default.removeItem(at: rssFile)
    }
    return Measurement(seconds: best, peakKiB: peak)
}

func shell(_ command: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    try! process.run()
    process.waitUntilExit()
    if process.terminationStatus != 0 { fatalError("fixture command failed: \(command)") }
}

struct Row {
    var name: String
    var ours: Measurement
    var reference: Measurement
    var target: Double
}

func printTable(_ title: String, _ rows: [Row]) {
    print("\n\(title)")
    let header = ["benchmark", "depot (s)", "openssl dgst (s)", "ratio", "target", "peak RSS (MiB)", ""]
    var lines = [header]
    for row in rows {
        let ratio = row.ours.seconds / row.reference.seconds
        lines.append([row.name, String(format: "%.2f", row.ours.seconds), String(format: "%.2f", row.reference.seconds),
                      String(format: "%.2f", ratio), String(format: "≤ %.1f", row.target),
                      row.ours.peakKiB.map { String(format: "%.0f", Double($0) / 1024) } ?? "?",
                      ratio <= row.target ? "ok" : "OVER TARGET"])
    }
    var widths = header.map(\.count)
    for line in lines { for (i, cell) in line.enumerated() { widths[i] = max(widths[i], cell.count) } }
    for line in lines {
        print(line.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  "))
    }
}

let binDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
let depot = binDir.appendingPathComponent("depot").path
let sizeMiB = Int(ProcessInfo.processInfo.environment["BENCH_MIB"] ?? "1024") ?? 1024
let work = URL(fileURLWithPath: ProcessInfo.processInfo.environment["BENCH_DIR"] ?? FileManager.default.temporaryDirectory.path)
    .appendingPathComponent("depot-bench-\(getpid())")
try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: work) }

print("Depot benchmarks (\(sizeMiB) MiB inputs; best of 3 wall-clock runs; ratios against openssl dgst -sha256 on the same file)")

// Intake (issue 3): a stored zip and a tar of incompressible data, so the archive readers see every byte.
let payload = work.appendingPathComponent("payload")
try FileManager.default.createDirectory(at: payload, withIntermediateDirectories: true)
let parts = 8
for i in 0..<parts {
    shell("head -c \(sizeMiB / parts)M /dev/urandom > '\(payload.path)/part\(i).bin'")
}
shell("printf 'MIT License\\n' > '\(payload.path)/LICENSE'")
let zip = work.appendingPathComponent("portable.zip").path
let tar = work.appendingPathComponent("bundle.tar").path
shell("cd '\(payload.path)' && zip -q -0 -r '\(zip)' . && tar cf '\(tar)' .")
try? FileManager.default.removeItem(at: payload)

let home = work.appendingPathComponent("home").path
shell("'\(depot)' init --home '\(home)' --no-catalog >/dev/null && '\(depot)' users add bench --role packager --home '\(home)' --as admin >/dev/null")

var rows: [Row] = []
for (label, file) in [("zip (stored)", zip), ("tar", tar)] {
    let reference = measure(["openssl", "dgst", "-sha256", file])
    let inspect = measure([depot, "inspect", file, "--quiet", "--json", "--home", home])
    rows.append(Row(name: "inspect \(label)", ours: inspect, reference: reference, target: 1.3))
    let submit = measure([depot, "submit", file, "--quiet", "--json", "--home", home, "--as", "bench", "--program", "bench", "--version", "1", "--publisher", "Bench"]) {
        // Each run stores afresh: drop the previous run's blob and submission by using a new home.
        shell("rm -rf '\(home)' && '\(depot)' init --home '\(home)' --no-catalog >/dev/null && '\(depot)' users add bench --role packager --home '\(home)' --as admin >/dev/null")
    }
    rows.append(Row(name: "submit \(label)", ours: submit, reference: reference, target: 1.6))
}
printTable("Intake: one pass over the installer (hash + read + store)", rows)
