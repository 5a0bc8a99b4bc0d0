import DepotCrypto
import Foundation
import Licensing
import Lifecycle
import Sandbox
import Signing

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

/// Wall time of an in-process closure: best of `runs`.
func time(runs: Int = 3, _ body: () -> Void) -> Double {
    var best = Double.infinity
    for _ in 0..<runs {
        let start = Date()
        body()
        best = min(best, Date().timeIntervalSince(start))
    }
    return best
}

let only = ProcessInfo.processInfo.environment["BENCH_ONLY"]
func enabled(_ name: String) -> Bool { only == nil || only!.split(separator: ",").contains(Substring(name)) }

print("Depot benchmarks (\(sizeMiB) MiB inputs; best of 3 wall-clock runs; ratios against openssl dgst -sha256 on the same file)")

let home = work.appendingPathComponent("home").path
shell("'\(depot)' init --home '\(home)' --no-catalog >/dev/null && '\(depot)' users add bench --role packager --home '\(home)' --as admin >/dev/null")

if enabled("intake") {
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
// Submit writes the installer durably into the home; show what a durable copy alone costs on this disk.
let copyTarget = work.appendingPathComponent("copy-floor").path
let durableCopy = measure(["dd", "if=\(zip)", "of=\(copyTarget)", "bs=1M", "conv=fsync", "status=none"])
try? FileManager.default.removeItem(atPath: copyTarget)
if let submitZip = rows.first(where: { $0.name == "submit zip (stored)" }) {
    print(String(format: "floor: a durable copy of the zip (dd conv=fsync) takes %.2f s = %.2f× openssl dgst; submit is %.2f× that copy",
                 durableCopy.seconds, durableCopy.seconds / submitZip.reference.seconds, submitZip.ours.seconds / durableCopy.seconds))
}
}

if enabled("windows") {
// Windows installers (issue 4): a signed MSI with a large embedded cabinet and a signed executable with a large
// section, so the Authenticode digest covers every byte.
let windowsMiB = max(16, sizeMiB / 4)
let win = work.appendingPathComponent("windows")
try FileManager.default.createDirectory(at: win, withIntermediateDirectories: true)
shell("head -c \(windowsMiB)M /dev/urandom > '\(win.path)/payload.bin'")
try """
<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="*" Name="Bench Suite" Language="1033" Version="1.2.3.4" Manufacturer="Depot Bench" UpgradeCode="6F1C2A52-0B6D-4C1E-9E55-6B3F2D1A7C01">
    <Package InstallerVersion="200" Compressed="yes" Platform="x64" />
    <Media Id="1" Cabinet="payload.cab" EmbedCab="yes" />
    <Directory Id="TARGETDIR" Name="SourceDir">
      <Directory Id="ProgramFiles64Folder">
        <Directory Id="INSTALLDIR" Name="Bench">
          <Component Id="Payload" Guid="0E4C7E8A-2B7B-4A57-9E0F-3F2B6B1C9D11" Win64="yes">
            <File Id="PayloadFile" Source="payload.bin" KeyPath="yes" />
          </Component>
        </Directory>
      </Directory>
    </Directory>
    <Feature Id="Main" Level="1"><ComponentRef Id="Payload" /></Feature>
  </Product>
</Wix>
""".write(to: win.appendingPathComponent("bench.wxs"), atomically: true, encoding: .utf8)
try "int main(void) { return 0; }\n".write(to: win.appendingPathComponent("tool.c"), atomically: true, encoding: .utf8)
shell("""
cd '\(win.path)' && openssl req -x509 -newkey rsa:2048 -nodes -keyout sign.key -out sign.pem -days 2 -subj '/CN=Depot Bench Signer' 2>/dev/null \
 && wixl -a x64 -o bench.msi bench.wxs \
 && osslsigncode sign -certs sign.pem -key sign.key -in bench.msi -out bench-signed.msi >/dev/null \
 && x86_64-w64-mingw32-gcc -O1 -o tool.exe tool.c \
 && x86_64-w64-mingw32-objcopy --add-section .payload=payload.bin --set-section-flags .payload=contents,readonly,data tool.exe tool-big.exe \
 && osslsigncode sign -certs sign.pem -key sign.key -in tool-big.exe -out tool-signed.exe >/dev/null \
 && rm -f payload.bin bench.msi tool.exe tool-big.exe
""")
var windowsRows: [Row] = []
for (label, file) in [("signed MSI", win.appendingPathComponent("bench-signed.msi").path), ("signed exe", win.appendingPathComponent("tool-signed.exe").path)] {
    let reference = measure(["openssl", "dgst", "-sha256", file])
    let inspect = measure([depot, "inspect", file, "--quiet", "--json", "--home", home])
    // Authenticode needs a second digest over the signed content (for MSI, every stream in name order).
    windowsRows.append(Row(name: "inspect \(label)", ours: inspect, reference: reference, target: label.hasSuffix("MSI") ? 3.0 : 2.0))
}
printTable("Windows installers (\(windowsMiB) MiB): tables, version resource and the Authenticode digest", windowsRows)
}

