import CatalogService
import DepotModel
import DepotTestSupport
import Foundation
import Testing

@Suite struct IntakeTests {
    func packager(_ service: CatalogService) async throws -> DepotUser {
        _ = try await service.addUser(name: "pat", role: .packager, school: nil, by: .system)
        return try await service.user(named: "pat")
    }

    func files(in url: URL) -> [String] {
        (FileManager.default.enumerator(atPath: url.path)?.allObjects as? [String] ?? [])
            .filter { !((try? URL(fileURLWithPath: url.path + "/" + $0).resourceValues(forKeys: [.isDirectoryKey]).isDirectory) ?? false) }
    }

    @Test func aDebianPackageBecomesAnInspectedSubmissionWithItsFacts() async throws {
        let dir = try TemporaryDirectory()
        let service = try makeService(dir)
        let pat = try await packager(service)
        let deb = try Fixtures.debianPackage(in: dir)
        let result = try await service.submit(file: deb, overrides: SubmissionOverrides(costReference: "140:52120"), by: pat)
        #expect(result.created)
        let s = result.submission
        #expect(s.state == "inspected")
        #expect(s.program == "hello-depot" && s.version == "2.10-3")
        #expect(s.facts?.declaredLicense == "GPL-3.0-or-later")
        #expect(s.costReference == "140:52120")
        // Stored once, by hash, with nothing left in the incoming folder.
        // Stored once, by hash, beside the licence text the reviewer will read (kept by its own hash).
        let texts = try await service.licenceReview(id: s.id, by: .system).texts.map(\.sha256)
        #expect(texts.count == 1)
        #expect(Set(files(in: service.home.blobs)) == Set(([s.sha256] + texts).map { "sha256/\($0.prefix(2))/\($0.dropFirst(2))" }))
        #expect(files(in: service.home.incoming).isEmpty)
        let listed = try await service.submissions(state: "inspected", by: pat)
        #expect(listed.map(\.id) == [s.id])
        #expect(try await service.catalog(program: "hello-depot", by: pat).first?.state == .inspected)
    }

    @Test func identicalBytesReturnTheExistingSubmission() async throws {
        let dir = try TemporaryDirectory()
        let service = try makeService(dir)
        let pat = try await packager(service)
        let deb = try Fixtures.debianPackage(in: dir)
        let first = try await service.submit(file: deb, overrides: .init(), by: pat)
        let copy = try dir.write("copy.deb", try Data(contentsOf: deb))
        let second = try await service.submit(file: copy, overrides: .init(), by: pat)
        #expect(!second.created)
        #expect(second.submission.id == first.submission.id)
        #expect(try await service.submissions(by: pat).count == 1)
    }

    @Test func aTruncatedInstallerIsQuarantinedWithLibarchivesMessage() async throws {
        let dir = try TemporaryDirectory()
        let service = try makeService(dir)
        let pat = try await packager(service)
        let deb = try Fixtures.debianPackage(in: dir, payloadBytes: 20_000)
        let broken = try Fixtures.truncated(deb, to: 3000, in: dir)
        await #expect {
            _ = try await service.submit(file: broken, overrides: .init(), by: pat)
        } throws: { error in
            let message = "\(error)"
            return message.contains("libarchive") && message.contains("state quarantined")
        }
        let quarantined = try await service.submissions(state: "quarantined", by: pat)
        #expect(quarantined.count == 1)
        #expect(quarantined.first?.error?.contains("libarchive") == true)
        // Kept as evidence, and the earlier store is untouched.
        #expect(files(in: service.home.blobs).count == 1)
        #expect(files(in: service.home.incoming).isEmpty)
    }

    @Test func refusalsSayWhatToDo() async throws {
        let dir = try TemporaryDirectory()
        let service = try makeService(dir)
        let pat = try await packager(service)
        let noise = try dir.write("noise.bin", Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) }))
        await #expect { _ = try await service.submit(file: noise, overrides: .init(), by: pat) }
            throws: { "\($0)".contains("pass --program NAME") }
        let named = try await service.submit(file: noise, overrides: .init(program: "Noise Tool", version: "1.0", publisher: "Acme"), by: pat)
        #expect(named.submission.program == "noise-tool")
        #expect(named.submission.facts?.format == "unknown")
        await #expect { _ = try await service.submit(file: dir.url.appendingPathComponent("absent.msi"), overrides: .init(), by: pat) }
            throws: { "\($0)".contains("does not exist") }
        let deb = try Fixtures.debianPackage(in: dir)
        await #expect { _ = try await service.submit(file: deb, overrides: .init(costReference: "12-x"), by: pat) }
            throws: { "\($0)".contains("'12-x' is not a cost reference") }
        _ = try await service.addUser(name: "fia", role: .finance, school: nil, by: .system)
        await #expect { _ = try await service.submit(file: deb, overrides: .init(), by: try await service.user(named: "fia")) }
            throws: { "\($0)" == "fia is a finance; to submit installers you need the role packager or admin" }
        #expect(try await service.submissions(by: pat).count == 1)
    }
}
