import Foundation
import Licensing
import Testing

/// Licences stated in words, and files that state none (issue 20, classes 4–9).
@Suite("Licence statements")
struct LicenceStatementTests {
    func detector() throws -> LicenceDetector { LicenceDetector(library: try library()) }

    func expression(_ text: String, file: String = "LICENSE") throws -> String? {
        try detector().detect(files: [(file, Array(text.utf8))]).expression?.description
    }

    @Test("SPDX-License-Identifier tags are read as declared, in any comment syntax, with OR and WITH kept", arguments: [
        ("// SPDX-License-Identifier: MIT OR Apache-2.0\nint main(void) { return 0; }\n", "MIT OR Apache-2.0"),
        ("/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */\n#define X 1\n", "GPL-2.0-only WITH Linux-syscall-note"),
        ("#!/bin/sh\n# SPDX-License-Identifier: GPL-2.0+\necho hi\n", "GPL-2.0-or-later"),
        ("<!-- SPDX-License-Identifier: CC-BY-4.0 -->\n<p>Docs</p>\n", "CC-BY-4.0"),
        ("-- SPDX-License-Identifier: (MIT AND BSD-3-Clause) OR Apache-2.0\n", "MIT AND BSD-3-Clause OR Apache-2.0"),
    ])
    func tags(text: String, expected: String) throws {
        let report = try detector().detect(files: [("main.c", Array(text.utf8))])
        #expect(report.expression?.description == expected, "\(report.matches)")
        let tag = try #require(report.matches.first)
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("SPDX-License-Identifier") }
        #expect(tag.rule == .tag && tag.isConfident && tag.confidence == 1.0 && tag.startLine == (line ?? -1) + 1, "\(tag)")
    }

    @Test("GNU notices give -only or -or-later as written, for GPL, LGPL, Library GPL, AGPL and the FDL", arguments: [
        ("it under the terms of the GNU General Public License as published by\nthe Free Software Foundation; either version 2 of the License, or\n(at your option) any later version.", "GPL-2.0-or-later"),
        ("it under the terms of the GNU General Public License as published by\nthe Free Software Foundation, version 3.", "GPL-3.0-only"),
        ("it under the terms of the GNU General Public License version 2 only,\nas published by the Free Software Foundation.", "GPL-2.0-only"),
        ("it under the terms of the GNU Lesser General Public License as published\nby the Free Software Foundation, either version 3 of the License, or\n(at your option) any later version.", "LGPL-3.0-or-later"),
        ("it under the terms of the GNU Library General Public License as\npublished by the Free Software Foundation; either version 2 of the\nLicense, or (at your option) any later version.", "LGPL-2.0-or-later"),
        ("modify it under the terms of the GNU Lesser General Public\nLicense as published by the Free Software Foundation; version 2.1\nof the License.", "LGPL-2.1-only"),
        ("it under the terms of the GNU Affero General Public License as published\nby the Free Software Foundation, either version 3 of the License, or\n(at your option) any later version.", "AGPL-3.0-or-later"),
        ("document under the terms of the GNU Free Documentation License,\nVersion 1.3 or any later version published by the Free Software\nFoundation.", "GFDL-1.3-or-later"),
    ])
    func gnuNotices(grant: String, expected: String) throws {
        // As a C header comment, with the usual warranty paragraphs around it.
        let text = """
        /*
         * Copyright (C) 2021 Malmö stad
         *
         * This program is free software; you can redistribute it and/or modify
        \(grant.split(separator: "\n").map { " * " + $0 }.joined(separator: "\n"))
         *
         * This program is distributed in the hope that it will be useful,
         * but WITHOUT ANY WARRANTY; without even the implied warranty of
         * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
         * GNU General Public License for more details.
         */
        """
        let report = try detector().detect(files: [("lib.c", Array(text.utf8))])
        #expect(report.expression?.description == expected, "\(report.matches)")
        #expect(report.matches.allSatisfy { $0.isConfident }, "\(report.matches)")
    }

    @Test("short statements and references name the licence; a vague family name names nothing", arguments: [
        ("This project is released under the MIT License.", "MIT"),
        ("This work is licensed under a Creative Commons Attribution 4.0 International License.", "CC-BY-4.0"),
        ("Licensed under the Apache License, Version 2.0 (the \"License\").", "Apache-2.0"),
        ("Distributed under the Boost Software License, Version 1.0.", "BSL-1.0"),
        ("This project is licensed under the terms of the MIT license - see the LICENSE file for details.", "MIT"),
        ("# Widget\n\nA widget for your desk.\n\n## License\n\nMIT © Jane Doe\n", "MIT"),
        ("Name: widget\nLicense: Apache-2.0\n", "Apache-2.0"),
    ])
    func references(text: String, expected: String) throws {
        #expect(try expression(text, file: "README.md") == expected)
    }

    @Test("a family without a version ('the BSD license') is not guessed")
    func vagueReference() throws {
        let report = try detector().detect(files: [("README", Array("This library is released under the BSD license.\n".utf8))])
        #expect(report.matches.allSatisfy { !$0.isConfident }, "\(report.matches)")
    }

    @Test("a stated choice is OR: dual-licence statements, a list of licences 'at your option', and texts with a choice")
    func choices() throws {
        #expect(try expression("This crate is dual-licensed under the MIT license or the Apache License 2.0.\n") == "MIT OR Apache-2.0")
        let rust = """
        ## License

        Licensed under either of

         * Apache License, Version 2.0, ([LICENSE-APACHE](LICENSE-APACHE) or http://www.apache.org/licenses/LICENSE-2.0)
         * MIT license ([LICENSE-MIT](LICENSE-MIT) or http://opensource.org/licenses/MIT)

        at your option.
        """
        #expect(try expression(rust, file: "README.md") == "Apache-2.0 OR MIT")
        let mit = "Copyright (c) 2024 ACME\n\n" + filled(try referenceText("MIT"))
        let bsd = "Copyright (c) 2024 ACME\n\n" + filled(try referenceText("BSD-3-Clause"))
        let both = "You may use this software under the terms of either of the following licences, at your option.\n\n" + mit + "\n\n" + bsd
        #expect(try expression(both) == "MIT OR BSD-3-Clause")
        // Two texts without a stated choice both apply.
        #expect(try expression(mit + "\n\n" + bsd) == "MIT AND BSD-3-Clause")
    }

    @Test("an exception stated in the file is written WITH its licence")
    func exceptions() throws {
        let text = """
        This library is free software; you can redistribute it and/or modify it under the terms of the GNU General
        Public License as published by the Free Software Foundation; either version 2, or (at your option) any later version.

        Linking this library statically or dynamically with other modules is making a combined work based on this library.
        Thus, the terms and conditions of the GNU General Public License cover the whole combination.

        As a special exception, the copyright holders of this library give you permission to link this library with
        independent modules to produce an executable, regardless of the license terms of these independent modules, and
        to copy and distribute the resulting executable under terms of your choice.
        """
        let report = try detector().detect(files: [("COPYING", Array(text.utf8))])
        #expect(report.expression?.description == "GPL-2.0-or-later WITH Classpath-exception-2.0", "\(report.matches)")
        #expect(report.matches.allSatisfy { $0.isConfident }, "\(report.matches)")
    }

    /// The copyright file of Debian's `hello` 2.10-3 package as shipped.
    static let helloCopyright = """
    This is the Debian GNU prepackaged version of the FSF's GNU hello
    utility.  This package provides the classic greeting to the users of
    Debian, as well as providing Debian's developers with an example of
    how to package a GNU program. GNU `hello' was written by Mike Haertel,
    David MacKenzie, Jan Brittenson, Charles Hannum, Roland McGrath, Noah
    Friedman, Karl Eichwalder, and The King.

    This package was first put together by Ian Jackson and it's currently
    maintained by Santiago Vila. The source for this release was taken
    from:

    http://ftp.gnu.org/gnu/hello/hello-2.10.tar.gz

    The changes were very minimal:

    - Adding support for the Debian package maintenance scheme, by adding
      various debian/* files.

    Program Copyright 1992, 1995, 1996, 1997, 1998, 1999, 2000, 2001,
    2002, 2005, 2006, 2007, 2008, 2010, 2011, 2012, 2013, 2014 Free Software Foundation, Inc.

    Modifications for Debian Copyright (C) 1994,1995,1996 Ian Jackson.

    This program is free software: you can redistribute it and/or modify
    it under the terms of the GNU General Public License as published by
    the Free Software Foundation, either version 3 of the License, or
    (at your option) any later version.

    This program is distributed in the hope that it will be useful,
    but WITHOUT ANY WARRANTY; without even the implied warranty of
    MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
    GNU General Public License for more details.

    You should have received a copy of the GNU General Public License
    along with this program.  If not, see <http://www.gnu.org/licenses/>.  */

    On Debian systems, the complete text of the GNU General Public License
    can be found in `/usr/share/common-licenses/GPL'.

    Manual Copyright (C) 1992, 1993, 1996, 2002, 2005-2014 Free Software
    Foundation, Inc.

    Permission is granted to copy, distribute and/or modify this
    document under the terms of the GNU Free Documentation License,
    Version 1.3 or any later version published by the Free Software
    Foundation; with no Invariant Sections, with no Front-Cover Texts,
    and with no Back-Cover Texts.  A copy of the license is included
    in the section entitled "GNU Free Documentation License".

    On Debian systems, the complete text of the GNU Free Documentation
    License can be found in `/usr/share/common-licenses/GFDL'.

    """

    @Test("the hello deb's copyright file: GPL-3.0-or-later for the program, the FDL for its manual, and no unknowns")
    func hello() throws {
        let report = try detector().detect(files: [("usr/share/doc/hello/copyright", Array(Self.helloCopyright.utf8))])
        // The description, the changes and the common-licenses pointers are not licences of their own.
        #expect(report.expression?.description == "GPL-3.0-or-later AND GFDL-1.3-or-later", "\(report.matches)")
        #expect(report.matches.allSatisfy { $0.isConfident }, "\(report.matches)")
        #expect(report.matches.first?.id == "GPL-3.0-or-later")
        #expect(report.matches.first?.startLine == 24)
    }

    @Test("a Debian machine-readable copyright file is read by its License fields, its own licence names by their texts")
    func dep5() throws {
        let mit = filled(try referenceText("MIT")).split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? " ." : " " + $0 }.joined(separator: "\n")
        let text = """
        Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
        Upstream-Name: widget
        Source: https://example.org/widget

        Files: *
        Copyright: 2019-2024 Widget Authors
        License: GPL-2+

        Files: debian/*
        Copyright: 2024 Jane Doe <jane@example.org>
        License: GPL-2+ with OpenSSL exception

        Files: src/compat/*
        Copyright: 2001 Someone Else
        License: widget-compat

        Files: doc/*
        Copyright: 2020 Widget Authors
        License: Apache-2.0 or Expat

        License: GPL-2+
         This program is free software; you can redistribute it and/or modify
         it under the terms of the GNU General Public License as published by
         the Free Software Foundation; either version 2 of the License, or
         (at your option) any later version.
         .
         On Debian systems, the complete text of the GNU General Public
         License version 2 can be found in "/usr/share/common-licenses/GPL-2".

        License: widget-compat
        \(mit)
        """
        let report = try detector().detect(files: [("copyright", Array(text.utf8))])
        // Each Files paragraph is its own declaration: none is folded into another.
        #expect(report.expression?.description
                == "GPL-2.0-or-later AND GPL-2.0-or-later WITH LicenseRef-depot-OpenSSL-exception AND MIT AND (Apache-2.0 OR MIT)",
                "\(report.expression?.description ?? "nil"): \(report.matches)")
        #expect(report.matches.allSatisfy { $0.isConfident && $0.rule == .dep5 }, "\(report.matches)")
        #expect(report.matches.first?.startLine == 7)
        // A name the file does not explain stays unknown, with its line, for a person to read.
        let unexplained = text.replacingOccurrences(of: "License: widget-compat\n\(mit)", with: "")
        let partial = try detector().detect(files: [("copyright", Array(unexplained.utf8))])
        let unknown = try #require(partial.matches.first { !$0.isConfident })
        #expect(unknown.id.hasPrefix(LicenceDetector.unknownPrefix) && unknown.startLine == 15, "\(partial.matches)")
    }

    @Test("text that is no licence is not reported: a description yields no expression, a README keeps only its licence")
    func noLicence() throws {
        let description = """
        Widget is a small program that draws widgets on the screen.

        It supports many colours and shapes, and can export them to PNG files.
        Run `widget --help` for the options. Report bugs on the project's tracker.
        """
        let report = try detector().detect(files: [("README", Array(description.utf8))])
        #expect(report.expression == nil)
        #expect(report.matches.isEmpty, "\(report.matches)")
        #expect(report.files.map(\.file) == ["README"] && report.files.first?.expression == nil)
        #expect(try expression(description + "\n\nThis program is released under the MIT License.\n") == "MIT")
        // Unknown licence-like terms stay visible, with their lines.
        let eula = description + "\n\nYou may not sell, rent or lease the Software. The licensee shall not reverse engineer the Software, "
            + "and any redistribution requires the written permission of the licensor.\n"
        let terms = try detector().detect(files: [("README", Array(eula.utf8))])
        #expect(terms.matches.count == 1 && terms.matches.first?.startLine == 6, "\(terms.matches)")
        #expect(terms.matches.first?.id.hasPrefix(LicenceDetector.unknownPrefix) == true)
    }

    @Test("in a folder each file has its own expression, and the package expression combines them without repeats")
    func perFile() throws {
        let report = try detector().detect(files: [
            ("LICENSE-MIT", Array(("Copyright (c) 2024 ACME\n\n" + filled(try referenceText("MIT"))).utf8)),
            ("LICENSE-APACHE", Array(try referenceText("Apache-2.0").utf8)),
            ("README.md", Array("# Tool\n\nLicensed under either of\n\n * Apache License, Version 2.0\n * MIT license\n\nat your option.\n".utf8)),
            ("src/main.rs", Array("// SPDX-License-Identifier: MIT OR Apache-2.0\nfn main() {}\n".utf8)),
            ("CHANGELOG", Array("## 1.0\n\n- First release.\n- Faster start.\n".utf8)),
        ])
        #expect(report.files.map(\.file) == ["LICENSE-MIT", "LICENSE-APACHE", "README.md", "src/main.rs", "CHANGELOG"])
        #expect(report.files.map { $0.expression?.description } == ["MIT", "Apache-2.0", "Apache-2.0 OR MIT", "MIT OR Apache-2.0", nil])
        #expect(report.expression?.description == "Apache-2.0 OR MIT", "\(report.expression?.description ?? "nil")")
        #expect(report.files.allSatisfy { $0.unknown == 0 })
    }
}