if enabled("licences") {
    // Licence detection (issues 5 and 20). First a labelled corpus of real texts on this machine, labelled by their
    // metadata, not by the detector: Python distributions' licence files with their License-Expression, and the
    // stand-alone License paragraphs of Debian copyright files with the name their maintainer gave them.
    print("\nLicence detection")
    let loadStart = Date()
    // The detector's default library is the host's texts; ScanCode's licence data is measured beside it.
    if let library = try? LicenceLibrary.load() {
        let loadSeconds = Date().timeIntervalSince(loadStart)
        print(String(format: "library: %d reference texts, %d identifiers%@, loaded in %.2f s", library.references.count, library.identifiers.count,
                     library.dataVersion.map { ", ScanCode licence data \($0)" } ?? "", loadSeconds))
        if let note = library.note { print("note: \(note)") }
        let detector = LicenceDetector(library: library)
        var pythonFolders = ["/usr/lib/python3/dist-packages"]
        let pytools = URL(fileURLWithPath: ".build/pytools/lib")
        for python in ((try? FileManager.default.contentsOfDirectory(atPath: pytools.path)) ?? []).sorted() where python.hasPrefix("python3") {
            pythonFolders.append(pytools.appendingPathComponent(python).appendingPathComponent("site-packages").path)
        }
        let python = RealLicenceCorpus.pythonSamples(folders: pythonFolders)
        let debian = RealLicenceCorpus.debianSamples()
        let real = python + debian
        let score = RealLicenceCorpus.evaluate(detector, samples: real)
        print(String(format: "real texts: %d (%d Python licence files, %d Debian licence paragraphs): exact expression %.3f, precision %.3f (target ≥ 0.97), recall %.3f",
                     score.samples, python.count, debian.count, score.exactAccuracy, score.precision, score.recall))
        let dataStart = Date()
        if let withData = try? LicenceLibrary.loadDefault(), let version = withData.dataVersion {
            let loaded = Date().timeIntervalSince(dataStart)
            let dataScore = RealLicenceCorpus.evaluate(LicenceDetector(library: withData), samples: real)
            print(String(format: "with ScanCode's licence data %@ (%d texts, index loaded in %.2f s): exact expression %.3f, precision %.3f, recall %.3f, %.0f files/s",
                         version, withData.references.count, loaded, dataScore.exactAccuracy, dataScore.precision, dataScore.recall, dataScore.filesPerSecond))
        }
        if ProcessInfo.processInfo.environment["BENCH_VERBOSE"] != nil {
            for failure in score.failures { print("  miss: \(failure)") }
        } else {
            print("  (BENCH_VERBOSE=1 lists the \(score.failures.count) misses)")
        }
        // The same texts as files in a folder, read by the CLI in one process: files per second on a folder.
        let folder = work.appendingPathComponent("licence-corpus")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (index, sample) in real.enumerated() {
            try Data(sample.text.utf8).write(to: folder.appendingPathComponent(String(format: "%05d-LICENSE", index)))
        }
        let cli = measure([depot, "licence", "detect", folder.path, "--json"], runs: 2)
        let perSecond = Double(real.count) / max(cli.seconds, 1e-9)
        print(String(format: "folder of %d files through 'depot licence detect': %.2f s, %.0f files/s (index load included)", real.count, cli.seconds, perSecond))
        // ScanCode on the same folder, when it is installed (pip install scancode-toolkit 'pluggy<1.6').
        let scancodeCandidates = [".build/pytools/bin/scancode", "/usr/local/bin/scancode", "/usr/bin/scancode"]
        if let scancode = scancodeCandidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) {
            let output = work.appendingPathComponent("scancode.json").path
            let theirs = measure([scancode, "--license", "--json", output, "-n", "1", "--quiet", folder.path], runs: 1)
            let theirRate = Double(real.count) / max(theirs.seconds, 1e-9)
            print(String(format: "ScanCode on the same folder: %.1f s, %.1f files/s; Depot is %.1f× faster (target ≥ 20×)",
                         theirs.seconds, theirRate, perSecond / max(theirRate, 1e-9)))
            if let data = FileManager.default.contents(atPath: output),
               let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let files = json["files"] as? [[String: Any]] {
                var exact = 0
                for file in files {
                    guard let path = file["path"] as? String, let name = path.split(separator: "/").last,
                          let index = Int(name.prefix(5)), index < real.count else { continue }
                    let spdx = (file["detected_license_expression_spdx"] as? String) ?? ""
                    let parsed = try? SPDXExpressionParser(list: LicenceStatementReader.installedList, allowUnknownIdentifiers: true).parse(spdx)
                    if parsed?.description == real[index].expected.description { exact += 1 }
                }
                print(String(format: "ScanCode exact expression on the same texts: %.3f (Depot %.3f)", Double(exact) / Double(max(1, real.count)), score.exactAccuracy))
            }
        } else {
            print("ScanCode is not installed: '.build/pytools/bin/pip install scancode-toolkit \"pluggy<1.6\"' adds the comparison")
        }

        // Then the generated corpus: the reference texts with the changes real files have (not a measure of accuracy
        // on new texts: it is drawn from the library itself), for speed against SHA-256.
        let samples = LicenceCorpus.generate(seed: 42, library: library, unrelated: LicenceCorpus.unrelatedDocuments())
        let generated = LicenceCorpus.evaluate(detector, samples: samples)
        var bytes: [UInt8] = []
        for sample in samples { bytes += Array(sample.text.utf8) }
        let hashing = time { _ = SHA256Hasher.hex(bytes) }
        print(String(format: "generated variants of the reference texts: %d files, precision %.4f, recall %.4f, confident on unrelated text %d (target 0)",
                     generated.samples, generated.precision, generated.recall, generated.confidentOnNonLicence))
        print(String(format: "%.0f files/s on one core; %.1f× the time of SHA-256 over the same %.1f MB",
                     generated.filesPerSecond, generated.seconds / max(hashing, 1e-9), Double(bytes.count) / 1e6))
    } else {
        print("skipped: no reference licence texts installed (run make deps)")
    }
}

