import Foundation

/// The result of running an external program.
public struct ToolResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
    public var succeeded: Bool { status == 0 }
}

/// Runs real external tools (dpkg-deb, openssl, zip, …) for fixtures and cross-checks.
public enum Tools {
    /// The absolute path of a program on PATH, or nil.
    public static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs a program with arguments, optionally in a directory and with standard input; waits for it.
    @discardableResult
    public static func run(
        _ program: String, _ arguments: [String], in directory: URL? = nil,
        stdin: Data? = nil, environment: [String: String]? = nil
    ) throws -> ToolResult {
        let process = Process()
        if program.hasPrefix("/") {
            process.executableURL = URL(fileURLWithPath: program)
        } else if let resolved = which(program) {
            process.executableURL = URL(fileURLWithPath: resolved)
        } else {
            throw ToolError(message: "'\(program)' is not installed; run 'make deps'")
        }
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let outFile = FileManager.default.temporaryDirectory.appendingPathComponent("tool-\(UUID().uuidString).out")
        let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("tool-\(UUID().uuidString).err")
        FileManager.default.createFile(atPath: outFile.path, contents: nil)
        FileManager.default.createFile(atPath: errFile.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outFile)
            try? FileManager.default.removeItem(at: errFile)
        }
        // Files rather than pipes: a chatty tool can never fill a pipe buffer and deadlock us.
        process.standardOutput = try FileHandle(forWritingTo: outFile)
        process.standardError = try FileHandle(forWritingTo: errFile)
        if let stdin {
            let inFile = FileManager.default.temporaryDirectory.appendingPathComponent("tool-\(UUID().uuidString).in")
            try stdin.write(to: inFile)
            process.standardInput = try FileHandle(forReadingFrom: inFile)
            defer { try? FileManager.default.removeItem(at: inFile) }
            try process.run()
            process.waitUntilExit()
        } else {
            process.standardInput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
        }
        let out = (try? String(contentsOf: outFile, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOf: errFile, encoding: .utf8)) ?? ""
        return ToolResult(status: process.terminationStatus, stdout: out, stderr: err)
    }

    /// Runs a program and throws with its stderr when it fails.
    @discardableResult
    public static func require(
        _ program: String, _ arguments: [String], in directory: URL? = nil, stdin: Data? = nil
    ) throws -> ToolResult {
        let result = try run(program, arguments, in: directory, stdin: stdin)
        guard result.succeeded else {
            throw ToolError(message: "\(program) \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.stderr)")
        }
        return result
    }
}

public struct ToolError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
