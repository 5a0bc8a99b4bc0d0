import DepotPolicy
import Testing
import Whitelist

@Suite("Schools and self-install")
struct SchoolTests {
    @Test func aLockedSchoolMayAllowAnAppWithinItsTierAndBlockAnother() throws {
        var school = School(id: "ekbacken", name: "Ekbackens skola", tier: "locked")
        school.allow("nvda")
        school.block("mozilla-firefox")
        let list = try Fixture.builder().whitelist(school: school)
        #expect(Fixture.programs(list) == ["dictionary", "geogebra", "nvda"])
        // A locked school gets its extra app centrally, never as a self-install.
        #expect(list.entries(for: "nvda").first?.delivery == .central)
        #expect(list.kind == .school && list.school == "ekbacken" && list.schoolName == "Ekbackens skola")
        #expect(list.subject == "school-ekbacken")
    }

    @Test func allowingAnAppOutsideTheTierIsRefusedNamingSchoolAppAndTier() throws {
        var school = School(id: "ekbacken", name: "Ekbackens skola", tier: "standard")
        school.allow("vscode")
        let tiers = try Fixture.tiers
        let error = #expect(throws: WhitelistError.self) { try school.validate(tiers: tiers, candidates: Fixture.candidates) }
        let message = error?.message ?? ""
        #expect(message.contains("'ekbacken'"))
        #expect(message.contains("'vscode'"))
        #expect(message.contains("tier 'standard'"))
        #expect(message.contains("'developer'"))
        #expect(message.contains("'open'"), "the message should name the tier that would allow it")
        #expect(error?.kind == .refused)
        // Publishing ignores the stale allow instead of failing every school's publication.
        #expect(try Fixture.builder().whitelist(school: school).entries(for: "vscode").isEmpty)
        // The same allow is fine in the open tier.
        school.tier = "open"
        try school.validate(tiers: tiers, candidates: Fixture.candidates)
    }

    @Test func unknownProgramsAndBadIdsAreRefused() throws {
        let tiers = try Fixture.tiers
        let typo = School(id: "ekbacken", name: "Ekbacken", tier: "open", blocked: ["vlcc"])
        let error = #expect(throws: WhitelistError.self) { try typo.validate(tiers: tiers, candidates: Fixture.candidates) }
        #expect(error?.message.contains("'vlcc'") == true)
        let badID = School(id: "Ek Backen", name: "Ekbacken", tier: "open")
        #expect(throws: WhitelistError.self) { try badID.validate(tiers: tiers, candidates: Fixture.candidates) }
        let noName = School(id: "ekbacken", name: "  ", tier: "open")
        #expect(throws: WhitelistError.self) { try noName.validate(tiers: tiers, candidates: Fixture.candidates) }
    }

    @Test func allowAndBlockReplaceEachOther() {
        var school = School(id: "a", name: "A", tier: "open", allowed: ["vlc", "vlc"], blocked: [])
        #expect(school.allowed == ["vlc"])
        school.block("vlc")
        #expect(school.allowed.isEmpty && school.blocked == ["vlc"])
        school.allow("vlc")
        #expect(school.allowed == ["vlc"] && school.blocked.isEmpty)
    }

    @Test func selfInstallDecisionsGiveTheReason() throws {
        let builder = try Fixture.builder()
        let locked = School(id: "ekbacken", name: "Ekbacken", tier: "locked")
        let lockedList = try builder.whitelist(school: locked)
        let refusedLocked = WhitelistPolicyCheck.canSelfInstall(school: locked, program: "geogebra", whitelist: lockedList, seatsLeft: nil)
        #expect(refusedLocked.reason?.contains("does not allow self-install") == true)
        #expect(refusedLocked.reason?.contains("'locked'") == true)

        let standard = School(id: "tallkrogen", name: "Tallkrogen", tier: "standard", blocked: ["vlc"])
        let list = try builder.whitelist(school: standard)
        #expect(WhitelistPolicyCheck.canSelfInstall(school: standard, program: "nvda", whitelist: list, seatsLeft: nil) == .allowed)

        let notListed = WhitelistPolicyCheck.canSelfInstall(school: standard, program: "vscode", whitelist: list, seatsLeft: nil)
        #expect(notListed.reason == "'vscode' is not on the whitelist of school 'tallkrogen' (tier 'standard')")
        let blocked = WhitelistPolicyCheck.canSelfInstall(school: standard, program: "vlc", whitelist: list, seatsLeft: nil)
        #expect(blocked.reason?.contains("not on the whitelist") == true)
        // A block set after publication applies at once.
        var later = standard
        later.block("nvda")
        #expect(!WhitelistPolicyCheck.canSelfInstall(school: later, program: "nvda", whitelist: list, seatsLeft: nil).isAllowed)

        // MathType was published with 3 seats; a class of 25 does not fit, 3 devices do.
        let classOrder = WhitelistPolicyCheck.canSelfInstall(school: standard, program: "mathtype", whitelist: list,
                                                             seatsLeft: nil, devices: 25)
        #expect(classOrder.reason == "no seats left for 'mathtype': 25 devices requested, 3 seats left")
        #expect(WhitelistPolicyCheck.canSelfInstall(school: standard, program: "mathtype", whitelist: list,
                                                    seatsLeft: nil, devices: 3) == .allowed)
        // The live count from the edu server wins over the published one.
        let live = WhitelistPolicyCheck.canSelfInstall(school: standard, program: "mathtype", whitelist: list, seatsLeft: 0)
        #expect(live.reason == "no seats left for 'mathtype': 1 device requested, 0 seats left")
    }

    @Test func aWhitelistOfAnotherSchoolOrTierDecidesNothing() throws {
        let builder = try Fixture.builder()
        let a = School(id: "school-a", name: "A", tier: "standard")
        let b = School(id: "school-b", name: "B", tier: "standard")
        let listOfA = try builder.whitelist(school: a)
        let decision = WhitelistPolicyCheck.canSelfInstall(school: b, program: "nvda", whitelist: listOfA, seatsLeft: nil)
        #expect(decision.reason?.contains("'school-a'") == true)
        // A tier whitelist applies to schools of that tier, with their blocks.
        let tierList = try builder.whitelist(tier: "standard")
        #expect(WhitelistPolicyCheck.canSelfInstall(school: b, program: "nvda", whitelist: tierList, seatsLeft: nil) == .allowed)
        let blocking = School(id: "school-c", name: "C", tier: "standard", blocked: ["nvda"])
        #expect(!WhitelistPolicyCheck.canSelfInstall(school: blocking, program: "nvda", whitelist: tierList, seatsLeft: nil).isAllowed)
        let openSchool = School(id: "school-d", name: "D", tier: "open")
        #expect(WhitelistPolicyCheck.canSelfInstall(school: openSchool, program: "nvda", whitelist: tierList, seatsLeft: nil)
            .reason?.contains("tier 'open'") == true)
    }
}
