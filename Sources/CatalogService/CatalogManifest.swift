import DepotModel
import Foundation
import Yams

/// One program version as the demo catalog and `catalog export` write it: `Catalog/programs/<program>/<version>.yaml`.
public struct CatalogManifest: Codable, Sendable, Equatable {
    public var program: String
    public var name: String
    public var publisher: String
    public var version: String
    public var released: String
    public var licence: String
    public var platforms: [String]
    public var architectures: [String]
    public var category: String
    public var baseline: Bool
    public var environments: [String]
    public var versionScheme: String
    public var installerType: String
    public var silentSwitch: String?
    public var homepage: String
    public var description: String

    static let platforms: Set = ["windows", "macos", "linux", "chromeos", "ios", "android", "web"]
    static let architectures: Set = ["x86", "x64", "arm64", "any"]
    static let categories: Set = ["browser", "pdf-reader", "office", "archiver", "media", "conferencing", "education",
                                  "accessibility", "graphics", "developer", "utility", "plugin", "runtime", "security"]
    static let environments: Set = ["admin", "edu"]
    static let schemes: Set = ["dotted", "semver", "windows", "pep440", "debian", "rpm"]
    static let installerTypes: Set = ["msi", "msix", "exe", "nsis", "inno", "burn", "zip", "pkg", "deb", "rpm", "crx", "web"]
}

/// A named bundle of programs for one kind of user: `Catalog/profiles/<profile>.yaml`.
public struct CatalogProfile: Codable, Sendable, Equatable {
    public var profile: String
    public var name: String
    public var description: String
    public var environment: String
    public var programs: [String]
}

/// A manifest that does not follow the schema: every problem with its file, line and column.
public struct ManifestError: DepotError {
    public let kind = ErrorKind.invalidInput
    public let code = "manifest.invalid"
    public let problems: [String]
    public var message: String {
        problems.count == 1 ? problems[0]
            : "\(problems.count) problems in the catalog manifests:\n" + problems.map { "  " + $0 }.joined(separator: "\n")
    }
}

/// Reads a YAML mapping strictly: each accessor records a problem naming the line instead of throwing at once,
/// so one run reports everything wrong with a file.
struct ManifestReader {
    let file: String
    var problems: [String] = []

    init(file: String) { self.file = file }

    mutating func problem(_ node: Node?, _ text: String) {
        if let mark = node?.mark { problems.append("\(file):\(mark.line):\(mark.column): \(text)") }
        else { problems.append("\(file): \(text)") }
    }

    mutating func mapping(_ yaml: String) -> Node.Mapping? {
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                problem(nil, "the file is empty; expected a YAML mapping"); return nil
            }
            guard let mapping = node.mapping else { problem(node, "expected a YAML mapping of field: value"); return nil }
            return mapping
        } catch let error as YamlError {
            problem(nil, "not valid YAML: \(Self.describe(error))")
        } catch {
            problem(nil, "not valid YAML: \(error)")
        }
        return nil
    }

    static func describe(_ error: YamlError) -> String {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _):
            return "line \(mark.line), column \(mark.column): \(problem)\(context.map { " \($0.text)" } ?? "")"
        default:
            return String(describing: error)
        }
    }

    mutating func checkKeys(_ mapping: Node.Mapping, known: [String]) {
        for key in mapping.keys {
            guard let name = key.string else { problem(key, "expected a field name"); continue }
            if !known.contains(name) {
                let hint = known.min { Self.distance($0, name) < Self.distance($1, name) }.map { "; did you mean '\($0)'?" } ?? ""
                problem(key, "unknown field '\(name)'\(hint)")
            }
        }
    }

    mutating func string(_ mapping: Node.Mapping, _ key: String, required: Bool = true, allowed: Set<String>? = nil) -> String? {
        guard let node = mapping[key] else {
            if required { problem(nil, "missing required field '\(key)'") }
            return nil
        }
        guard case let .scalar(scalar) = node else { problem(node, "'\(key)' must be a single value"); return nil }
        if node.tag.rawValue != Tag.Name.str.rawValue && scalar.style == .plain && ["version"].contains(key) {
            // Unquoted versions such as 1.10 would read as numbers elsewhere; insist on quotes.
            if Double(scalar.string) != nil {
                problem(node, "'\(key)' must be a quoted string (write \"\(scalar.string)\")")
            }
        }
        let value = scalar.string.trimmingCharacters(in: .whitespaces)
        if value.isEmpty { problem(node, "'\(key)' must not be empty"); return nil }
        if let allowed, !allowed.contains(value) {
            problem(node, "'\(key)' is '\(value)'; expected one of: \(allowed.sorted().joined(separator: ", "))")
            return nil
        }
        return value
    }

    mutating func bool(_ mapping: Node.Mapping, _ key: String) -> Bool? {
        guard let node = mapping[key] else { problem(nil, "missing required field '\(key)'"); return nil }
        guard let value = node.bool else { problem(node, "'\(key)' must be true or false, got '\(node.string ?? "?")'"); return nil }
        return value
    }

    mutating func list(_ mapping: Node.Mapping, _ key: String, allowed: Set<String>? = nil) -> [String]? {
        guard let node = mapping[key] else { problem(nil, "missing required field '\(key)'"); return nil }
        guard let sequence = node.sequence, !sequence.isEmpty else {
            problem(node, "'\(key)' must be a non-empty list such as [a, b]"); return nil
        }
        var values: [String] = []
        for item in sequence {
            guard let value = item.string, !value.isEmpty else { problem(item, "'\(key)' items must be words"); continue }
            if let allowed, !allowed.contains(value) {
                problem(item, "'\(value)' is not a known value for '\(key)'; expected one of: \(allowed.sorted().joined(separator: ", "))")
                continue
            }
            values.append(value)
        }
        return values
    }

    mutating func date(_ mapping: Node.Mapping, _ key: String) -> String? {
        guard let text = string(mapping, key) else { return nil }
        guard text.count == 10, Timestamp.parse(text) != nil else {
            problem(mapping[key], "'\(key)' must be a date as YYYY-MM-DD, got '\(text)'"); return nil
        }
        return text
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let old = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = old
            }
        }
        return row[b.count]
    }
}

