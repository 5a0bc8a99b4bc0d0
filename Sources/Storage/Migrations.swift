import DepotModel
import Foundation
import GRDB

extension AppDatabase {
    /// Append-only: a landed migration is never edited; changes come as new, named migrations.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()

        migrator.registerMigration("v1-catalog-users-audit") { db in
            try db.create(table: "program") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("slug", .text).notNull().unique()
                t.column("name", .text).notNull()
                t.column("publisher", .text).notNull()
                t.column("category", .text).notNull()
                t.column("baseline", .boolean).notNull().defaults(to: false)
                t.column("environments", .text).notNull()  // JSON array: admin, edu
                t.column("versionScheme", .text).notNull().defaults(to: "dotted")
                t.column("installerType", .text)
                t.column("silentSwitch", .text)
                t.column("homepage", .text)
                t.column("description", .text)
                t.column("createdAt", .text).notNull()
                t.column("updatedAt", .text).notNull()
            }
            try db.create(table: "packageVersion") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("program", onDelete: .restrict).notNull()
                t.column("version", .text).notNull()
                // Platform/architecture variant of one version ("" when there is only one installer).
                t.column("variant", .text).notNull().defaults(to: "")
                t.column("state", .text).notNull()
                t.column("released", .text)
                t.column("licence", .text)
                t.column("platforms", .text).notNull()  // JSON array
                t.column("architectures", .text).notNull()  // JSON array
                t.column("installerType", .text)
                t.column("sha256", .text)
                t.column("size", .integer)
                t.column("origin", .text).notNull()  // catalog | submission
                t.column("createdAt", .text).notNull()
                t.column("updatedAt", .text).notNull()
                t.uniqueKey(["programId", "version", "variant"])
            }
            try db.create(table: "profile") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("slug", .text).notNull().unique()
                t.column("name", .text).notNull()
                t.column("description", .text).notNull()
                t.column("environment", .text).notNull()
                t.column("programs", .text).notNull()  // JSON array of program slugs
            }
            try db.create(index: "packageVersion_on_state", on: "packageVersion", columns: ["state"])

            try db.create(table: "user") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().unique()
                t.column("role", .text).notNull()
                t.column("school", .text)
                t.column("createdAt", .text).notNull()
            }
            try db.create(table: "apiToken") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("user", onDelete: .cascade).notNull()
                // SHA-256 of the token: the token itself is shown once and never stored.
                t.column("tokenHash", .text).notNull().unique()
                t.column("createdAt", .text).notNull()
            }

            try db.create(table: "auditEvent") { t in
                t.primaryKey("seq", .integer)
                t.column("at", .text).notNull()
                t.column("actor", .text).notNull()
                t.column("action", .text).notNull()
                t.column("subject", .text).notNull()
                t.column("before", .text)
                t.column("after", .text)
                t.column("prevHash", .text).notNull()
                t.column("hash", .text).notNull()
            }
            // The chain's head, so that removing the newest records is detected too.
            try db.create(table: "auditHead") { t in
                t.primaryKey("id", .integer).check { $0 == 1 }
                t.column("seq", .integer).notNull()
                t.column("hash", .text).notNull()
            }
        }
        migrator.registerMigration("v2-submissions") { db in
            try db.create(table: "submission") { t in
                t.autoIncrementedPrimaryKey("id")
                // Identical bytes are one submission: a resubmission finds this row.
                t.column("sha256", .text).notNull().unique()
                t.column("fileName", .text).notNull()
                t.column("size", .integer).notNull()
                t.column("submitter", .text).notNull()
                t.column("submittedAt", .text).notNull()
                t.column("facts", .text)  // JSON InstallerFacts; null when the file could not be read
                t.column("error", .text)  // why it was quarantined
                t.column("quarantined", .boolean).notNull().defaults(to: false)
                t.column("costReference", .text)
                t.belongsTo("packageVersion", onDelete: .restrict)
            }
        }
        migrator.registerMigration("v3-licence-review-entitlements") { db in
            // The licence scope a reviewer approved: admin, edu or both. Catalog imports carry their environments.
            try db.alter(table: "packageVersion") { t in t.add(column: "licenceScope", .text) }
            try db.execute(sql: """
                UPDATE packageVersion SET licenceScope = (
                    SELECT CASE WHEN p.environments LIKE '%admin%' AND p.environments LIKE '%edu%' THEN 'both'
                                WHEN p.environments LIKE '%edu%' THEN 'edu' ELSE 'admin' END
                    FROM program p WHERE p.id = packageVersion.programId)
                WHERE origin = 'catalog'
                """)
            try db.create(table: "licenceReview") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("packageVersion", onDelete: .restrict).notNull().unique()
                t.belongsTo("submission", onDelete: .restrict)
                t.column("declared", .text)  // the licence as the package declares it
                t.column("expression", .text)  // the SPDX expression Depot read, or null
                t.column("detection", .text).notNull()  // JSON: how it was read, matches in licence files, clauses
                t.column("adminOutcome", .text).notNull()  // allow | deny | review
                t.column("eduOutcome", .text).notNull()
                t.column("policyReasons", .text).notNull()  // JSON array of strings
                t.column("decision", .text)  // approved | rejected; null while pending
                t.column("scope", .text)  // admin | edu | both
                t.column("conditions", .text)  // JSON array of strings
                t.column("reason", .text)
                t.column("decidedBy", .text)
                t.column("decidedAt", .text)
                t.column("createdAt", .text).notNull()
            }
            try db.create(table: "entitlement") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("program", onDelete: .restrict).notNull()
                t.column("seats", .integer).notNull().check { $0 > 0 }
                t.column("costReference", .text)
                t.column("expires", .text)  // YYYY-MM-DD, the last day it is valid; null for perpetual
                t.column("createdBy", .text).notNull()
                t.column("createdAt", .text).notNull()
            }
            try db.create(table: "seatUse") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("program", onDelete: .restrict).notNull()
                t.column("quantity", .integer).notNull().check { $0 > 0 }
                t.column("reference", .text).notNull()  // what took the seats: an order, a school install
                t.column("usedBy", .text).notNull()
                t.column("at", .text).notNull()
            }
        }
        migrator.registerMigration("v4-classification") { db in
            try db.create(table: "classification") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("packageVersion", onDelete: .restrict).notNull().unique()
                t.column("tier", .text).notNull()  // simple | complex
                t.column("reasons", .text).notNull()  // JSON array of sentences
                t.column("rules", .text).notNull()  // JSON array of rule ids that fired
                t.column("price", .text).notNull()  // JSON: amount, currency, vatRate, includedInQuota, …
                t.column("positionInMonth", .integer).notNull()
                t.column("classifiedBy", .text).notNull()
                t.column("classifiedAt", .text).notNull()
            }
        }
        migrator.registerMigration("v5-orders") { db in
            try db.create(table: "installOrder") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("placedAt", .text).notNull()
                t.column("placedBy", .text).notNull()
                t.column("costReference", .text).notNull()
                t.column("environment", .text).notNull()  // admin | edu
                t.column("body", .text).notNull()  // JSON: the priced order with its items
            }
            try db.create(index: "installOrder_on_placedAt", on: "installOrder", columns: ["placedAt"])
        }
        migrator.registerMigration("v6-reclassification") { db in
            try db.create(table: "reclassification") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("classification", onDelete: .restrict).notNull()
                t.column("fromTier", .text).notNull()
                t.column("toTier", .text).notNull()
                t.column("reason", .text).notNull()
                t.column("requestedBy", .text).notNull()
                t.column("requestedAt", .text).notNull()
                t.column("decision", .text)  // approved | rejected; null while pending
                t.column("decisionReason", .text)
                t.column("decidedBy", .text)
                t.column("decidedAt", .text)
            }
        }
        migrator.registerMigration("v7-signing") { db in
            // One test record per test run of a classified version; the latest decides whether it may be signed.
            try db.create(table: "packageTest") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("packageVersion", onDelete: .restrict).notNull()
                t.column("passed", .boolean).notNull()
                t.column("notes", .text).notNull()
                t.column("evidenceName", .text)  // the evidence file's name as given
                t.column("evidenceSha256", .text)  // stored in blobs/ by hash
                t.column("testedBy", .text).notNull()
                t.column("testedAt", .text).notNull()
            }
            // The certification: a detached CMS signature stored beside the blob as <blob>.p7s.
            try db.create(table: "packageSignature") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("packageVersion", onDelete: .restrict).notNull().unique()
                t.column("certificateFingerprint", .text).notNull()
                t.column("signedBy", .text).notNull()
                t.column("signedAt", .text).notNull()
            }
            // Every signed document Depot wrote: the catalog, and the edu whitelists (issue 9).
            try db.create(table: "publication") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("kind", .text).notNull()  // catalog | edu
                t.column("version", .integer).notNull()
                t.column("contentDigest", .text).notNull()  // sha256 of the payload without issued/expires/version
                t.column("issued", .text).notNull()
                t.column("expires", .text).notNull()
                t.column("directory", .text).notNull()
                t.column("packages", .integer).notNull()
                t.column("publishedBy", .text).notNull()
                t.uniqueKey(["kind", "version"])
            }
        }
        migrator.registerMigration("v8-lifecycle") { db in
            // What the vendor released: latest and second-latest are counted among these (issue 8).
            try db.create(table: "upstreamRelease") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("program", .text).notNull()  // program id as in Catalog/ and currency.yaml
                t.column("version", .text).notNull()
                t.column("released", .text).notNull()  // YYYY-MM-DD
                t.column("source", .text).notNull()  // cli | the imported file's name
                t.column("recordedBy", .text).notNull()
                t.column("recordedAt", .text).notNull()
                t.uniqueKey(["program", "version"])
            }
            // Versions the city declines; they never count as latest or second-latest and are pruned.
            try db.create(table: "refusedVersion") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("program", .text).notNull()
                t.column("version", .text).notNull()
                t.column("reason", .text).notNull()
                t.column("refusedBy", .text).notNull()
                t.column("refusedAt", .text).notNull()
                t.uniqueKey(["program", "version"])
            }
            try db.create(table: "scheduledUpgrade") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("program", .text).notNull()
                t.column("toVersion", .text).notNull()
                t.column("rings", .text).notNull()  // JSON array in rollout order: pilot, admin, edu
                t.column("start", .text)  // YYYY-MM-DD, the first day the first wave may run
                t.column("createdBy", .text).notNull()
                t.column("createdAt", .text).notNull()  // the notice period is counted from here
            }
            // One row per retirement; a restore closes it, so a version retired twice has two rows.
            try db.create(table: "retirement") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("packageVersion", onDelete: .restrict).notNull()
                t.column("rule", .text).notNull()
                t.column("reason", .text).notNull()
                t.column("retiredBy", .text).notNull()
                t.column("retiredAt", .text).notNull()
                t.column("blobRetainedUntil", .text).notNull()  // YYYY-MM-DD; `depot purge` may delete the blob after it
                t.column("purgedAt", .text)
                t.column("restoredBy", .text)
                t.column("restoredAt", .text)
            }
        }
        migrator.registerMigration("v9-edu") { db in
            // Schools on the edu network: tier chosen by the principal, allows and blocks within it.
            try db.create(table: "school") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull()
                t.column("tier", .text).notNull()
                t.column("allowed", .text).notNull()  // JSON array of program slugs
                t.column("blocked", .text).notNull()  // JSON array of program slugs
                t.column("costReference", .text).notNull()
                t.column("createdAt", .text).notNull()
                t.column("updatedAt", .text).notNull()
            }
            // Self-installs recorded by an edu server, brought back by `depot edu collect`: once per server and id.
            try db.create(table: "eduInstall") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("serverId", .text).notNull()
                t.column("installId", .integer).notNull()
                t.column("school", .text).notNull()
                t.column("program", .text).notNull()
                t.column("version", .text).notNull()
                t.column("quantity", .integer).notNull()
                t.column("requestedBy", .text).notNull()
                t.column("requestedAt", .text).notNull()
                t.column("orderId", .text)  // the install order it became, for invoicing
                t.column("collectedAt", .text).notNull()
                t.uniqueKey(["serverId", "installId"])
            }
        }
        // The portal's sign-in sessions: the cookie holds a random secret, the row only its SHA-256.
        migrator.registerMigration("v10-portal") { db in
            try db.create(table: "portalSession") { t in
                t.primaryKey("id", .text)
                t.belongsTo("user", onDelete: .cascade).notNull()
                t.column("csrfToken", .text).notNull()
                t.column("createdAt", .text).notNull()
                t.column("expiresAt", .text).notNull()
            }
        }
        // Automatic install tests: how a test was made (a person's word or the sandbox), where it ran, and why it failed.
        migrator.registerMigration("v11-sandbox-tests") { db in
            try db.alter(table: "packageTest") { t in
                t.add(column: "mode", .text).notNull().defaults(to: "manual")  // manual | auto
                t.add(column: "runner", .text)  // "tested automatically (Wine 8.0, template …)"
                t.add(column: "reasons", .text).notNull().defaults(to: "[]")  // JSON array of sentences
                t.add(column: "blocking", .boolean).notNull().defaults(to: true)  // false: a warning (testing.yaml warn)
            }
        }
        // Issue 15: a version imported from a manifest has no installer and no signature, so it is `catalogued`,
        // not published: never orderable, never on a whitelist, never signed. Versions that claim a signed state
        // without a stored signature go back to the state their records prove; manifests' release days become
        // upstream releases so that the currency report knows them.
        migrator.registerMigration("v12-truth-catalogued") { db in
            let claimed = "v.state IN ('signed', 'published', 'retired') AND NOT EXISTS (SELECT 1 FROM packageSignature s WHERE s.packageVersionId = v.id)"
            let catalogued = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM packageVersion v WHERE \(claimed) AND v.sha256 IS NULL") ?? 0
            try db.execute(sql: "UPDATE packageVersion AS v SET state = 'catalogued', licenceScope = NULL WHERE \(claimed) AND v.sha256 IS NULL")
            let demoted = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM packageVersion v WHERE \(claimed)") ?? 0
            try db.execute(sql: """
                UPDATE packageVersion AS v SET state = CASE
                    WHEN EXISTS (SELECT 1 FROM packageTest t WHERE t.packageVersionId = v.id AND t.passed
                                 AND t.id = (SELECT MAX(id) FROM packageTest WHERE packageVersionId = v.id)) THEN 'tested'
                    WHEN EXISTS (SELECT 1 FROM classification c WHERE c.packageVersionId = v.id) THEN 'classified'
                    WHEN EXISTS (SELECT 1 FROM licenceReview r WHERE r.packageVersionId = v.id AND r.decision = 'approved') THEN 'licence-approved'
                    ELSE 'inspected' END
                WHERE \(claimed)
                """)
            try db.execute(sql: """
                INSERT OR IGNORE INTO upstreamRelease (program, version, released, source, recordedBy, recordedAt)
                SELECT p.slug, v.version, v.released, 'catalog manifest', 'system', ?
                FROM packageVersion v JOIN program p ON p.id = v.programId
                WHERE v.origin = 'catalog' AND v.released IS NOT NULL
                """, arguments: [Timestamp.string(Date())])
            let releases = db.changesCount
            if catalogued + demoted + releases > 0 {
                try AuditLog.append(db, at: Date(), actor: "system", action: "store.migrate", subject: "migration:v12-truth-catalogued",
                                    after: #"{"catalogued":\#(catalogued),"demoted":\#(demoted),"upstreamReleases":\#(releases)}"#)
            }
            // A licence review carries its submission's number, so a reviewer never decides the wrong package by
            // mistaking one number for the other (they drifted apart after a quarantined upload).
            try db.execute(sql: "UPDATE licenceReview SET id = -id")
            try db.execute(sql: "UPDATE licenceReview SET id = submissionId WHERE submissionId IS NOT NULL")
            try db.execute(sql: """
                UPDATE licenceReview SET id = (SELECT COALESCE(MAX(id), 0) FROM submission) - id WHERE id < 0
                """)
            // Detected and concluded licences are kept apart; the licence texts a reviewer reads are kept by hash.
            try db.alter(table: "licenceReview") { t in
                t.add(column: "concluded", .text)
                t.add(column: "texts", .text)
            }
            // A packaging request: someone asks for a catalogued program to be packaged; the packagers' queue.
            try db.create(table: "packagingRequest") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("program", onDelete: .restrict).notNull()
                t.column("version", .text)  // null: the newest release
                t.column("note", .text)
                t.column("requestedBy", .text).notNull()
                t.column("requestedAt", .text).notNull()
            }
        }
        // Uninstalls an edu server recorded, brought back by `depot edu collect` once per server and id; each gives
        // its seats back (`seatReturn`, subtracted from the seats used).
        migrator.registerMigration("v13-edu-uninstalls") { db in
            try db.create(table: "seatReturn") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("program", onDelete: .restrict).notNull()
                t.column("quantity", .integer).notNull().check { $0 > 0 }
                t.column("reference", .text).notNull()  // what gave the seats back: an edu uninstall
                t.column("returnedBy", .text).notNull()
                t.column("at", .text).notNull()
            }
            try db.create(table: "eduUninstall") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("serverId", .text).notNull()
                t.column("uninstallId", .integer).notNull()
                t.column("installId", .integer).notNull()
                t.column("school", .text).notNull()
                t.column("program", .text).notNull()
                t.column("quantity", .integer).notNull()
                t.column("reportedBy", .text).notNull()
                t.column("reportedAt", .text).notNull()
                t.column("collectedAt", .text).notNull()
                t.uniqueKey(["serverId", "uninstallId"])
            }
            // Installers the fast channel admitted to a tier's whitelists, and when: the tier's update cadence
            // decides how often new ones are admitted.
            try db.create(table: "eduFastChannel") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("tier", .text).notNull()
                t.column("program", .text).notNull()
                t.column("version", .text).notNull()
                t.column("sha256", .text).notNull()
                t.column("follows", .text).notNull()
                t.column("admittedAt", .text).notNull()
                t.uniqueKey(["tier", "sha256"])
            }
        }
        // Accounts that end: tokens are revoked one by one and remember their last use; a user can be disabled; each
        // user has a private calendar-feed secret (shown in the portal's Subscribe link, so kept as it is, like the
        // private iCalendar addresses of mail services; it reads the schedule only and is reset with one command).
        migrator.registerMigration("v12-contract-accounts") { db in
            try db.alter(table: "apiToken") { t in
                t.add(column: "lastUsedAt", .text)
                t.add(column: "revokedAt", .text)
            }
            try db.alter(table: "user") { t in
                t.add(column: "disabledAt", .text)
                t.add(column: "calendarSecret", .text)
            }
            try db.create(index: "user_on_calendarSecret", on: "user", columns: ["calendarSecret"], unique: true)
        }
        // Publication version numbers, committed before any file carries them, so a publish killed part-way
        // never lets the next one sign different bytes under the same number.
        migrator.registerMigration("v13-hostile-publication-versions") { db in
            try db.create(table: "publicationVersion") { t in
                t.primaryKey("kind", .text)
                t.column("reserved", .integer).notNull()
            }
        }
        return migrator
    }
}
