import Foundation
import Yams

/// Reads one YAML policy file and collects every problem in it with its line and column, instead of stopping
/// at the first. Typed accessors on `PolicyValue` and `PolicyMapping` record a problem and return nil when the
/// YAML does not hold what a policy expects; the caller builds its value only when nothing is missing.
public final class PolicyReader {
    /// The file as the user named it (`Policies/intake.yaml`), used in every problem.
    public let file: String
    /// Everything found wrong so far, in the order of the lines they concern (whole-file problems first).
    public var problems: [PolicyProblem] {
        // Stable: problems at one position keep the order they were found in.
        found.enumerated().sorted { a, b in
            let left = (a.element.line ?? 0, a.element.column ?? 0, a.offset)
            let right = (b.element.line ?? 0, b.element.column ?? 0, b.offset)
            return left < right
        }.map(\.element) + (truncated ? [PolicyProblem(file: file, message: "more problems not shown; fix the ones above first")] : [])
    }
    private var found: [PolicyProblem] = []
    private var rootNode: Node?
    private var truncated = false

    /// Policy files are a few kilobytes; anything this large is a mistake (a wrong file copied in).
    public static let maxFileBytes = 1 << 20
    /// Past this many problems in one file, more are noise: the file is probably not a policy file at all.
    public static let maxProblems = 200

    /// Parses YAML text that was read elsewhere; `file` names it in problems.
    public init(yaml: String, file: String) {
        self.file = file
        parse(yaml)
    }

    /// Reads and parses a file; a missing, unreadable, oversized or non-UTF-8 file becomes a problem.
    public init(contentsOf url: URL, file: String) {
        self.file = file
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            report("missing file: every policy file must exist; restore it from the repository's Policies/ folder", at: nil)
            return
        }
        let attributes = try? fileManager.attributesOfItem(atPath: url.path)
        guard !isDirectory.boolValue, (attributes?[.type] as? FileAttributeType) == .typeRegular else {
            report("expected a regular file, found a directory or special file", at: nil)
            return
        }
        if let size = (attributes?[.size] as? NSNumber)?.int64Value, size > Int64(Self.maxFileBytes) {
            report("expected a policy file of at most \(Self.maxFileBytes) bytes, got \(size) bytes", at: nil)
            return
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            report("cannot be read: \(error.localizedDescription)", at: nil)
            return
        }
        guard data.count <= Self.maxFileBytes else {
            report("expected a policy file of at most \(Self.maxFileBytes) bytes, got \(data.count) bytes", at: nil)
            return
        }
        guard let text = String(data: data, encoding: .utf8) else {
            report("expected UTF-8 text; save the file as UTF-8", at: nil)
            return
        }
        parse(text)
    }

    /// The document's top value, or nil when the file could not be parsed (a problem says why).
    public var root: PolicyValue? {
        rootNode.map { PolicyValue(node: $0, reader: self, path: "") }
    }

    /// Throws a `PolicyError` with every problem when there is any.
    public func check() throws {
        if !found.isEmpty { throw PolicyError(problems: problems) }
    }

    /// Records a problem at a YAML position; used by the typed accessors and by checks across several values.
    func report(_ message: String, at mark: Mark?) {
        report(message, line: mark?.line, column: mark?.column)
    }

    func report(_ message: String, line: Int?, column: Int?) {
        guard found.count < Self.maxProblems else {
            truncated = true
            return
        }
        found.append(PolicyProblem(file: file, line: line, column: column, message: message))
    }

    private func parse(_ text: String) {
        // Aliases let a few lines expand into an exponentially large tree (the "billion laughs"), and a
        // value that silently repeats another is hard to review anyway; policy files spell values out.
        if let position = AliasScan.firstAlias(in: text) {
            report("aliases (*name) are not allowed in policy files: write the value out where it is used",
                   line: position.line, column: position.column)
            return
        }
        do {
            guard let node = try Yams.compose(yaml: text) else {
                report("the file is empty; expected a mapping of policy settings", at: nil)
                return
            }
            rootNode = node
        } catch let error as YamlError {
            record(error)
        } catch {
            report("not valid YAML: \(error)", at: nil)
        }
    }

    private func record(_ error: YamlError) {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            var message = "not valid YAML: \(problem)"
            if let context {
                message += " (\(context.text) that began at line \(context.mark.line), column \(context.mark.column))"
            }
            report(message, at: mark)
        case let .duplicatedKeysInMapping(duplicates, context):
            let names = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            report("key \(names) appears more than once in the same mapping; keep one", at: context.mark)
        case let .reader(problem, offset, _, yaml):
            var line: Int?, column: Int?
            if let offset, offset >= 0 {
                let prefix = yaml.prefix(offset)
                line = prefix.reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
                column = prefix.reversed().prefix { $0 != "\n" }.count + 1
            }
            report("not readable as YAML text: \(problem)", line: line, column: column)
        default:
            report("not valid YAML: \(error)", at: nil)
        }
    }
}
