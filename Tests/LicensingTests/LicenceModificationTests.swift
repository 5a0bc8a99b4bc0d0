import Foundation
import Licensing
import Testing

/// Altered licences and restrictive neighbours (issue 20, classes 2 and 3).
@Suite("Modified licences and restrictive neighbours")
struct LicenceModificationTests {
    func detector() throws -> LicenceDetector { LicenceDetector(library: try library()) }

    func mit() throws -> String { "Copyright (c) 2024 ACME AB\n\n" + filled(try referenceText("MIT")) }

    func bsd3() throws -> String { "Copyright (c) 2024 ACME AB\n\n" + filled(try referenceText("BSD-3-Clause")) }

    /// Inserts a paragraph before the paragraph containing `marker` (or appends it).
    func inserting(_ paragraph: String, before marker: String, in text: String) -> String {
        var paragraphs = text.components(separatedBy: "\n\n")
        let index = paragraphs.firstIndex { $0.uppercased().contains(marker.uppercased()) } ?? paragraphs.count
        paragraphs.insert(paragraph, at: index)
        return paragraphs.joined(separator: "\n\n")
    }

    @Test("MIT with an added 'no public service' sentence is not MIT: modified, the sentence shown and flagged")
    func restrictionInsideMIT() throws {
        let added = "The Software may not be used to offer a publicly accessible service, hosted or otherwise, to third parties."
        let text = inserting(added, before: "THE SOFTWARE IS PROVIDED", in: try mit())
        let report = try detector().detect(files: [("LICENSE", Array(text.utf8))])
        #expect(!report.matches.contains { $0.isConfident && $0.id == "MIT" }, "\(report.matches)")
        let match = try #require(report.matches.first)
        #expect(match.nearest == "MIT" && match.isModified)
        let difference = try #require(match.differences?.first { $0.kind == .added })
        #expect(difference.text.contains("publicly accessible service"))
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("publicly accessible") }.map { $0 + 1 }
        #expect(difference.line == line)
        #expect(report.clauses.contains { $0.kind == .noPublicService && $0.line == line }, "\(report.clauses)")
        let json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any])
        let first = try #require((json["matches"] as? [[String: Any]])?.first)
        #expect(first["modified"] as? Bool == true && first["nearest"] as? String == "MIT")
    }

    @Test("a sentence left out of a licence is shown as removed; the licence is still named, with less confidence")
    func removedSentence() throws {
        let full = try bsd3()
        let text = full.replacingOccurrences(of: "Redistributions in binary form must reproduce the above copyright notice,",
                                             with: "Binary forms:")
        let report = try detector().detect(files: [("LICENSE", Array(text.utf8))])
        let match = try #require(report.matches.first)
        if match.isConfident {
            #expect(match.id == "BSD-3-Clause" && match.confidence <= 0.9)
        }
        #expect(match.differences?.contains { $0.kind == .removed && $0.text.lowercased().contains("reproduce the above copyright") } == true,
                "\(match)")
    }

    @Test("restrictive neighbours are never named as the permissive licence they resemble", arguments: [
        ("CC-BY-NC", "CC-BY-4.0"), ("BSD-4-Clause", "BSD-3-Clause"), ("JSON", "MIT"), ("Sleepycat", "BSD-3-Clause"),
    ])
    func neighbours(kind: String, permissive: String) throws {
        let text: String
        switch kind {
        case "CC-BY-NC":
            var cc = try referenceText("CC-BY-4.0")
            cc = cc.replacingOccurrences(of: "reproduce and Share the Licensed Material, in whole or in part;",
                                         with: "reproduce and Share the Licensed Material, in whole or in part, for NonCommercial purposes only;")
            text = inserting("NonCommercial means not primarily intended for or directed towards commercial advantage or monetary "
                             + "compensation. For purposes of this Public License, the exchange of the Licensed Material for other "
                             + "material subject to Copyright and Similar Rights by digital file-sharing or similar means is NonCommercial.",
                             before: "Section 2", in: cc)
        case "BSD-4-Clause":
            text = inserting("3. All advertising materials mentioning features or use of this software must display the following "
                             + "acknowledgement: This product includes software developed by ACME AB.", before: "Neither the name", in: try bsd3())
        case "JSON":
            text = inserting("The Software shall be used for Good, not Evil.", before: "THE SOFTWARE IS PROVIDED", in: try mit())
        default:
            text = inserting("Redistributions in any form must be accompanied by information on how to obtain complete source code "
                             + "for the DB software and any accompanying software that uses the DB software. The source code must "
                             + "either be included in the distribution or be available for no more than the cost of distribution plus "
                             + "a nominal fee, and must be freely redistributable under reasonable conditions.",
                             before: "THIS SOFTWARE IS PROVIDED", in: try bsd3())
        }
        let report = try detector().detect(files: [("LICENSE", Array(text.utf8))])
        #expect(!report.matches.contains { $0.isConfident && $0.id == permissive }, "\(kind): \(report.matches)")
        #expect(report.expression?.description != permissive)
        // Whatever names it, a person sees that it is not the plain licence.
        #expect(report.matches.contains { !$0.isConfident || $0.id != permissive })
    }

    @Test("a plain copy of a licence is not modified and its own words flag no clause")
    func plainCopy() throws {
        let report = try detector().detect(files: [("LICENSE", Array(try mit().utf8)), ("COPYING", Array(try referenceText("GPL-3.0-only").utf8))])
        #expect(report.matches.map(\.id) == ["MIT", "GPL-3.0-only"], "\(report.matches)")
        #expect(report.matches.allSatisfy { !$0.isModified && $0.confidence >= 0.95 }, "\(report.matches)")
        #expect(report.clauses.isEmpty, "\(report.clauses)")
    }

    @Test("confidence is separate from coverage: a short licence named from a statement has coverage 1, and unknown text confidence 0")
    func confidence() throws {
        let report = try detector().detect(files: [
            ("README", Array("Released under the MIT License.\n".utf8)),
            ("LICENSE", Array(try mit().utf8)),
        ])
        let statement = try #require(report.matches.first { $0.file == "README" })
        let text = try #require(report.matches.first { $0.file == "LICENSE" })
        #expect(statement.rule == .reference && statement.confidence < text.confidence)
        #expect(statement.confidence >= LicenceDetector.confidentThreshold)
    }
}
