import Foundation

/// Real installers built with real tools, for tests across modules.
public enum Fixtures {
    /// A Debian package built with dpkg-deb, with a DEP-5 copyright file.
    public static func debianPackage(in dir: TemporaryDirectory, name: String = "hello-depot", version: String = "2.10-3",
                                     licence: String = "GPL-3.0-or-later", payloadBytes: Int = 0,
                                     maintainer: String = "Jane Doe <jane@example.org>") throws -> URL {
        let root = dir.url.appendingPathComponent("deb-\(name)-\(version)")
        try dir.write("deb-\(name)-\(version)/DEBIAN/control", """
            Package: \(name)
            Version: \(version)
            Architecture: amd64
            Maintainer: \(maintainer)
            Description: A test package for Depot.

            """)
        try dir.write("deb-\(name)-\(version)/usr/share/doc/\(name)/copyright", """
            Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/

            Files: *
            Copyright: 2020 Jane Doe
            License: \(licence)

            """)
        if payloadBytes > 0 {
            var bytes = [UInt8](repeating: 0, count: payloadBytes)
            var state: UInt64 = 0x9E37_79B9_7F4A_7C15
            for i in 0..<payloadBytes {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                bytes[i] = UInt8(truncatingIfNeeded: state >> 33)
            }
            try dir.write("deb-\(name)-\(version)/usr/lib/\(name)/payload.bin", Data(bytes))
        }
        let output = dir.url.appendingPathComponent("\(name)_\(version)_amd64.deb")
        try Tools.require("dpkg-deb", ["-Zxz", "-b", "--root-owner-group", root.path, output.path])
        return output
    }

    /// The first `count` bytes of a file, as a new file.
    public static func truncated(_ file: URL, to count: Int, in dir: TemporaryDirectory) throws -> URL {
        let data = try Data(contentsOf: file)
        return try dir.write("truncated-\(count)-\(file.lastPathComponent)", data.prefix(count))
    }
}
