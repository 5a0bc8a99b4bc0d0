import Foundation
import Licensing
import Testing

@Suite("SPDX expressions")
struct SPDXExpressionTests {
    let list = SPDXLicenseList.installed()

    @Test("valid expressions come back canonical: list case, upper-case operators, minimal parentheses")
    func canonical() throws {
        let cases: [(String, String)] = [
            ("mit", "MIT"),
            ("apache-2.0 OR mit", "Apache-2.0 OR MIT"),
            ("(MIT OR Apache-2.0) AND bsd-3-clause", "(MIT OR Apache-2.0) AND BSD-3-Clause"),
            ("MIT OR (BSD-2-Clause AND ISC)", "MIT OR BSD-2-Clause AND ISC"),
            ("((MIT))", "MIT"),
            ("GPL-2.0-or-later WITH classpath-exception-2.0", "GPL-2.0-or-later WITH Classpath-exception-2.0"),
            ("Apache-2.0 WITH LLVM-exception OR MIT", "Apache-2.0 WITH LLVM-exception OR MIT"),
            ("licenseref-Acme-EULA", "LicenseRef-Acme-EULA"),
            ("DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2", "DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2"),
            ("MPL-2.0+", "MPL-2.0+"),
            ("MIT AND MIT", "MIT"),
        ]
        for (input, expected) in cases {
            #expect(try SPDXExpression.parse(input, list: list).description == expected, "\(input)")
        }
    }

    @Test("WITH binds tighter than AND, AND tighter than OR")
    func precedence() throws {
        let expression = try SPDXExpression.parse("MIT OR GPL-2.0-only WITH Classpath-exception-2.0 AND ISC", list: list)
        guard case .or(let alternatives) = expression else {
            Issue.record("expected OR at the top, got \(expression)")
            return
        }
        #expect(alternatives.count == 2)
        #expect(alternatives[0] == .license(id: "MIT", orLater: false))
        guard case .and(let both) = alternatives[1] else {
            Issue.record("expected AND under OR, got \(alternatives[1])")
            return
        }
        #expect(both[0] == .with(.license(id: "GPL-2.0-only", orLater: false), exception: "Classpath-exception-2.0"))
        #expect(both[1] == .license(id: "ISC", orLater: false))
        #expect(expression.identifiers == ["MIT", "GPL-2.0-only", "ISC"])
    }

    @Test("deprecated identifiers map to their current form")
    func deprecated() throws {
        let cases: [(String, String)] = [
            ("GPL-2.0", "GPL-2.0-only"), ("GPL-2.0+", "GPL-2.0-or-later"), ("LGPL-2.1+", "LGPL-2.1-or-later"),
            ("gpl-3.0", "GPL-3.0-only"), ("AGPL-3.0", "AGPL-3.0-only"), ("LGPL-3.0+", "LGPL-3.0-or-later"),
            ("GFDL-1.3", "GFDL-1.3-only"),
            ("GPL-2.0-with-classpath-exception", "GPL-2.0-only WITH Classpath-exception-2.0"),
            ("GPL-3.0-with-GCC-exception", "GPL-3.0-only WITH GCC-exception-3.1"),
            ("GPL-2.0-only+", "GPL-2.0-or-later"),
        ]
        for (input, expected) in cases {
            #expect(try SPDXExpression.parse(input, list: list).description == expected, "\(input)")
        }
    }

