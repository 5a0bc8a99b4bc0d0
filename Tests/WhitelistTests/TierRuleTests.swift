import DepotModel
import DepotPolicy
import Foundation
import Testing
import Whitelist

@Suite("Tier rules")
struct TierRuleTests {
    @Test func lockedListsOnlyTheCentrallyApprovedStandardSet() throws {
        let locked = try Fixture.builder().whitelist(tier: "locked")
        #expect(Fixture.programs(locked) == ["dictionary", "geogebra", "mozilla-firefox"])
        #expect(locked.apps.allSatisfy { $0.channel == .central && $0.delivery == .central })
        #expect(!locked.selfInstall && !locked.fastChannel)
        #expect(locked.updateCadence == .centralMonthly)
        #expect(Fixture.versions(locked, "geogebra") == ["6.0.1"])
    }

    @Test func standardAddsSelfInstallWithinItsCategories() throws {
        let standard = try Fixture.builder().whitelist(tier: "standard")
        #expect(Fixture.programs(standard) == ["audacity", "dictionary", "geogebra", "keynote", "mathtype",
                                              "mozilla-firefox", "nvda", "read-aloud", "scratch", "vlc"])
        #expect(standard.selfInstall && !standard.fastChannel)
        #expect(standard.entries(for: "vlc").first?.delivery == .selfInstall)
        #expect(standard.entries(for: "geogebra").first?.delivery == .central)
        // Developer tools are not a standard-tier category.
        #expect(standard.entries(for: "vscode").isEmpty)
        #expect(standard.apps.allSatisfy { $0.channel == .central })
    }

    @Test func openAddsTheFastChannelOnlyForSamePublisherSignerAndLicence() throws {
        let open = try Fixture.builder().whitelist(tier: "open")
        // 1.92.0 has another signer and 1.93.0 another licence, so only 1.91.0 follows 1.90.0.
        #expect(Fixture.versions(open, "vscode") == ["1.90.0", "1.91.0"])
        let fast = try #require(open.entries(for: "vscode").last)
        #expect(fast.channel == .fast)
        #expect(fast.followsVersion == "1.90.0")
        #expect(fast.licenceScope == .edu)
        #expect(fast.delivery == .selfInstall)
        // Thonny 4.1.1 comes from another publisher.
        #expect(Fixture.versions(open, "thonny") == ["4.1.0"])
        // NVDA's approved version has no known signer, so nothing could prove a newer one is the same.
        #expect(open.apps.filter { $0.channel == .fast }.map(\.program) == ["mathtype", "vscode"])
        // The fast-channel MathType counts against the seats of the approved licence.
        let mathtype = try #require(open.entries(for: "mathtype").last)
        #expect(mathtype.version == "7.9" && mathtype.needsSeat && mathtype.seatsAvailable == 3)
        #expect(open.publishedSeats(for: "mathtype") == 3)
    }

    @Test func fastChannelRefusalsSayWhy() throws {
        let builder = try Fixture.builder()
        let open = try builder.whitelist(tier: "open")
        let base = try #require(open.entries(for: "vscode").first)
        let byVersion = Dictionary(uniqueKeysWithValues: Fixture.candidates.filter { $0.program == "vscode" }.map { ($0.version, $0) })
        #expect(builder.fastChannelRefusal(try #require(byVersion["1.91.0"]), base: base) == nil)
        #expect(builder.fastChannelRefusal(try #require(byVersion["1.92.0"]), base: base)?.contains("not signed by") == true)
        #expect(builder.fastChannelRefusal(try #require(byVersion["1.93.0"]), base: base)?.contains("licence change needs a central review") == true)
        #expect(builder.fastChannelRefusal(base.asCandidate(version: "1.89.0"), base: base)?.contains("not newer") == true)
    }

    @Test func theFastChannelComparesAuthenticodeSignersWhereThereAreAndLicenceTextsAlways() throws {
        // NVDA's approved 2024.1 is unsigned: an unsigned 2024.2 with the same licence text follows it,
        // a signed one (a new signer) and one whose licence text is unknown do not.
        func nvda(_ version: String, signer: SignerIdentity? = nil, texts: [String]? = [Fixture.hash("the licence text of GPL-2.0-or-later")])
            -> WhitelistCandidate {
            var c = Fixture.app("nvda", version, name: "NVDA", category: "accessibility", scope: nil, publisher: "NV Access",
                                signer: signer, installerType: "exe", licence: "GPL-2.0-or-later")
            c.licenceTexts = texts
            return c
        }
        let builder = try Fixture.builder(Fixture.candidates + [nvda("2024.2"), nvda("2024.3", signer: Fixture.otherSigner),
                                                                nvda("2024.4", texts: nil)])
        let open = try builder.whitelist(tier: "open")
        #expect(Fixture.versions(open, "nvda") == ["2024.1", "2024.2"])
        #expect(open.entries(for: "nvda").last?.channel == .fast && open.entries(for: "nvda").last?.followsVersion == "2024.1")
        let decisions = Dictionary(uniqueKeysWithValues: builder.fastChannelDecisions(tier: "open")
            .filter { $0.candidate.program == "nvda" }.map { ($0.candidate.version, $0) })
        #expect(decisions["2024.2"]?.refusal == nil && decisions["2024.2"]?.follows == "2024.1")
        #expect(decisions["2024.3"]?.refusal?.contains("the approved 2024.1 is unsigned") == true)
        #expect(decisions["2024.4"]?.refusal?.contains("carries no licence text") == true)
        // The standard tier has no fast channel: nothing is considered there.
        #expect(builder.fastChannelDecisions(tier: "standard").isEmpty)
        // Only admitted installers are listed: the catalog admits new ones at the tier's cadence.
        var gated = builder
        gated.fastAdmitted = ["open": []]
        #expect(try gated.whitelist(tier: "open").apps.allSatisfy { $0.channel == .central })
        gated.fastAdmitted = ["open": [nvda("2024.2").sha256]]
        #expect(try gated.whitelist(tier: "open").apps.filter { $0.channel == .fast }.map(\.version) == ["2024.2"])
    }

    @Test func theFastChannelUsesTheVersionOrderingItIsGiven() throws {
        // Under a reversed ordering 1.91.0 is older than the approved 1.90.0, so it must not be listed.
        let reversed = try WhitelistBuilder(tiers: try Fixture.tiers, candidates: Fixture.candidates) { _, a, b in a < b }
        #expect(Fixture.versions(try reversed.whitelist(tier: "open"), "vscode") == ["1.90.0"])
    }

    @Test func adminOnlyLicenceScopeNeverReachesAWhitelist() throws {
        let builder = try Fixture.builder()
        var school = School(id: "norra-skolan", name: "Norra skolan", tier: "open")
        let payloads = try builder.publication(schools: [school])
        #expect(payloads.count == 4)
        for payload in payloads {
            #expect(payload.entries(for: "adobe-acrobat").isEmpty, "\(payload.subject)")
            #expect(!Fixture.versions(payload, "geogebra").contains("6.0.2"), "\(payload.subject)")
        }
        school.allow("adobe-acrobat")
        // Even an allow that slipped past validation (the scope changed after it was set) cannot list it.
        #expect(try builder.whitelist(school: school).entries(for: "adobe-acrobat").isEmpty)
        let tiers = try Fixture.tiers
        let error = #expect(throws: WhitelistError.self) { try school.validate(tiers: tiers, candidates: Fixture.candidates) }
        #expect(error?.message.contains("norra-skolan") == true)
        #expect(error?.message.contains("adobe-acrobat") == true)
        #expect(error?.message.contains("not approved for edu") == true)
    }

    @Test func unknownTierIsNamed() throws {
        #expect(throws: WhitelistError.self) { try Fixture.builder().whitelist(tier: "wide-open") }
        let school = School(id: "x", name: "X", tier: "wide-open")
        let tiers = try Fixture.tiers
        let error = #expect(throws: WhitelistError.self) { try school.validate(tiers: tiers, candidates: Fixture.candidates) }
        #expect(error?.message.contains("'wide-open'") == true)
        #expect(error?.message.contains("locked, standard, open") == true)
    }

    @Test func sameInputInAnyOrderGivesIdenticalBytes() throws {
        let school = School(id: "sodra", name: "Södra", tier: "open", allowed: [], blocked: ["vlc"])
        let a = try Fixture.builder().whitelist(school: school)
        let b = try Fixture.builder(Fixture.candidates.reversed()).whitelist(school: school)
        #expect(try a.canonicalJSON() == b.canonicalJSON())
        for format in ExportFormat.allCases {
            #expect(try WhitelistExporter.export(a, as: format) == WhitelistExporter.export(b, as: format), "\(format)")
        }
        let decoded = try JSONDecoder().decode(WhitelistPayload.self, from: try a.canonicalJSON())
        #expect(decoded == a)
    }

    @Test func badCandidatesAreRefusedByName() throws {
        var bad = Fixture.app("vlc", "3.0.21", category: "media", scope: .edu)
        bad.sha256 = "XYZ"
        #expect(throws: WhitelistError.self) { try Fixture.builder([bad]) }
        bad = Fixture.app("vlc", "3.0.21", category: "media", scope: .edu)
        bad.downloadPath = "packages/../../etc/passwd"
        let traversal = #expect(throws: WhitelistError.self) { try Fixture.builder([bad]) }
        #expect(traversal?.message.contains("vlc 3.0.21") == true)
        #expect(traversal?.message.contains("inside the published directory") == true)
        bad = Fixture.app("scratch", "3.30", category: "education", scope: .edu, signer: SignerIdentity(.appleTeamID, "short"))
        #expect(throws: WhitelistError.self) { try Fixture.builder([bad]) }
        bad = Fixture.app("ext", "1", category: "education", scope: .edu, signer: SignerIdentity(.chromeExtension, "zz"))
        #expect(throws: WhitelistError.self) { try Fixture.builder([bad]) }
    }
}

extension WhitelistEntry {
    /// The entry as an unapproved candidate of another version, for probing the fast-channel rule.
    func asCandidate(version: String) -> WhitelistCandidate {
        WhitelistCandidate(program: program, name: name, version: version, sha256: sha256, size: size,
                           downloadPath: downloadPath, platforms: platforms, installerType: installerType,
                           publisher: publisher, signer: signer, licence: licence, approvedScope: nil, category: category)
    }
}
