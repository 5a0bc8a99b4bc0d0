import ArgumentParser
import CatalogService
import DepotModel
import Foundation
import Licensing

struct LicenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "licence", abstract: "Identify licences.", subcommands: [Detect.self])

    struct Detect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Name the licences (SPDX) in a text file, a folder or an installer, and flag clauses a reviewer must read.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "A licence text, a folder, or an installer.")
        var path: String

        func run() async throws {
            // Read-only: no depot home is opened or created; policies only set the intake limits for installers.
            let report = try CatalogService.detectLicences(at: URL(fileURLWithPath: path), policies: home.policyDirectory)
            if let note = CatalogService.licenceLibraryNote {
                FileHandle.standardError.write(Data("note: \(note)\n".utf8))
            }
            if output.json { return try Output.json(report) }
            print("expression  \(report.expression?.description ?? "(no licence found)")")
            if report.files.count > 1 {
                for f in report.files where f.expression != nil {
                    print("file        \(f.file)  \(f.expression?.description ?? "-")\(f.unknown > 0 ? "  (\(f.unknown) unknown)" : "")")
                }
            }
            for m in report.matches {
                let how = m.rule.map { " (\($0.rawValue))" } ?? ""
                let nearest = m.nearest.map { "  nearest \($0)" } ?? ""
                print(String(format: "match       %@%@  %@ lines %d–%d  coverage %.0f%%  confidence %.0f%%%@",
                             m.id, how, m.file, m.startLine, m.endLine, m.coverage * 100, m.confidence * 100, nearest))
            }
            for c in report.clauses { print("clause      \(c.kind.rawValue)  \(c.file):\(c.line)  \(c.text)") }
        }
    }
}

