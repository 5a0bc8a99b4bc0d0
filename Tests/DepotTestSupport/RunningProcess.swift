import Foundation

/// Any long-running child process (a static file server, nginx) that reports readiness on stdout, stopped when
/// released. `RunningServer` is the `depot serve` special case.
public final class RunningProcess: @unchecked Sendable {
    // Set once in init; stop() is the only mutation and runs from deinit or the test's own thread.
    public let process: Process
    /// The text after `readyMarker` on the line that contained it.
    public let ready: String
    private let outputFile: URL

    public init(_ executable: String, _ arguments: [String], readyMarker: String, in directory: URL? = nil,
                timeout: TimeInterval = 30) throws {
        process = Process()
        guard let resolved = executable.hasPrefix("/") ? executable : Tools.which(executable) else {
            throw ToolError(message: "'\(executable)' is not installed; run 'make deps'")
        }
        process.executableURL = URL(fileURLWithPath: resolved)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        outputFile = FileManager.default.temporaryDirectory.appendingPathComponent("process-\(UUID().uuidString).out")
        FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        let handle = try FileHandle(forWritingTo: outputFile)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        var found: String?
        while Date() < deadline, process.isRunning {
            let text = (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
            if let range = text.range(of: readyMarker) {
                found = text[range.upperBound...].split(separator: "\n").first.map(String.init) ?? ""
                break
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        guard let found else {
            let text = (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
            kill(process.processIdentifier, SIGKILL)
            throw ToolError(message: "\(executable) did not print '\(readyMarker)' within \(Int(timeout)) s: \(text.suffix(500))")
        }
        ready = found
    }

    /// Everything the process wrote so far (stdout and stderr).
    public var output: String { (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "" }

    /// Stops the process with SIGKILL: a child of a test thread may inherit a signal mask that blocks SIGTERM.
    public func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: outputFile)
    }
}