extension CatalogManifest {
    static let fields = ["manifestVersion", "program", "name", "publisher", "version", "released", "licence", "platforms",
                         "architectures", "category", "baseline", "environments", "versionScheme", "installerType",
                         "silentSwitch", "homepage", "description"]

    /// Parses one manifest; `expectedProgram`/`expectedVersion` come from its folder and file name.
    static func parse(_ yaml: String, file: String, expectedProgram: String?, expectedVersion: String?) -> Result<CatalogManifest, ManifestError> {
        var r = ManifestReader(file: file)
        guard let m = r.mapping(yaml) else { return .failure(ManifestError(problems: r.problems)) }
        r.checkKeys(m, known: fields)
        if let node = m["manifestVersion"], node.int != 1 { r.problem(node, "'manifestVersion' must be 1") }
        let program = r.string(m, "program")
        if let program, !CatalogManifest.isIdentifier(program) {
            r.problem(m["program"], "'program' must be lowercase letters, digits and '-', got '\(program)'")
        }
        if let program, let expectedProgram, program != expectedProgram {
            r.problem(m["program"], "'program' is '\(program)' but the folder is '\(expectedProgram)'; they must match")
        }
        let version = r.string(m, "version")
        if let version, let expectedVersion, version != expectedVersion {
            r.problem(m["version"], "'version' is '\(version)' but the file is '\(expectedVersion).yaml'; they must match")
        }
        let homepage = r.string(m, "homepage")
        if let homepage, !homepage.hasPrefix("https://") { r.problem(m["homepage"], "'homepage' must be an https:// URL") }
        let manifest = CatalogManifest(
            program: program ?? "", name: r.string(m, "name") ?? "", publisher: r.string(m, "publisher") ?? "",
            version: version ?? "", released: r.date(m, "released") ?? "", licence: r.string(m, "licence") ?? "",
            platforms: r.list(m, "platforms", allowed: Self.platforms) ?? [],
            architectures: r.list(m, "architectures", allowed: Self.architectures) ?? [],
            category: r.string(m, "category", allowed: Self.categories) ?? "", baseline: r.bool(m, "baseline") ?? false,
            environments: r.list(m, "environments", allowed: Self.environments) ?? [],
            versionScheme: r.string(m, "versionScheme", allowed: Self.schemes) ?? "",
            installerType: r.string(m, "installerType", allowed: Self.installerTypes) ?? "",
            silentSwitch: r.string(m, "silentSwitch", required: false), homepage: homepage ?? "",
            description: r.string(m, "description") ?? "")
        return r.problems.isEmpty ? .success(manifest) : .failure(ManifestError(problems: r.problems))
    }

    static func isIdentifier(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 100 && text.first != "-"
            && text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    /// The manifest as YAML, fields in schema order, every string quoted so it reads back identically.
    func yaml() -> String {
        func q(_ s: String) -> String { Snapshot.json(s) }
        func list(_ items: [String]) -> String { "[" + items.map(q).joined(separator: ", ") + "]" }
        var lines = [
            "manifestVersion: 1", "program: \(q(program))", "name: \(q(name))", "publisher: \(q(publisher))",
            "version: \(q(version))", "released: \(released)", "licence: \(q(licence))",
            "platforms: \(list(platforms))", "architectures: \(list(architectures))", "category: \(q(category))",
            "baseline: \(baseline)", "environments: \(list(environments))", "versionScheme: \(q(versionScheme))",
            "installerType: \(q(installerType))",
        ]
        if let silentSwitch { lines.append("silentSwitch: \(q(silentSwitch))") }
        lines += ["homepage: \(q(homepage))", "description: \(q(description))"]
        return lines.joined(separator: "\n") + "\n"
    }
}

extension CatalogProfile {
    static let fields = ["profile", "name", "description", "environment", "programs"]

    static func parse(_ yaml: String, file: String, expected: String?) -> Result<CatalogProfile, ManifestError> {
        var r = ManifestReader(file: file)
        guard let m = r.mapping(yaml) else { return .failure(ManifestError(problems: r.problems)) }
        r.checkKeys(m, known: fields)
        let id = r.string(m, "profile")
        if let id, let expected, id != expected {
            r.problem(m["profile"], "'profile' is '\(id)' but the file is '\(expected).yaml'; they must match")
        }
        let profile = CatalogProfile(
            profile: id ?? "", name: r.string(m, "name") ?? "", description: r.string(m, "description") ?? "",
            environment: r.string(m, "environment", allowed: CatalogManifest.environments) ?? "",
            programs: r.list(m, "programs") ?? [])
        return r.problems.isEmpty ? .success(profile) : .failure(ManifestError(problems: r.problems))
    }

    func yaml() -> String {
        func q(_ s: String) -> String { Snapshot.json(s) }
        return """
            profile: \(q(profile))
            name: \(q(name))
            description: \(q(description))
            environment: \(q(environment))
            programs: [\(programs.map(q).joined(separator: ", "))]

            """
    }
}