struct ReviewsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reviews", abstract: "The licence review queue, by submission number.",
        subcommands: [List.self, Show.self, Text.self, Decide.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List licence reviews, newest first.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions
        @Flag(help: "Only reviews awaiting a decision.")
        var pending = false

        func run() async throws {
            let service = try home.service()
            let reviews = try await service.licenceReviews(pending: pending, by: try await actor.reader(service))
            if output.json { return try Output.json(reviews) }
            let rows: [[String]] = reviews.map { r in
                let decision = r.decision.map { $0 + (r.scope.map { " " + $0 } ?? "") } ?? "pending"
                return [String(r.id), r.program, r.version, r.expression ?? r.declared ?? "?", r.admin.outcome, r.edu.outcome,
                        decision, r.submitter ?? "-"]
            }
            Output.table(["SUBMISSION", "PROGRAM", "VERSION", "LICENCE", "ADMIN", "EDU", "DECISION", "SUBMITTER"], rows)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a licence review: what was read, what policy says, flagged clauses.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The submission number (its licence review has the same number).") var id: Int64

        func run() async throws {
            let service = try home.service()
            let r = try await service.licenceReview(id: id, by: try await actor.reader(service))
            if output.json { return try Output.json(r) }
            print("Licence review of submission \(r.id): \(r.program) \(r.version) (\(r.state.rawValue)), submitted by \(r.submitter ?? "-")")
            print("declared    \(r.declared ?? "-")\(r.reading.map { " (\($0))" } ?? "")")
            if let note = r.note { print("note        \(note)") }
            print("expression  \(r.expression ?? "-") (detected)")
            if let concluded = r.concluded { print("concluded   \(concluded) (by the reviewer)") }
            print("admin       \(r.admin.outcome): \(r.admin.reasons.joined(separator: "; "))")
            print("edu         \(r.edu.outcome): \(r.edu.reasons.joined(separator: "; "))")
            if r.needsSeats { print("seats       licensed per seat: installs count against entitlements") }
            for m in r.matches { print("match       \(m.id) in \(m.file) lines \(m.startLine)–\(m.endLine)") }
            for c in r.clauses { print("clause      \(c.kind.rawValue) \(c.file):\(c.line): \(c.text)") }
            for t in r.texts { print("text        \(t.path) (\(t.lines) lines): depot reviews text \(r.id) --file '\(t.path)'") }
            if let decision = r.decision {
                print("decision    \(decision)\(r.scope.map { " for \($0)" } ?? "") by \(r.decidedBy ?? "?") at \(r.decidedAt ?? "?"): \(r.reason ?? "")")
            }
        }
    }

    struct Text: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the licence texts found in a submission's package; lines the detector matched are marked with the licence.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The submission number (its licence review has the same number).") var id: Int64
        @Option(help: "Only the text at this path in the package.") var file: String?

        func run() async throws {
            let service = try home.service()
            var texts = try await service.licenceTexts(review: id, by: try await actor.actor(service))
            if let file {
                texts = texts.filter { $0.path == file }
                guard !texts.isEmpty else {
                    throw DepotFailure(.notFound, code: "review.text-unknown",
                        "submission \(id) has no licence text at '\(SafeText.line(file))'; 'depot reviews show \(id)' lists them")
                }
            }
            if output.json { return try Output.json(texts) }
            if texts.isEmpty { print("Submission \(id): no licence texts were found in the package; read the publisher's terms.") }
            for text in texts {
                print("== \(SafeText.line(text.path)) (sha256 \(text.sha256.prefix(12))…)")
                for (offset, line) in text.text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    let number = offset + 1
                    let hits = text.matches.filter { $0.startLine <= number && number <= $0.endLine }.map(\.id)
                        + text.clauses.filter { $0.line == number }.map { "clause:" + $0.kind.rawValue }
                    let mark = hits.isEmpty ? "" : "[" + hits.joined(separator: ",") + "]"
                    print(String(format: "%5d %@ ", number, mark.padding(toLength: max(mark.count, 1), withPad: " ", startingAt: 0))
                        + SafeText.line(String(line), limit: 400))
                }
            }
        }
    }

    struct Decide: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve a licence for admin, edu or both, or reject it; the submitter cannot decide their own.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The submission number, as 'depot reviews list' and 'depot submissions list' show it (its licence review has the same number).") var id: Int64
        @Flag(help: "Approve the licence.") var approve = false
        @Flag(help: "Reject the licence.") var reject = false
        @Option(help: "Where the program may be used: admin, edu or both.") var scope: String?
        @Option(help: "A condition of use; repeat for several.") var condition: [String] = []
        @Option(help: "Why: shown to the packager and kept in the audit log.") var reason: String
        @Option(help: "The SPDX licence expression you conclude from the texts, when the detected one is missing or wrong; both are kept.")
        var licence: String?

        func validate() throws {
            guard approve != reject else { throw ValidationError("say --approve or --reject (exactly one)") }
        }

        func run() async throws {
            let service = try home.service()
            let scope = try self.scope.map { try LicenceScope(userInput: $0) }
            let decision = LicenceDecision(approve: approve, scope: scope, conditions: condition, reason: reason, licence: licence)
            let r = try await service.decideLicence(review: id, decision, by: try await actor.actor(service))
            if output.json { return try Output.json(r) }
            print("\(r.program) \(r.version): licence \(r.decision ?? "?")\(r.scope.map { " for \($0)" } ?? ""); now \(r.state.rawValue).")
        }
    }
}

struct LicencesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "licences", abstract: "Seats the city owns for per-seat licences, and their use.", subcommands: [Add.self, Usage.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record seats owned for a program.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The program id.") var program: String
        @Option(help: "How many seats.") var seats: Int
        @Option(name: .customLong("cost-ref"), help: "Who paid: ADMIN:IKB or ref:TEXT.") var costRef: String?
        @Option(help: "The last day the seats are valid (YYYY-MM-DD).") var expires: String?

        func run() async throws {
            let service = try home.service()
            let usage = try await service.addEntitlement(program: program, seats: seats, costReference: costRef, expires: expires,
                                                         by: try await actor.actor(service))
            if output.json { return try Output.json(usage) }
            print("\(usage.program): \(usage.owned) seats owned, \(usage.used) used, \(usage.available) left.")
        }
    }

    struct Usage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Seats owned, used and left per program.")
        @OptionGroup var home: HomeOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let service = try home.service()
            let usage = try await service.seatUsage(by: try await actor.reader(service))
            if output.json { return try Output.json(usage) }
            Output.table(["PROGRAM", "OWNED", "USED", "LEFT"], usage.map { [$0.program, String($0.owned), String($0.used), String($0.available)] })
        }
    }
}
