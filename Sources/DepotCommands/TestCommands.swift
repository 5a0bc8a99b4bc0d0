import ArgumentParser
import CatalogService
import DepotModel
import Foundation
import Sandbox

struct TestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Test a classified package: install it in the sandbox (--auto), or record a person's test.",
        subcommands: [TestRecordCommand.self, TestShowCommand.self],
        defaultSubcommand: TestRecordCommand.self)
}

struct TestRecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Run the automatic install test (--auto), or record a person's test: passed or failed, with notes and evidence.")

    @OptionGroup var home: HomeOptions
    @OptionGroup var actor: ActorOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The submission id.") var id: Int64
    @Flag(help: "Install, detect and uninstall the package silently in a disposable Wine prefix and record what happened.")
    var auto = false
    @Flag(help: "The package passed its test (a person's word).") var passed = false
    @Flag(help: "The package failed its test (a person's word).") var failed = false
    @Option(help: "What was tested and what was seen (required with --passed or --failed).") var notes: String?
    @Option(help: "A file to keep as evidence (a log, screenshots in an archive); stored by hash.") var evidence: String?

    func validate() throws {
        guard [auto, passed, failed].filter({ $0 }).count == 1 else {
            throw ValidationError("say --auto, --passed or --failed (exactly one)")
        }
        if !auto, notes == nil { throw ValidationError("--notes must say what was tested when you record --passed or --failed") }
        if auto, notes != nil || evidence != nil {
            throw ValidationError("--auto keeps its own evidence; leave --notes and --evidence away")
        }
    }

    func run() async throws {
        let service = try home.service()
        let user = try await actor.actor(service)
        if auto {
            let json = output.json
            let outcome = try await service.autoTest(submission: id, by: user) { step in
                if !json { FileHandle.standardError.write(Data("… \(SafeText.line(step, limit: 300))\n".utf8)) }
            }
            if json { return try Output.json(outcome) }
            TestReport.print(outcome)
            return
        }
        let view = try await service.recordTest(submission: id, passed: passed, notes: notes ?? "",
                                                evidence: evidence.map { URL(fileURLWithPath: $0) }, by: user)
        if output.json { return try Output.json(view) }
        print("Submission \(view.submission): \(view.program) \(view.version) \(view.passed ? "passed" : "failed") its test "
            + "(recorded by \(view.testedBy)); it is now \(view.state.rawValue).")
        if let sha = view.evidenceSha256 { print("Evidence \(view.evidence ?? "") stored as sha256 \(sha).") }
        if view.passed { print("Next: another person signs it with 'depot sign \(view.submission) --as SIGNER'.") }
    }
}

struct TestShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a submission's tests and what its latest automatic test observed.")

    @OptionGroup var home: HomeOptions
    @OptionGroup var actor: ActorOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The submission id.") var id: Int64

    struct Shown: Encodable {
        var tests: [TestView]
        var evidence: InstallTestEvidence?
    }

    func run() async throws {
        let service = try home.service()
        let user = try await actor.actor(service)
        let tests = try await service.tests(submission: id, by: user)
        let evidence = tests.contains { $0.mode == "auto" } ? try await service.testEvidence(submission: id, by: user) : nil
        if output.json { return try Output.json(Shown(tests: tests, evidence: evidence)) }
        guard !tests.isEmpty else {
            print("Submission \(id) has no tests yet; run 'depot test \(id) --auto' or record one with --passed/--failed.")
            return
        }
        Output.table(["TEST", "WHEN", "RESULT", "KIND"], tests.map { t in
            [String(t.id), t.testedAt, t.passed ? "passed" : (t.blocking ? "failed" : "failed (warning)"), SafeText.line(t.kind, limit: 120)]
        })
        if let evidence {
            print("")
            TestReport.print(evidence)
        }
    }
}

/// The human report of an automatic test.
enum TestReport {
    static func print(_ outcome: AutoTestView) {
        let t = outcome.test
        Swift.print("Submission \(t.submission): \(t.program) \(t.version) \(t.passed ? "passed" : "failed") its automatic install test; "
            + "it is now \(t.state.rawValue)." + (!t.passed && !t.blocking ? " (testing.yaml: a sandbox failure only warns)" : ""))
        print(outcome.evidence)
        if let c = outcome.reclassified {
            Swift.print("Reclassified as \(c.tier): \(c.reasons.filter { $0.hasSuffix("(observed during the install test)") }.joined(separator: "; "))")
        }
        if t.passed { Swift.print("Next: another person signs it with 'depot sign \(t.submission) --as SIGNER'.") }
    }

