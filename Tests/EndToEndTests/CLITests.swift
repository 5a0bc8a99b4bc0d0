import DepotTestSupport
import Foundation
import Testing

/// The `depot` binary driven as an operator would drive it, on a real SQLite file.
@Suite(.serialized) struct CLITests {
    func initHome(_ dir: TemporaryDirectory) throws -> (home: String, adminToken: String) {
        let home = dir.url.appendingPathComponent("home").path
        let result = try DepotBinary.run(["init", "--no-demo", "--home", home, "--json"])
        #expect(result.succeeded, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let admin = try #require(json["admin"] as? [String: Any])
        return (home, try #require(admin["token"] as? String))
    }

    func list(_ home: String) throws -> [[String: Any]] {
        let result = try DepotBinary.run(["catalog", "list", "--json", "--home", home])
        #expect(result.succeeded, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
    }

    @Test func initLoadsTheDemoCatalogAndListsItAsJSON() throws {
        let dir = try TemporaryDirectory()
        let (home, _) = try initHome(dir)
        let entries = try list(home)
        #expect(entries.count >= 120)
        for key in ["program", "version", "publisher", "state", "platforms", "licence", "baseline"] {
            #expect(entries.allSatisfy { $0[key] != nil }, "every entry has \(key)")
        }
        #expect(FileManager.default.fileExists(atPath: home + "/depot.sqlite"))
        // A second init keeps what is stored and creates no second admin.
        let again = try DepotBinary.run(["init", "--home", home])
        #expect(again.succeeded)
        #expect(!again.stdout.contains("token"))
        #expect(try list(home).count == entries.count)
    }

    @Test func exportThenImportIntoAFreshHomeGivesTheSameList() throws {
        let dir = try TemporaryDirectory()
        let home = dir.url.appendingPathComponent("home").path
        try DepotBinary.run(["init", "--no-demo", "--home", home]).expectSuccess()
        let exported = dir.url.appendingPathComponent("export").path
        #expect(try DepotBinary.run(["catalog", "export", exported, "--home", home, "--as", "admin"]).succeeded)
        let fresh = dir.url.appendingPathComponent("fresh").path
        #expect(try DepotBinary.run(["init", "--home", fresh, "--no-catalog"]).succeeded)
        let imported = try DepotBinary.run(["catalog", "import", exported, "--home", fresh, "--as", "admin", "--json"])
        #expect(imported.succeeded, "\(imported.stderr)")
        func keyed(_ entries: [[String: Any]]) -> [String] {
            entries.map { e in ["program", "version", "publisher", "state", "licence", "released"].map { "\(e[$0] ?? "")" }.joined(separator: "|")
                + "|\(e["platforms"] ?? "")|\(e["baseline"] ?? "")" }
        }
        #expect(keyed(try list(home)) == keyed(try list(fresh)))
    }

    @Test func changingOrDeletingAnAuditRowFailsVerifyAndNamesTheRecord() throws {
        let dir = try TemporaryDirectory()
        let (home, _) = try initHome(dir)
        for name in ["anna", "bo", "cecilia"] {
            #expect(try DepotBinary.run(["users", "add", name, "--role", "packager", "--home", home, "--as", "admin"]).succeeded)
        }
        let intact = try DepotBinary.run(["audit", "verify", "--home", home])
        #expect(intact.succeeded)
        #expect(intact.stdout.contains("intact: 6 records"))  // import, first admin, keys, three users

        let database = home + "/depot.sqlite"
        try Tools.require("sqlite3", [database, "UPDATE auditEvent SET actor = 'mallory' WHERE seq = 3"])
        let changed = try DepotBinary.run(["audit", "verify", "--home", home])
        #expect(!changed.succeeded)
        #expect(changed.stderr.contains("record 3"))

        let dir2 = try TemporaryDirectory()
        let (home2, _) = try initHome(dir2)
        #expect(try DepotBinary.run(["users", "add", "anna", "--role", "packager", "--home", home2, "--as", "admin"]).succeeded)
        try Tools.require("sqlite3", [home2 + "/depot.sqlite", "DELETE FROM auditEvent WHERE seq = 2"])
        let deleted = try DepotBinary.run(["audit", "verify", "--home", home2, "--json"])
        #expect(deleted.status == 1)
        #expect(deleted.stdout.contains("\"firstBroken\" : 2"))
    }

    @Test func failuresAreOneLineOnStderrWithNonZeroExit() throws {
        let dir = try TemporaryDirectory()
        let (home, _) = try initHome(dir)
        let noActor = try DepotBinary.run(["users", "add", "x", "--role", "packager", "--home", home])
        #expect(noActor.status != 0)
        #expect(noActor.stderr.hasPrefix("depot: name the acting user"))
        let badRole = try DepotBinary.run(["users", "add", "x", "--role", "wizard", "--home", home, "--as", "admin"])
        #expect(badRole.stderr == "depot: unknown role 'wizard'; use one of: packager, licence-reviewer, signer, release-manager, school-admin, finance, auditor, admin\n")
        let wrongRole = try DepotBinary.run(["users", "add", "y", "--role", "packager", "--home", home, "--as", "admin"])
        #expect(wrongRole.succeeded)
        let forbidden = try DepotBinary.run(["users", "add", "z", "--role", "admin", "--home", home, "--as", "y"])
        #expect(forbidden.status == 1)
        #expect(forbidden.stderr.contains("y is a packager; to manage users you need the role admin"))
        let badImport = try DepotBinary.run(["catalog", "import", dir.url.appendingPathComponent("nope").path, "--home", home, "--as", "admin"])
        #expect(badImport.stderr.contains("is not a directory"))
    }
}
