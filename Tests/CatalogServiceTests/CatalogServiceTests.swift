import CatalogService
import DepotModel
import DepotTestSupport
import Foundation
import Logging
import Storage
import Testing

/// The repository's demo catalog folder.
let demoCatalog = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Catalog")

func makeService(_ dir: TemporaryDirectory) throws -> CatalogService {
    try CatalogService.open(home: DepotHome(root: dir.url.appendingPathComponent("home")),
                            clock: FixedClock(Date(timeIntervalSince1970: 1_790_000_000)), logger: Logger(label: "test"))
}

@Suite struct CatalogImportTests {
    @Test func demoCatalogImportsWithEveryProgramAndVersion() async throws {
        let dir = try TemporaryDirectory()
        let service = try makeService(dir)
        let summary = try await service.importCatalog(from: demoCatalog, by: .system)
        #expect(summary.programs >= 40)
        #expect(summary.versionsAdded >= 120)
        let entries = try await service.catalog(by: .system)
        #expect(entries.count == summary.versionsAdded)
        // Every program has at least three versions, and the demo has baseline programs.
        let perProgram = Dictionary(grouping: entries, by: \.program)
        #expect(perProgram.values.allSatisfy { $0.count >= 3 })
        #expect(entries.contains { $0.program == "mozilla-firefox" && $0.baseline })
        // A manifest carries no installer: catalogued, never signed or orderable, its release day recorded upstream.
        #expect(entries.allSatisfy { $0.state == .catalogued && !$0.signed && !$0.orderable && $0.licenceScope == nil })
        #expect(summary.upstreamReleases == summary.versionsAdded)
    }

    @Test func importingTwiceAddsNothing() async throws {
        let dir = try TemporaryDirectory()
        let service = try makeService(dir)
        _ = try await service.importCatalog(from: demoCatalog, by: .system)
        let second = try await service.importCatalog(from: demoCatalog, by: .system)
        #expect(second.versionsAdded == 0)
        #expect(second.versionsUnchanged > 0)
    }

    @Test func exportThenImportIntoAFreshHomeGivesTheSameList() async throws {
        let dir = try TemporaryDirectory()
        let first = try makeService(dir)
        _ = try await first.importCatalog(from: demoCatalog, by: .system)
        let exported = dir.url.appendingPathComponent("exported")
        _ = try await first.exportCatalog(to: exported, by: .system)

        let otherDir = try TemporaryDirectory()
        let second = try makeService(otherDir)
        _ = try await second.importCatalog(from: exported, by: .system)

        func comparable(_ entries: [CatalogEntry]) -> [String] {
            entries.map { "\($0.program)|\($0.version)|\($0.publisher)|\($0.state)|\($0.platforms)|\($0.licence ?? "")|\($0.baseline)|\($0.released ?? "")" }
        }
        let a = comparable(try await first.catalog(by: .system))
        let b = comparable(try await second.catalog(by: .system))
        #expect(a == b)
        #expect(try await first.profiles(by: .system) == second.profiles(by: .system))
    }

    @Test func aBadManifestImportsNothingAndNamesFileAndLine() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("cat/programs/good-tool/1.0.yaml", manifest(program: "good-tool", version: "1.0"))
        try dir.write("cat/programs/bad-tool/2.0.yaml", manifest(program: "bad-tool", version: "2.0")
            .replacingOccurrences(of: "category: utility", with: "category: utilty")
            .replacingOccurrences(of: "baseline: false", with: "baseline: maybe"))
        let service = try makeService(dir)
        await #expect {
            _ = try await service.importCatalog(from: dir.url.appendingPathComponent("cat"), by: .system)
        } throws: { error in
            let message = (error as? any DepotError)?.message ?? ""
            return message.contains("cat/programs/bad-tool/2.0.yaml:9:")
                && message.contains("'category' is 'utilty'")
                && message.contains("'baseline' must be true or false")
        }
        #expect(try await service.catalog(by: .system).isEmpty)
    }

    @Test func unknownFieldsAndMismatchedNamesAreReported() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("cat/programs/tool/1.0.yaml", manifest(program: "tool", version: "1.1") + "publsher: Someone\n")
        let service = try makeService(dir)
        await #expect {
            _ = try await service.importCatalog(from: dir.url.appendingPathComponent("cat"), by: .system)
        } throws: { error in
            let message = "\(error)"
            return message.contains("unknown field 'publsher'; did you mean 'publisher'?")
                && message.contains("the file is '1.0.yaml'")
        }
    }

    @Test func malformedYAMLNamesTheLine() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("cat/programs/tool/1.0.yaml", "program: tool\nname: [unclosed\nversion: \"1.0\"\n")
        let service = try makeService(dir)
        await #expect {
            _ = try await service.importCatalog(from: dir.url.appendingPathComponent("cat"), by: .system)
        } throws: { error in "\(error)".contains("cat/programs/tool/1.0.yaml: not valid YAML: line") }
    }

    @Test func unknownProgramIsNotFoundByName() async throws {
        let dir = try TemporaryDirectory()
        let service = try makeService(dir)
        await #expect {
            _ = try await service.catalog(program: "no-such-thing", by: .system)
        } throws: { error in
            (error as? ServiceError)?.kind == .notFound && "\(error)".contains("no-such-thing")
        }
    }

    func manifest(program: String, version: String) -> String {
        """
        manifestVersion: 1
        program: \(program)
        name: Tool
        publisher: Someone
        version: "\(version)"
        released: 2024-01-02
        licence: MIT
        platforms: [windows]
        category: utility
        architectures: [x64]
        baseline: false
        environments: [admin]
        versionScheme: dotted
        installerType: msi
        homepage: https://example.org/
        description: A tool.

        """
    }
}