    static func print(_ e: InstallTestEvidence) {
        func line(_ text: String) { Swift.print(SafeText.line(text, limit: 400)) }
        line("Where: \(e.runner.summary); \(e.runner.isolation.joined(separator: "; "))")
        line("Install: \(e.install.command) → \(phase(e.install))")
        let c = e.installChanges
        line("Changes: \(c.filesAdded.count) file(s) added, \(c.registryKeysAdded.count) registry key(s) added, "
            + "\(c.services.count) service(s), \(c.autostarts.count) autostart(s), \(c.shortcuts.count) shortcut(s)")
        for entry in c.uninstallEntries {
            line("Add/Remove Programs: \(entry.displayName ?? "?") \(entry.displayVersion ?? "?") by \(entry.publisher ?? "?") [\(entry.view)]")
        }
        line("Detection rule: \(e.detectionRule?.summary ?? "none") — after install: \(e.detectedAfterInstall ? "holds" : "does not hold")"
            + (e.detectedAfterUninstall.map { ", after uninstall: \($0 ? "still holds" : "gone")" } ?? ""))
        if let u = e.uninstall { line("Uninstall: \(u.command) → \(phase(u))") }
        if !e.leftovers.files.isEmpty || !e.leftovers.registryKeys.isEmpty {
            line("Left behind: \(e.leftovers.files.count) file(s), \(e.leftovers.registryKeys.count) registry key(s)")
        }
        for reason in e.reasons { line("  - \(reason)") }
        for fact in e.complexity { line("  * \(fact)") }
        line("Result: \(e.passed ? "passed" : "failed") in \(String(format: "%.1f", e.seconds)) s")
    }

    static func phase(_ p: PhaseResult) -> String {
        if p.timedOut { return "killed at the limit after \(String(format: "%.1f", p.seconds)) s" }
        return "exit code \(p.exitCode.map(String.init) ?? "none") in \(String(format: "%.1f", p.seconds)) s"
            + (p.rebootRequested ? " (restart requested)" : "")
    }
}

struct RetestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retest",
        abstract: "Re-run the automatic install test of published packages and flag any that now fail.")

    @OptionGroup var home: HomeOptions
    @OptionGroup var actor: ActorOptions
    @OptionGroup var output: OutputOptions
    @Flag(help: "Re-test published packages (the only kind re-tested today).") var published = false
    @Option(help: "Only packages whose last automatic test is older than this, e.g. 14d (default: testing.yaml retestAfterDays).")
    var olderThan: String?

    func validate() throws {
        guard published else { throw ValidationError("say --published: the published packages are the ones re-tested") }
        if let olderThan, Self.days(olderThan) == nil {
            throw ValidationError("--older-than '\(olderThan)' is not a number of days such as 14d or 14")
        }
    }

    static func days(_ text: String) -> Int? {
        let digits = text.hasSuffix("d") ? String(text.dropLast()) : text
        return Int(digits).flatMap { $0 >= 0 && $0 <= 3650 ? $0 : nil }
    }

    func run() async throws {
        let service = try home.service()
        let json = output.json
        let results = try await service.retestPublished(olderThanDays: olderThan.flatMap(Self.days),
                                                        by: try await actor.actor(service)) { step in
            if !json { FileHandle.standardError.write(Data("… \(SafeText.line(step, limit: 300))\n".utf8)) }
        }
        if json { return try Output.json(results) }
        guard !results.isEmpty else { return print("No published package is due for a re-test.") }
        Output.table(["SUBMISSION", "PROGRAM", "VERSION", "RESULT"], results.map { r in
            [String(r.submission), r.program, r.version, r.passed ? "passed" : "FAILS NOW: " + SafeText.line(r.reasons.joined(separator: "; "), limit: 200)]
        })
        let failing = results.filter { !$0.passed }.count
        print(failing == 0 ? "All \(results.count) re-tested package(s) still pass."
                           : "\(failing) of \(results.count) re-tested package(s) now fail; see 'depot test show ID'.")
    }
}