    @Test("invalid expressions name the bad token and its column", arguments: [
        ("MIT and Apache-2.0", 5, "upper case"),
        ("MIT Or Apache-2.0", 5, "upper case"),
        ("MIT AND", 8, "ends"),
        ("(MIT OR ISC", 1, "never closed"),
        ("MIT)", 4, "no matching"),
        ("MIT ISC", 5, "expected AND, OR"),
        ("AND MIT", 1, "expected a licence identifier"),
        ("Foo-License-9", 1, "not an SPDX licence identifier"),
        ("MIT WITH Bogus-exception", 10, "exception"),
        ("(MIT OR ISC) WITH LLVM-exception", 14, "single licence"),
        ("LicenseRef-x+", 13, "LicenseRef"),
        ("MIT/ISC", 4, "'/' is not allowed"),
        ("", 1, "empty"),
        ("MIT OR", 7, "ends"),
    ])
    func invalid(input: String, column: Int, hint: String) {
        do {
            let parsed = try SPDXExpression.parse(input, list: list)
            Issue.record("'\(input)' parsed as \(parsed) but should be refused")
        } catch let error as LicensingError {
            #expect(error.column == column, "\(input): \(error.message)")
            #expect(error.message.contains(hint), "\(input): \(error.message)")
            #expect(error.code == "licence.expression")
            #expect(error.kind == .invalidInput)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("identifiers not on the list can be kept when asked, and hostile input is bounded")
    func lenientAndBounded() throws {
        let parser = SPDXExpressionParser(list: list, allowUnknownIdentifiers: true)
        #expect(try parser.parse("Acme-1.0 OR MIT").description == "Acme-1.0 OR MIT")
        let deep = String(repeating: "(", count: 500) + "MIT" + String(repeating: ")", count: 500)
        #expect(throws: LicensingError.self) { try SPDXExpression.parse(deep, list: list) }
        let long = Array(repeating: "MIT", count: 2000).joined(separator: " AND ")
        #expect(throws: LicensingError.self) { try SPDXExpression.parse(long, list: list) }
    }

    @Test("an expression encodes as its canonical string and decodes back")
    func codable() throws {
        let expression = try SPDXExpression.parse("(mit OR apache-2.0) AND GPL-2.0+", list: list)
        let data = try JSONEncoder().encode([expression])
        #expect(String(decoding: data, as: UTF8.self) == #"["(MIT OR Apache-2.0) AND GPL-2.0-or-later"]"#)
        #expect(try JSONDecoder().decode([SPDXExpression].self, from: data) == [expression])
    }

    @Test("the installed SPDX list is read and merged with the built-in table")
    func installedList() {
        #expect(list.licences.count > 400, "run 'make deps' to install php-composer-spdx-licenses")
        #expect(list.licence("gpl-2.0-only")?.isOsiApproved == true)
        #expect(list.licence("GPL-2.0")?.isDeprecated == true)
        #expect(list.licence("MIT")?.isFsfLibre == true)
        #expect(list.exception("llvm-exception") == "LLVM-exception")
        #expect(SPDXLicenseList.builtIn.licence("Apache-2.0")?.name == "Apache License 2.0")
    }
}

@Suite("Declared licences")
struct DeclaredLicenceTests {
    let reader = DeclaredLicenceReader(list: .installed())

    @Test("free-text names map to SPDX", arguments: [
        ("Apache License, Version 2.0", "Apache-2.0"),
        ("The Apache Software License, Version 2.0", "Apache-2.0"),
        ("Apache 2.0", "Apache-2.0"),
        ("MIT License", "MIT"),
        ("Expat", "MIT"),
        ("GNU GPL v3", "GPL-3.0-only"),
        ("GPLv2 or later", "GPL-2.0-or-later"),
        ("License :: OSI Approved :: GNU General Public License v3 or later (GPLv3+)", "GPL-3.0-or-later"),
        ("GNU Lesser General Public License v2.1 or later", "LGPL-2.1-or-later"),
        ("MPL 2.0", "MPL-2.0"),
        ("Mozilla Public License 2.0", "MPL-2.0"),
        ("new BSD license", "BSD-3-Clause"),
        ("CC BY-SA 4.0", "CC-BY-SA-4.0"),
        ("Boost Software License 1.0", "BSL-1.0"),
        ("Public Domain", "LicenseRef-depot-public-domain"),
        ("Proprietary", "LicenseRef-depot-proprietary"),
    ])
    func freeText(declaration: String, expected: String) {
        let read = reader.read(declaration)
        #expect(read.expression?.description == expected, "\(declaration): \(read.note ?? "")")
        #expect(read.reading == .freeText)
    }

    @Test("DEP-5 and loose operators are normalised into a strict expression")
    func compound() {
        let dep5 = reader.read("GPL-2+ or Artistic")
        #expect(dep5.expression?.description == "GPL-2.0-or-later OR Artistic-1.0")
        #expect(dep5.reading == .normalised)
        let slash = reader.read("MIT/Apache-2.0")
        #expect(slash.expression?.description == "MIT OR Apache-2.0")
        #expect(slash.note?.contains("'/' read as OR") == true)
        let strict = reader.read("GPL-2.0")
        #expect(strict.reading == .strict)
        #expect(strict.expression?.description == "GPL-2.0-only")
        #expect(strict.note?.contains("deprecated") == true)
    }

    @Test("a family without a version is ambiguous, nonsense is unrecognised, neither guesses")
    func refusesToGuess() {
        let bsd = reader.read("BSD")
        #expect(bsd.expression == nil)
        #expect(bsd.reading == .ambiguous)
        #expect(bsd.candidates.contains("BSD-3-Clause") && bsd.candidates.contains("BSD-2-Clause"))
        let gpl = reader.read("GPL")
        #expect(gpl.reading == .ambiguous)
        let unknown = reader.read("see LICENSE.txt in the distribution")
        #expect(unknown.reading == .unrecognised)
        #expect(unknown.expression == nil)
        #expect(reader.read("   ").reading == .unrecognised)
    }
}