@Suite struct UserAndRoleTests {
    @Test func onlyAdminsAddUsersAndTheMessageSaysWhy() async throws {
        let dir = try TemporaryDirectory()
        let service = try makeService(dir)
        let admin = try #require(try await service.bootstrapAdmin())
        let anna = try await service.addUser(name: "anna", role: .packager, school: nil, by: try await service.user(named: "admin"))
        #expect(anna.token.hasPrefix("dpt_"))
        #expect(try await service.authenticate(token: admin.token).role == .admin)
        await #expect {
            _ = try await service.addUser(name: "bo", role: .admin, school: nil, by: try await service.user(named: "anna"))
        } throws: { error in
            "\(error)" == "anna is a packager; to manage users you need the role admin"
        }
    }

    @Test func tokensAreStoredOnlyAsHashes() async throws {
        let dir = try TemporaryDirectory()
        let service = try makeService(dir)
        let admin = try #require(try await service.bootstrapAdmin())
        let bytes = try Data(contentsOf: service.home.database)
        #expect(bytes.range(of: Data(admin.token.utf8)) == nil)
        await #expect(throws: ServiceError.self) { _ = try await service.authenticate(token: admin.token + "x") }
    }

    @Test func schoolAdminsNeedAKnownSchoolAndOthersMustNotHaveOne() async throws {
        let dir = try TemporaryDirectory()
        let service = try makeService(dir).applying(try CatalogService.loadPolicies(from: repositoryPolicies))
        await #expect { _ = try await service.addUser(name: "sam", role: .schoolAdmin, school: nil, by: .system) }
            throws: { "\($0)".contains("add --school ID") }
        await #expect { _ = try await service.addUser(name: "pia", role: .finance, school: "s1", by: .system) }
            throws: { "\($0)".contains("only a school-admin is scoped") }
        await #expect { _ = try await service.addUser(name: "sam", role: .schoolAdmin, school: "skarpnack", by: .system) }
            throws: { "\($0)".contains("no schools are known yet") }
        _ = try await service.addSchool(id: "skarpnack", name: "Skarpnäcksskolan", by: .system)
        _ = try await service.addSchool(id: "enskede", name: "Enskede skola", by: .system)
        // A typo names the closest known school instead of creating a school-admin for a school that does not exist.
        await #expect { _ = try await service.addUser(name: "sam", role: .schoolAdmin, school: "skarpnak", by: .system) }
            throws: { "\($0)".contains("there is no school 'skarpnak'; did you mean 'skarpnack'?") }
        let sam = try await service.addUser(name: "sam", role: .schoolAdmin, school: "skarpnack", by: .system)
        #expect(sam.user.school == "skarpnack")
    }

    @Test func everyChangeIsAudited() async throws {
        let dir = try TemporaryDirectory()
        let service = try makeService(dir)
        _ = try await service.bootstrapAdmin()
        _ = try await service.importCatalog(from: demoCatalog, by: .system)
        let events = try await service.auditEvents(by: .system)
        #expect(events.map(\.action) == ["catalog.import", "user.add"])
        #expect(try await service.verifyAudit().intact)
    }
}
