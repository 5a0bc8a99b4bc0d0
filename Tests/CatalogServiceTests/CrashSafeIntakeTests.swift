import CatalogService
import DepotModel
import DepotTestSupport
import Foundation
import Storage
import Testing

/// Intake that survives parallel submitters and processes killed part-way: one submission per set of bytes, one
/// clear answer each, nothing left in `incoming/` that lasts, no blob with a writable mode.
@Suite struct CrashSafeIntakeTests {
    func packager(_ service: CatalogService) async throws -> DepotUser {
        _ = try await service.addUser(name: "pat", role: .packager, school: nil, by: .system)
        return try await service.user(named: "pat")
    }

    @Test func eightParallelSubmitsOfOneFileGiveOneSubmissionAndTheSameAnswer() async throws {
        let dir = try TemporaryDirectory()
        let service = try makeService(dir)
        let pat = try await packager(service)
        let deb = try Fixtures.debianPackage(in: dir)
        let copies = try (0..<8).map { try dir.write("copy-\($0).deb", try Data(contentsOf: deb)) }
        let results = try await withThrowingTaskGroup(of: SubmitResult.self) { group in
            for copy in copies {
                group.addTask { try await service.submit(file: copy, overrides: .init(), by: pat) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 8)
        #expect(results.filter(\.created).count == 1)
        #expect(Set(results.map(\.submission.id)).count == 1)
        #expect(try await service.submissions(by: pat).count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: service.home.incoming.path).isEmpty)
    }

    @Test func aResubmittedQuarantinedFileIsRefusedAgainWithTheOriginalReason() async throws {
        let dir = try TemporaryDirectory()
        let service = try makeService(dir)
        let pat = try await packager(service)
        let deb = try Fixtures.debianPackage(in: dir, payloadBytes: 20_000)
        let broken = try Fixtures.truncated(deb, to: 3000, in: dir)
        await #expect(throws: (any Error).self) { _ = try await service.submit(file: broken, overrides: .init(), by: pat) }
        let again = await #expect(throws: ServiceError.self) {
            _ = try await service.submit(file: broken, overrides: .init(), by: pat)
        }
        #expect(again?.code == "submit.quarantined")
        #expect(again?.message.contains("libarchive") == true, "\(again?.message ?? "")")
        #expect(again?.message.contains("already kept as submission") == true)
        #expect(try await service.submissions(state: "quarantined", by: pat).count == 1)
    }

    @Test func openingTheHomeSweepsWhatKilledUploadsLeftButNotLiveOnes() throws {
        let dir = try TemporaryDirectory()
        let service = try makeService(dir)
        let incoming = service.home.incoming
        // A killed upload: a file nobody holds any more.
        let stray = incoming.appendingPathComponent("upload-killed")
        #expect(FileManager.default.createFile(atPath: stray.path, contents: Data(count: 4096)))
        // A live upload of another process: held with an exclusive flock on its own open file.
        let live = incoming.appendingPathComponent("upload-live")
        #expect(FileManager.default.createFile(atPath: live.path, contents: Data(count: 10)))
        let fd = open(live.path, O_RDONLY)
        #expect(flock(fd, LOCK_EX) == 0)
        defer { close(fd) }
        // An upload this process is still writing.
        let mine = BlobStore(home: service.home).temporaryFile()

        _ = try CatalogService.open(home: service.home, logger: service.logger)
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: incoming.path))
        #expect(left == ["upload-live", mine.lastPathComponent])
        BlobStore(home: service.home).discard(mine)
    }

    @Test func aBlobLeftWritableByAKillBeforeChmodIsRepairedOnTheNextAdoption() throws {
        let dir = try TemporaryDirectory()
        let service = try makeService(dir)
        let store = BlobStore(home: service.home)
        let bytes = Data("installer bytes".utf8)
        let sha = SHA256Hex.of(bytes)
        let target = store.url(for: sha)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try bytes.write(to: target)
        chmod(target.path, 0o644)
        let upload = store.temporaryFile()
        try bytes.write(to: upload)
        try store.adopt(upload, sha256: sha)
        let mode = try FileManager.default.attributesOfItem(atPath: target.path)[.posixPermissions] as? Int
        #expect(mode == 0o444)
        #expect(!FileManager.default.fileExists(atPath: upload.path))
    }
}

/// SHA-256 through openssl, independent of the code under test.
enum SHA256Hex {
    static func of(_ data: Data) -> String {
        let dir = try? TemporaryDirectory()
        let file = try? dir?.write("bytes", data)
        let out = (try? Tools.require("openssl", ["dgst", "-sha256", "-r", file?.path ?? "/dev/null"]).stdout) ?? ""
        return String(out.prefix(64))
    }
}
