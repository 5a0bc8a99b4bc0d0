import Foundation

/// One policy file's typed value: the file it lives in and how to read it.
public protocol PolicyDocument: Sendable, Equatable {
    /// The file name inside the policy directory, e.g. `pricing.yaml`.
    static var fileName: String { get }
    /// Reads the document from its root value, recording problems on the reader; nil when it cannot be built.
    static func read(from root: PolicyValue) -> Self?
}

extension PolicyDocument {
    /// Loads one policy file; `displayName` names it in problems (default: the parent folder and file name).
    public static func load(file: URL, displayName: String? = nil) throws -> Self {
        let name = displayName ?? "\(file.deletingLastPathComponent().lastPathComponent)/\(file.lastPathComponent)"
        let reader = PolicyReader(contentsOf: file, file: name)
        return try finish(reader)
    }

    /// Parses policy YAML given as text; `file` names it in problems.
    public static func parse(yaml: String, file: String = Self.fileName) throws -> Self {
        try finish(PolicyReader(yaml: yaml, file: file))
    }

    /// Reads what the reader parsed, recording problems there; used by `PolicySet` to gather every file's problems.
    static func read(with reader: PolicyReader) -> Self? {
        guard let root = reader.root else { return nil }
        return read(from: root)
    }

    private static func finish(_ reader: PolicyReader) throws -> Self {
        let value = read(with: reader)
        try reader.check()
        guard let value else {
            // Every path that returns nil records a problem first; this guards against one that forgets.
            throw PolicyError(problems: [PolicyProblem(file: reader.file, message: "could not be read as a \(fileName) policy")])
        }
        return value
    }
}

/// The two environments the city runs: the administration's computers and the schools' network.
public enum DeploymentEnvironment: String, Sendable, Codable, CaseIterable {
    case admin
    case edu
}