if enabled("lifecycle") {
    // Currency report + prune plan (issue 8): 10,000 and 100,000 versions, to show growth is linear.
    print("\nLifecycle: currency report + prune plan over generated catalogs")
    let small = LifecycleBenchmark.generateCatalog(programs: 1_000, versionsPerProgram: 10, seed: 7)
    let large = LifecycleBenchmark.generateCatalog(programs: 10_000, versionsPerProgram: 10, seed: 7)
    let tSmall = time { _ = LifecycleBenchmark.run(small) }
    let tLarge = time { _ = LifecycleBenchmark.run(large) }
    print(String(format: "10,000 versions: %.3f s; 100,000 versions of 10,000 programs: %.3f s (target < 1 s); growth ×%.1f for ×10 input (linear = 10)",
                 tSmall, tLarge, tLarge / max(tSmall, 1e-9)))
}

if enabled("signing") {
    // Publication (issue 7): a catalog of 10,000 signed versions written as a tree and checked as a client would,
    // against openssl dgst -sha256 over the same catalog.json.
    let count = Int(ProcessInfo.processInfo.environment["BENCH_VERSIONS"] ?? "10000") ?? 10_000
    print("\nSigning: publish and verify a catalog of \(count) versions (library, one core)")
    let signingDir = work.appendingPathComponent("signing")
    let blobDir = signingDir.appendingPathComponent("blobs")
    try FileManager.default.createDirectory(at: blobDir, withIntermediateDirectories: true)
    let store = KeyStore(directory: signingDir.appendingPathComponent("keys"))
    try store.initialise(validity: KeyValidity(), now: Date())
    let signer = try store.signer(for: .catalog)
    let root = try store.rootCertificate()
    var entries: [(blob: URL, signature: [UInt8], package: PublishedPackage)] = []
    for i in 0..<count {
        let bytes = Array("package \(i) of the benchmark catalog\n".utf8)
        let sha256 = SHA256Hasher.hex(bytes)
        let blob = blobDir.appendingPathComponent(sha256)
        try Data(bytes).write(to: blob)
        let package = PublishedPackage(program: "program-\(i / 10)", version: "1.\(i % 10).0", sha256: sha256, size: Int64(bytes.count),
                                       licence: "MIT", scope: "both", platforms: ["windows"], tier: "simple")
        entries.append((blob, try PackageSignature.sign(bytes: bytes, with: signer), package))
    }
    let tree = signingDir.appendingPathComponent("tree")
    let writer = PublicationWriter(directory: tree, signer: signer, root: root)
    var version = 0
    let publishFresh = time(runs: 1) {
        try? FileManager.default.removeItem(at: tree)
        for entry in entries { try! writer.addPackage(blob: entry.blob, signature: entry.signature, entry: entry.package) }
        version += 1
        try! writer.writeCatalog(packages: entries.map(\.package), version: version, issued: Date(), expires: Date().addingTimeInterval(86_400))
    }
    let publishAgain = time {
        for entry in entries { try! writer.addPackage(blob: entry.blob, signature: entry.signature, entry: entry.package) }
        version += 1
        try! writer.writeCatalog(packages: entries.map(\.package), version: version, issued: Date(), expires: Date().addingTimeInterval(86_400))
    }
    let signCatalog = time {
        version += 1
        try! writer.writeCatalog(packages: entries.map(\.package), version: version, issued: Date(), expires: Date().addingTimeInterval(86_400))
    }
    let catalogFile = tree.appendingPathComponent("catalog.json")
    let catalogBytes = (try? Data(contentsOf: catalogFile))?.count ?? 0
    let verifier = PublicationVerifier(root: root)
    let verifyAll = time { _ = try! verifier.verify(directory: tree, now: Date()) }
    let verifyHashes = time { _ = try! PublicationVerifier(root: root, checkPackageSignatures: false).verify(directory: tree, now: Date()) }
    let reference = measure(["openssl", "dgst", "-sha256", catalogFile.path]).seconds
    print(String(format: "catalog.json: %.1f MB; openssl dgst -sha256 over it: %.3f s (process included)", Double(catalogBytes) / 1e6, reference))
    let copyTarget = signingDir.appendingPathComponent("cp-floor").path
    let plainCopy = measure(["cp", "-r", blobDir.path, copyTarget], runs: 1).seconds
    try? FileManager.default.removeItem(atPath: copyTarget)
    print(String(format: "publish (copy %d packages + signatures, sign catalog): %.3f s = %.1f× openssl dgst; "
        + "floor on this disk: cp -r of the %d package files alone takes %.3f s", count, publishFresh, publishFresh / reference, count, plainCopy))
    print(String(format: "publish again, packages already in the tree (checked, not copied): %.3f s = %.1f× openssl dgst", publishAgain, publishAgain / reference))
    print(String(format: "re-sign catalog.json (publish --refresh): %.3f s = %.1f× openssl dgst", signCatalog, signCatalog / reference))
    print(String(format: "verify-publication, hashes and lengths: %.3f s = %.1f×; with every package's CMS signature: %.3f s = %.1f×",
                 verifyHashes, verifyHashes / reference, verifyAll, verifyAll / reference))
}

