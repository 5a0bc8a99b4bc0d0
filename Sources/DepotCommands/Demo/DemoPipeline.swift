import CatalogService
import DepotModel
import Foundation

/// The demo `depot init` builds in the checkout: real installers, built now, taken through the whole pipeline by
/// distinct demo users (submit → licence review by a second person → classify → test → sign → publish), then a
/// signed catalog publication and an edu publication. The one upstream release that puts a program in grace is
/// dated relative to today, so the currency report shows current, grace and violation on any day.
struct DemoPipeline {
    let service: CatalogService

    /// The demo's users: name, role, school, what they do.
    static let users: [(name: String, role: Role, school: String?, does: String)] = [
        ("maja", .packager, nil, "packages and submits installers"),
        ("olle", .licenceReviewer, nil, "reviews licences (never his own submissions)"),
        ("tove", .packager, nil, "tests packages and attests the result"),
        ("ebba", .signer, nil, "signs tested, licence-approved packages"),
        ("hugo", .releaseManager, nil, "publishes the catalog and the edu whitelists, records releases"),
        ("saga", .schoolAdmin, "ekbacken-skola", "school admin of Ekbacken skola"),
        ("ines", .finance, nil, "reads orders and invoices"),
        ("alva", .auditor, nil, "reads the audit log"),
    ]

    static let school = (id: "ekbacken-skola", name: "Ekbacken skola (demo)")

    /// The packages the demo builds and publishes, each a version the catalog already knows.
    static let published: [DemoInstallers.Spec] = [
        .init(program: "mozilla-firefox", name: "Mozilla Firefox", publisher: "Mozilla Corporation", version: "134.0",
              kind: .msi, licenceText: "MPL-2.0", declaredLicence: "MPL-2.0"),
        .init(program: "libreoffice", name: "LibreOffice", publisher: "The Document Foundation", version: "24.8.0",
              kind: .msi, licenceText: "MPL-2.0", declaredLicence: "MPL-2.0"),
        .init(program: "mozilla-firefox-esr", name: "Mozilla Firefox ESR", publisher: "Mozilla Corporation", version: "115.5.0",
              kind: .msi, licenceText: "MPL-2.0", declaredLicence: "MPL-2.0"),
        .init(program: "vlc", name: "VLC media player", publisher: "VideoLAN", version: "3.0.21",
              kind: .nsis, licenceText: "GPL-2", declaredLicence: "GPL-2.0-or-later"),
        .init(program: "gimp", name: "GIMP", publisher: "The GIMP Team", version: "3.0.0",
              kind: .nsis, licenceText: "GPL-3", declaredLicence: "GPL-3.0-or-later"),
        .init(program: "inkscape", name: "Inkscape", publisher: "Inkscape Project", version: "1.4",
              kind: .nsis, licenceText: "GPL-3", declaredLicence: "GPL-3.0-or-later"),
        .init(program: "gcompris", name: "GCompris", publisher: "KDE e.V.", version: "25.0",
              kind: .deb, licenceText: "AGPL-3", declaredLicence: "AGPL-3.0-only"),
        .init(program: "scratch-desktop", name: "Scratch Desktop", publisher: "Scratch Foundation", version: "3.10.2",
              kind: .msix, licenceText: "BSD", declaredLicence: "BSD-3-Clause"),
    ]

    /// A package left in the licence review queue, so the queue is not empty.
    static let pending = DemoInstallers.Spec(
        program: "keepassxc", name: "KeePassXC", publisher: "KeePassXC Team", version: "2.7.10",
        kind: .msi, licenceText: "GPL-3", declaredLicence: "GPL-3.0-or-later")

    struct Summary: Encodable {
        var users: [String]
        var published: [String]
        var awaitingReview: [String]
        var catalogPublication: Int?
        var eduPublication: Int?
        var skipped: [String]
        var milliseconds: Int
    }

