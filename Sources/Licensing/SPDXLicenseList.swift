import Foundation

/// One licence on the SPDX licence list.
public struct SPDXLicenceInfo: Sendable, Hashable, Codable {
    /// The identifier in the list's canonical case, e.g. `GPL-2.0-only`.
    public let id: String
    public let name: String
    public let isOsiApproved: Bool
    /// Known to be free/libre by the FSF (only known for the built-in table's identifiers).
    public let isFsfLibre: Bool
    public let isDeprecated: Bool

    public init(id: String, name: String, isOsiApproved: Bool, isFsfLibre: Bool, isDeprecated: Bool) {
        self.id = id
        self.name = name
        self.isOsiApproved = isOsiApproved
        self.isFsfLibre = isFsfLibre
        self.isDeprecated = isDeprecated
    }
}

/// The SPDX licence and exception identifiers a parser accepts, with their canonical case
/// and the current replacements of deprecated identifiers.
public struct SPDXLicenseList: Sendable {
    /// Licences keyed by lower-cased identifier: SPDX identifiers match case-insensitively.
    public private(set) var licences: [String: SPDXLicenceInfo]
    /// Exception canonical identifiers keyed by lower-cased identifier.
    public private(set) var exceptions: [String: String]
    /// The SPDX list version the data came from, when it was read from an installed package.
    public private(set) var listVersion: String?

    public init(licences: [SPDXLicenceInfo], exceptions: [String], listVersion: String? = nil) {
        var byKey: [String: SPDXLicenceInfo] = [:]
        for licence in licences { byKey[licence.id.lowercased()] = licence }
        self.licences = byKey
        var exceptionKeys: [String: String] = [:]
        for exception in exceptions { exceptionKeys[exception.lowercased()] = exception }
        self.exceptions = exceptionKeys
        self.listVersion = listVersion
    }

    /// The licence with this identifier, matched case-insensitively.
    public func licence(_ id: String) -> SPDXLicenceInfo? { licences[id.lowercased()] }

    /// The canonical spelling of an exception identifier, matched case-insensitively.
    public func exception(_ id: String) -> String? { exceptions[id.lowercased()] }

    /// The current expression that replaces a deprecated identifier (with `+` already applied), or nil.
    public func replacement(forDeprecated id: String, orLater: Bool) -> SPDXExpression? {
        let key = id.lowercased()
        if let family = Self.onlyOrLaterFamilies[key] {
            return .license(id: family + (orLater ? "-or-later" : "-only"), orLater: false)
        }
        if let (base, exception) = Self.deprecatedWithException[key] {
            return .with(.license(id: base, orLater: false), exception: exception)
        }
        if let current = Self.deprecatedRenamed[key] {
            return .license(id: current, orLater: orLater)
        }
        return nil
    }

    /// The identifiers and names written into this module, enough to parse without any installed data.
    public static let builtIn: SPDXLicenseList = {
        var infos: [SPDXLicenceInfo] = []
        for row in builtInTable.split(separator: "\n") where !row.isEmpty {
            let fields = row.split(separator: "|", omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            let flags = fields[2]
            infos.append(SPDXLicenceInfo(
                id: String(fields[0]), name: String(fields[1]),
                isOsiApproved: flags.contains("O"), isFsfLibre: flags.contains("F"),
                isDeprecated: flags.contains("D")))
        }
        return SPDXLicenseList(licences: infos, exceptions: builtInExceptions)
    }()

    /// Where Debian's php-composer-spdx-licenses installs the SPDX list.
    public static let installedListDirectory = "/usr/share/php/data/Composer/res"

    /// The built-in table merged with the full SPDX list from the installed Debian package; the
    /// built-in table alone when the package is missing (parsing still works for common identifiers).
    public static func installed(directory: String = installedListDirectory) -> SPDXLicenseList {
        (try? load(directory: directory)) ?? builtIn
    }

    /// Reads `spdx-licenses.json` and `spdx-exceptions.json` (the composer/spdx-licenses layout:
    /// id → [name, osi, deprecated]) from a directory and merges them over the built-in table.
    public static func load(directory: String) throws -> SPDXLicenseList {
        let licencePath = directory + "/spdx-licenses.json"
        let exceptionPath = directory + "/spdx-exceptions.json"
        guard let licenceData = FileManager.default.contents(atPath: licencePath),
              let licenceJSON = try? JSONSerialization.jsonObject(with: licenceData) as? [String: Any]
        else { throw LicensingError.listMissing(licencePath) }
        var list = builtIn
        list.listVersion = "composer-spdx"
        for (id, value) in licenceJSON {
            guard let fields = value as? [Any], let name = fields.first as? String else { continue }
            let osi = (fields.count > 1 ? fields[1] as? Bool : nil) ?? false
            let deprecated = (fields.count > 2 ? fields[2] as? Bool : nil) ?? false
            let known = list.licences[id.lowercased()]
            list.licences[id.lowercased()] = SPDXLicenceInfo(
                id: id, name: name, isOsiApproved: osi || (known?.isOsiApproved ?? false),
                isFsfLibre: known?.isFsfLibre ?? false, isDeprecated: deprecated)
        }
        if let exceptionData = FileManager.default.contents(atPath: exceptionPath),
           let exceptionJSON = try? JSONSerialization.jsonObject(with: exceptionData) as? [String: Any] {
            for id in exceptionJSON.keys { list.exceptions[id.lowercased()] = id }
        }
        return list
    }

    // Deprecated GNU identifiers whose current form says -only or -or-later explicitly.
    static let onlyOrLaterFamilies: [String: String] = {
        var map: [String: String] = [:]
        for family in ["GPL-1.0", "GPL-2.0", "GPL-3.0", "LGPL-2.0", "LGPL-2.1", "LGPL-3.0", "AGPL-1.0", "AGPL-3.0",
                       "GFDL-1.1", "GFDL-1.2", "GFDL-1.3"] {
            map[family.lowercased()] = family
        }
        return map
    }()

    // Deprecated "licence-with-exception" identifiers, replaced by WITH expressions.
    static let deprecatedWithException: [String: (String, String)] = [
        "gpl-2.0-with-autoconf-exception": ("GPL-2.0-only", "Autoconf-exception-2.0"),
        "gpl-2.0-with-bison-exception": ("GPL-2.0-or-later", "Bison-exception-2.2"),
        "gpl-2.0-with-classpath-exception": ("GPL-2.0-only", "Classpath-exception-2.0"),
        "gpl-2.0-with-font-exception": ("GPL-2.0-only", "Font-exception-2.0"),
        "gpl-2.0-with-gcc-exception": ("GPL-2.0-only", "GCC-exception-2.0"),
        "gpl-3.0-with-autoconf-exception": ("GPL-3.0-only", "Autoconf-exception-3.0"),
        "gpl-3.0-with-gcc-exception": ("GPL-3.0-only", "GCC-exception-3.1"),
        "ecos-2.0": ("GPL-2.0-or-later", "eCos-exception-2.0"),
        "wxwindows": ("LGPL-2.0-or-later", "WxWindows-exception-3.1"),
    ]

    // Deprecated identifiers renamed to another single identifier.
    static let deprecatedRenamed: [String: String] = [
        "standardml-nj": "SMLNJ",
        "nunit": "zlib-acknowledgement",
        "bsd-2-clause-freebsd": "BSD-2-Clause-Views",
        "bsd-2-clause-netbsd": "BSD-2-Clause",
        "bzip2-1.0.5": "bzip2-1.0.6",
    ]
}