if enabled("edu") {
    // The edu server (issue 9): wrk on loopback against `depot edu serve` and nginx serving the same 2,000-app
    // whitelist file, conditional GET (304) and full GET. Target: 304s ≥ 20,000 req/s and ≥ 0.5× nginx.
    let seconds = Int(ProcessInfo.processInfo.environment["BENCH_EDU_SECONDS"] ?? "60") ?? 60
    let apps = 2_000
    print("\nEdu server: wrk -t2 -c64 -d\(seconds)s on loopback, a \(apps)-app whitelist, against nginx on the same file")
    let eduDir = work.appendingPathComponent("edu")
    let published = eduDir.appendingPathComponent("published")
    try FileManager.default.createDirectory(at: published.appendingPathComponent("schools/bench"), withIntermediateDirectories: true)
    let store = KeyStore(directory: eduDir.appendingPathComponent("keys"))
    try store.initialise(validity: KeyValidity(), now: Date().addingTimeInterval(-3600))
    let signer = try store.signer(for: .edu)
    try FileManager.default.copyItem(at: store.rootCertificateURL, to: published.appendingPathComponent("root.pem"))
    let issued = Date().addingTimeInterval(-60), expires = Date().addingTimeInterval(86_400)
    func app(_ i: Int) -> JSONValue {
        let sha = SHA256Hasher.hex("edu bench app \(i)")
        return .object([
            "program": .string("app-\(i)"), "name": .string("Bench app \(i)"), "version": .string("1.\(i % 50).0"),
            "sha256": .string(sha), "size": .integer(Int64(1_000_000 + i)), "downloadPath": .string("packages/\(sha)"),
            "platforms": .array([.string("windows")]), "installerType": .string("msi"), "silentSwitch": .string("/qn"),
            "publisher": .string("Publisher \(i % 97) AB"), "productName": .string("Bench app \(i)"), "licence": .string("MIT"),
            "licenceScope": .string("edu"), "needsSeat": .bool(i % 10 == 0), "seatsAvailable": .integer(100),
            "category": .string("education"), "channel": .string("central"), "delivery": .string("self-install"),
        ])
    }
    let whitelist: [String: JSONValue] = [
        "format": .integer(1), "kind": .string("school"), "tier": .string("standard"), "school": .string("bench"),
        "schoolName": .string("Bench skola"), "selfInstall": .bool(true), "fastChannel": .bool(false),
        "updateCadence": .string("weekly"), "apps": .array((0..<apps).map(app)), "collectedThrough": .object([:]),
    ]
    let whitelistBytes = try SignedDocument.sign(payload: whitelist, type: "depot.edu.whitelist", version: 1, issued: issued,
                                                 expires: expires, with: signer)
    try Data(whitelistBytes).write(to: published.appendingPathComponent("schools/bench/whitelist.json"))
    let index: [String: JSONValue] = [
        "schools": .array([.object(["id": .string("bench"), "name": .string("Bench skola"), "tier": .string("standard")])]),
        "tiers": .array([.string("standard")]),
    ]
    try Data(try SignedDocument.sign(payload: index, type: "depot.edu.index", version: 1, issued: issued, expires: expires,
                                     with: signer)).write(to: published.appendingPathComponent("index.json"))
    let www = eduDir.appendingPathComponent("www/edu/v1/schools/bench")
    try FileManager.default.createDirectory(at: www, withIntermediateDirectories: true)
    try Data(whitelistBytes).write(to: www.appendingPathComponent("whitelist"))
    print(String(format: "whitelist: %.2f MB signed JSON", Double(whitelistBytes.count) / 1e6))

    /// Starts a process and waits for `marker` in its output; returns the process and the rest of that line.
    func start(_ argv: [String], marker: String?, log: URL) -> Process {
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        process.standardOutput = try! FileHandle(forWritingTo: log)
        process.standardError = try! FileHandle(forWritingTo: log)
        process.standardInput = FileHandle.nullDevice
        try! process.run()
        Thread.sleep(forTimeInterval: 0.5)
        return process
    }
    func waitFor(_ marker: String, in log: URL) -> String {
        for _ in 0..<200 {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: marker) { return text[range.upperBound...].split(separator: "\n").first.map(String.init) ?? "" }
            Thread.sleep(forTimeInterval: 0.05)
        }
        fatalError("no '\(marker)' in \(log.path): \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
    }
    func capture(_ argv: [String]) -> String {
        let out = eduDir.appendingPathComponent("capture-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = argv
        process.standardOutput = try! FileHandle(forWritingTo: out)
        process.standardError = FileHandle.nullDevice
        try! process.run()
        process.waitUntilExit()
        return (try? String(contentsOf: out, encoding: .utf8)) ?? ""
    }

    let eduLog = eduDir.appendingPathComponent("edu.log")
    let eduServer = start([depot, "edu", "serve", "--from", published.path, "--state", eduDir.appendingPathComponent("state").path,
                           "--port", "0"], marker: nil, log: eduLog)
    let eduBase = waitFor("listening on ", in: eduLog)
    let nginxPort = 20_000 + Int(getpid() % 20_000)
    let nginxDir = eduDir.appendingPathComponent("nginx")
    try FileManager.default.createDirectory(at: nginxDir, withIntermediateDirectories: true)
    let conf = """
        worker_processes auto;
        daemon off;
        pid \(nginxDir.path)/nginx.pid;
        error_log \(nginxDir.path)/error.log;
        events { worker_connections 4096; }
        http {
            access_log off;
            etag on;
            default_type application/json;
            client_body_temp_path \(nginxDir.path)/body;
            proxy_temp_path \(nginxDir.path)/proxy;
            fastcgi_temp_path \(nginxDir.path)/fastcgi;
            uwsgi_temp_path \(nginxDir.path)/uwsgi;
            scgi_temp_path \(nginxDir.path)/scgi;
            server { listen 127.0.0.1:\(nginxPort); root \(eduDir.path)/www; }
        }
        """
    try conf.write(to: nginxDir.appendingPathComponent("nginx.conf"), atomically: true, encoding: .utf8)
    let nginxBinary = ["/usr/sbin/nginx", "/usr/local/sbin/nginx"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "nginx"
    let nginx = start([nginxBinary, "-p", nginxDir.path, "-e", "\(nginxDir.path)/error.log", "-c", nginxDir.appendingPathComponent("nginx.conf").path],
                      marker: nil, log: nginxDir.appendingPathComponent("stdout.log"))
    let nginxBase = "http://127.0.0.1:\(nginxPort)"
    defer {
        kill(eduServer.processIdentifier, SIGKILL)
        kill(nginx.processIdentifier, SIGQUIT)
        nginx.waitUntilExit()
    }

    func etag(_ url: String) -> String {
        let headers = capture(["curl", "-sS", "-D", "-", "-o", "/dev/null", url])
        for line in headers.split(separator: "\r\n") where line.lowercased().hasPrefix("etag:") {
            return line.dropFirst(5).trimmingCharacters(in: .whitespaces)
        }
        fatalError("no ETag from \(url): \(headers)")
    }
    struct WrkResult { var rate: Double; var errors: Int; var requests: Int }
    func wrk(_ url: String, headers: [String]) -> WrkResult {
        var argv = ["wrk", "-t2", "-c64", "-d\(seconds)s"]
        for header in headers { argv += ["-H", header] }
        let text = capture(argv + [url])
        var result = WrkResult(rate: 0, errors: 0, requests: 0)
        for line in text.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if line.hasPrefix("Requests/sec:") { result.rate = Double(line.dropFirst(13).trimmingCharacters(in: .whitespaces)) ?? 0 }
            if line.hasPrefix("Non-2xx or 3xx responses:") { result.errors += Int(line.split(separator: ":").last!.trimmingCharacters(in: .whitespaces)) ?? 0 }
            if line.hasPrefix("Socket errors:") {
                result.errors += line.split(separator: ",").compactMap { Int($0.split(separator: " ").last ?? "") }.reduce(0, +)
            }
            if line.contains("requests in") { result.requests = Int(line.split(separator: " ").first ?? "") ?? 0 }
        }
        if result.rate == 0 { print("wrk said: \(text)") }
        return result
    }
    let path = "/edu/v1/schools/bench/whitelist"
    let eduTag = etag(eduBase + path), nginxTag = etag(nginxBase + path)
    var rows: [[String]] = [["request", "depot edu (req/s)", "nginx (req/s)", "ratio", "errors (edu/nginx)", "target", ""]]
    for (name, eduHeaders, nginxHeaders, target) in [
        ("304 If-None-Match", ["If-None-Match: \(eduTag)"], ["If-None-Match: \(nginxTag)"], 20_000.0),
        ("full GET", [String](), [String](), 0.0),
    ] {
        let ours = wrk(eduBase + path, headers: eduHeaders)
        let reference = wrk(nginxBase + path, headers: nginxHeaders)
        let ratio = ours.rate / max(reference.rate, 1)
        let ok = ours.errors == 0 && ratio >= 0.5 && ours.rate >= target
        rows.append([name, String(format: "%.0f", ours.rate), String(format: "%.0f", reference.rate), String(format: "%.2f", ratio),
                     "\(ours.errors)/\(reference.errors)", target > 0 ? "≥ 20000 and ≥ 0.5×" : "≥ 0.5×", ok ? "ok" : "BELOW TARGET"])
    }
    var widths = rows[0].map(\.count)
    for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
    for row in rows { print(row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")) }
}

if enabled("sandbox") {
// Install tests (issue 17): a whole sandbox test (overlay on the template, install, snapshot, detection, uninstall,
// snapshot, verdict) against the same silent install run directly in an already prepared prefix.
let box = work.appendingPathComponent("sandbox")
try FileManager.default.createDirectory(at: box, withIntermediateDirectories: true)
shell("""
cd '\(box.path)' && printf 'hello\\n' > app.txt && cat > bench.wxs <<'WXS'
<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="*" Name="Bench MSI" Language="1033" Version="1.0.0" Manufacturer="Bench" UpgradeCode="7A1C2B3D-1111-4222-8333-944455566677">
    <Package InstallerVersion="200" Compressed="yes" InstallScope="perMachine" />
    <Media Id="1" Cabinet="p.cab" EmbedCab="yes" />
    <Directory Id="TARGETDIR" Name="SourceDir"><Directory Id="ProgramFilesFolder"><Directory Id="INSTALLDIR" Name="BenchMSI">
      <Component Id="Main" Guid="7A1C2B3D-2222-4222-8333-944455566677"><File Id="App" Name="app.txt" Source="app.txt" KeyPath="yes" /></Component>
    </Directory></Directory></Directory>
    <Feature Id="Main" Level="1"><ComponentRef Id="Main" /></Feature>
  </Product>
</Wix>
WXS
wixl -a x86 -o bench.msi bench.wxs && cat > bench.nsi <<'NSI'
Name "BenchNSIS"
OutFile "bench-setup.exe"
InstallDir "$PROGRAMFILES\\BenchNSIS"
RequestExecutionLevel admin
Section
  SetOutPath $INSTDIR
  File app.txt
  WriteUninstaller "$INSTDIR\\uninstall.exe"
  WriteRegStr HKLM "Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\BenchNSIS" "DisplayName" "BenchNSIS"
  WriteRegStr HKLM "Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\BenchNSIS" "DisplayVersion" "1.0.0"
  WriteRegStr HKLM "Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\BenchNSIS" "UninstallString" '"$INSTDIR\\uninstall.exe"'
SectionEnd
Section "Uninstall"
  Delete "$INSTDIR\\app.txt"
  Delete "$INSTDIR\\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKLM "Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\BenchNSIS"
SectionEnd
NSI
makensis -V1 bench.nsi
""")
let templates = URL(fileURLWithPath: ProcessInfo.processInfo.environment["DEPOT_WINE_TEMPLATES"]
    ?? box.appendingPathComponent("templates").path)
let runner = try WineRunner(directory: box.appendingPathComponent("runs"), templates: templates)
let templateStart = Date()
let info = try await runner.describe()
let templateSeconds = Date().timeIntervalSince(templateStart)
print("\nInstall tests in Wine (\(info.version); template \(info.template) ready in \(String(format: "%.1f", templateSeconds)) s, "
    + "made once and reused)")
print("isolation: \(info.isolation.joined(separator: "; "))")

// The reference: the same silent install, directly, in a prefix prepared once (a copy of the template).
let prepared = box.appendingPathComponent("prepared").path
shell("cp -a '\(runner.templates.path)/\(info.template)' '\(prepared)' && rm -f '\(prepared)/.depot-template-ready' "
    + "&& cp '\(box.path)/bench.msi' '\(box.path)/bench-setup.exe' '\(prepared)/drive_c/'")
let env = "WINEPREFIX='\(prepared)' WINEDEBUG=-all WINEDLLOVERRIDES='mscoree,mshtml=;winemenubuilder.exe=d'"
let wine = runner.wine, wineserver = runner.wineserver
var rows: [[String]] = [["installer", "sandbox test (s)", "tests/min", "direct install (s)", "ratio", "target", ""]]
for (label, file, type, direct, undo) in [
    ("wixl MSI", "bench.msi", "msi", "'\(wine)' msiexec /i 'C:\\\\bench.msi' /qn", "'\(wine)' msiexec /x 'C:\\\\bench.msi' /qn"),
    ("NSIS exe", "bench-setup.exe", "nsis", "'\(wine)' 'C:\\\\bench-setup.exe' /S",
     "'\(wine)' 'C:\\\\Program Files (x86)\\\\BenchNSIS\\\\uninstall.exe' /S"),
] {
    let job = InstallTestJob(installer: box.appendingPathComponent(file), fileName: file, installerType: type,
                             expectedVersion: "1.0.0", timeoutSeconds: 300)
    var best = Double.infinity
    var passed = true
    for _ in 0..<3 {
        let start = Date()
        let evidence = try await runner.run(job) { _ in }
        best = min(best, Date().timeIntervalSince(start))
        passed = passed && evidence.passed
        if !evidence.passed { print("\(label): the sandbox test failed: \(evidence.reasons)") }
    }
    let reference = measure(["/bin/sh", "-c", "\(env) \(direct) && \(env) '\(wineserver)' -w"]) {
        shell("\(env) \(undo) >/dev/null 2>&1; \(env) '\(wineserver)' -w")
    }
    let ratio = best / reference.seconds
    let ok = passed && ratio <= 3 && (type != "msi" || best < 10)
    rows.append([label, String(format: "%.2f", best), String(format: "%.1f", 60 / best), String(format: "%.2f", reference.seconds),
                 String(format: "%.2f", ratio), type == "msi" ? "≤ 3× and < 10 s" : "≤ 3×", ok ? "ok" : "OVER TARGET"])
}
var widths = rows[0].map(\.count)
for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
for row in rows { print(row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")) }
print("(a sandbox test installs, snapshots, uninstalls and snapshots again; the direct run only installs)")
}