    func run() async throws -> Summary {
        let started = Date()
        let admin = DepotUser.system
        var people: [String: DepotUser] = [:]
        // A school-admin's school must exist before the user does (the edu tiers come from the policies).
        let hasSchool = service.policies != nil
        if hasSchool { _ = try await service.addSchool(id: Self.school.id, name: Self.school.name, by: admin) }
        for person in Self.users where person.school == nil || hasSchool {
            _ = try await service.addUser(name: person.name, role: person.role, school: person.school, by: admin)
            people[person.name] = DepotUser(name: person.name, role: person.role, school: person.school)
        }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("depot-demo-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let builder = DemoInstallers(directory: work)

        var published: [String] = []
        var skipped: [String] = []
        var submissions: [(spec: DemoInstallers.Spec, id: Int64)] = []
        for spec in Self.published + [Self.pending] {
            do {
                let file = try builder.build(spec)
                let result = try await service.submit(
                    file: file, overrides: SubmissionOverrides(program: spec.program, version: spec.version, costReference: "ref:demo"),
                    by: people["maja"]!)
                submissions.append((spec, result.submission.id))
            } catch {
                skipped.append("\(spec.program) \(spec.version): \(error)")
            }
        }
        let evidence = work.appendingPathComponent("evidence", isDirectory: true)
        try FileManager.default.createDirectory(at: evidence, withIntermediateDirectories: true)
        for (spec, id) in submissions where spec.program != Self.pending.program {
            let review = try await service.licenceReview(id: id, by: people["olle"]!)
            let scope = Self.scope(admin: review.admin.outcome, edu: review.edu.outcome, program: spec.program)
            guard let scope else {
                skipped.append("\(spec.program) \(spec.version): the licence policy denies it in both environments")
                continue
            }
            _ = try await service.decideLicence(
                review: id,
                LicenceDecision(approve: true, scope: scope,
                                reason: "demo: \(review.expression ?? spec.declaredLicence) read from the package and its licence text"),
                by: people["olle"]!)
            _ = try await service.classify(submission: id, by: people["maja"]!)
            let submission = try await service.submission(id: id, by: people["tove"]!)
            let log = evidence.appendingPathComponent("\(spec.program)-\(spec.version)-test.txt")
            try Data(Self.testLog(spec, submission: submission).utf8).write(to: log)
            _ = try await service.recordTest(
                submission: id, passed: true,
                notes: "Demo test attested by tove: the installer built by depot init was inspected (format, version, publisher, "
                    + "files); it was not installed on a Windows machine. Evidence: the inspection log.",
                evidence: log, by: people["tove"]!)
            _ = try await service.sign(submission: id, by: people["ebba"]!)
            published.append("\(spec.program) \(spec.version)")
        }
        // LibreOffice 24.8.0 is two releases behind a release nine days ago: in grace, not yet in violation. Recorded
        // by hugo like any upstream release, dated relative to today so the demo shows grace on any day.
        let day = DateFormatter()
        day.dateFormat = "yyyy-MM-dd"
        day.timeZone = TimeZone(identifier: "Europe/Stockholm")
        day.locale = Locale(identifier: "en_US_POSIX")
        _ = try await service.addUpstreamRelease(program: "libreoffice", version: "25.8.0",
                                                 released: day.string(from: Date().addingTimeInterval(-9 * 86_400)),
                                                 by: people["hugo"]!)
        var catalogVersion: Int?
        var eduVersion: Int?
        if service.keyStore.isInitialised, !published.isEmpty {
            catalogVersion = try await service.publishCatalog(by: people["hugo"]!).version
            if hasSchool {
                eduVersion = try await service.publishEdu(by: people["hugo"]!).version
            }
        }
        return Summary(users: Self.users.map(\.name), published: published,
                       awaitingReview: submissions.filter { $0.spec.program == Self.pending.program }.map { "submission \($0.id)" },
                       catalogPublication: catalogVersion, eduPublication: eduVersion, skipped: skipped,
                       milliseconds: Int(Date().timeIntervalSince(started) * 1000))
    }

    /// Where the reviewer approves the licence: everywhere the policy does not deny it; edu-only programs stay edu.
    static func scope(admin: String, edu: String, program: String) -> LicenceScope? {
        let eduOnly: Set = ["gcompris", "scratch-desktop"]
        let inAdmin = admin != "deny" && !eduOnly.contains(program)
        let inEdu = edu != "deny"
        switch (inAdmin, inEdu) {
        case (true, true): return .both
        case (true, false): return .admin
        case (false, true): return .edu
        case (false, false): return nil
        }
    }

    static func testLog(_ spec: DemoInstallers.Spec, submission: SubmissionView) -> String {
        var lines = [
            "Depot demo test record",
            "program:    \(spec.program) \(spec.version)",
            "submission: \(submission.id)",
            "file:       \(submission.fileName)",
            "sha256:     \(submission.sha256)",
            "tester:     tove",
            "method:     inspection of the installer built by depot init with \(spec.kind.tool); no installation was run",
        ]
        if let facts = submission.facts {
            lines.append("format:     \(facts.format)")
            lines.append("name:       \(facts.name ?? "-")")
            lines.append("version:    \(facts.version ?? "-")")
            lines.append("publisher:  \(facts.publisher ?? "-")")
            lines.append("entries:    \(facts.entryCount.map(String.init) ?? "-")")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
