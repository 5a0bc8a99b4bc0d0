import Foundation

/// The built `depot` executable, run as a user would run it.
public enum DepotBinary {
    public static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `$DEPOT_BIN`, else the `depot` next to the test bundle, else `.build/debug/depot`.
    public static var path: String {
        if let explicit = ProcessInfo.processInfo.environment["DEPOT_BIN"] { return explicit }
        if let bundle = Bundle.main.executableURL?.deletingLastPathComponent().appendingPathComponent("depot"),
           FileManager.default.isExecutableFile(atPath: bundle.path) { return bundle.path }
        for candidate in [".build/debug/depot", ".build/x86_64-unknown-linux-gnu/debug/depot"] {
            let url = packageRoot.appendingPathComponent(candidate)
            if FileManager.default.isExecutableFile(atPath: url.path) { return url.path }
        }
        return packageRoot.appendingPathComponent(".build/debug/depot").path
    }

    /// Runs `depot ARGS` in the package root (so `Catalog/` resolves) with a clean DEPOT_* environment.
    @discardableResult
    public static func run(_ arguments: [String], environment: [String: String] = [:], stdin: Data? = nil) throws -> ToolResult {
        var env = ["DEPOT_USER": "", "DEPOT_HOME": "", "DEPOT_LOG_LEVEL": "warning"]
        env.merge(environment) { $1 }
        return try Tools.run(path, arguments, in: packageRoot, stdin: stdin, environment: env)
    }
}

/// A `depot serve` child process on a free loopback port, stopped when released.
public final class RunningServer: @unchecked Sendable {
    // Set once in init; terminate() is the only mutation and runs from deinit or the test's own thread.
    public let process: Process
    public let baseURL: String
    private let outputFile: URL

    public init(arguments: [String], timeout: TimeInterval = 30) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: DepotBinary.path)
        process.arguments = arguments + ["--port", "0", "--host", "127.0.0.1"]
        process.currentDirectoryURL = DepotBinary.packageRoot
        var env = ProcessInfo.processInfo.environment
        env["DEPOT_LOG_LEVEL"] = "warning"
        process.environment = env
        outputFile = FileManager.default.temporaryDirectory.appendingPathComponent("depot-serve-\(UUID().uuidString).out")
        FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: outputFile)
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        var found: String?
        while Date() < deadline, process.isRunning {
            let text = (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
            if let range = text.range(of: "listening on ") {
                found = text[range.upperBound...].split(separator: "\n").first.map(String.init)
                break
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        guard let found else {
            process.terminate()
            throw ToolError(message: "depot serve did not report its address within \(Int(timeout)) s")
        }
        baseURL = found
    }

    /// Stops the server the way an operator would (SIGTERM) and waits for it.
    public func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: outputFile)
    }
}

/// An HTTP exchange made with the real `curl` client over loopback.
public struct HTTPExchange: Sendable {
    public let status: Int
    public let body: String
    public let headers: String

    public var json: Any? { try? JSONSerialization.jsonObject(with: Data(body.utf8)) }

    public static func get(_ url: String, token: String? = nil) throws -> HTTPExchange {
        try request("GET", url, token: token)
    }

    public static func request(_ method: String, _ url: String, token: String? = nil, bodyFile: String? = nil,
                               headers: [String] = []) throws -> HTTPExchange {
        let dir = FileManager.default.temporaryDirectory
        let headerFile = dir.appendingPathComponent("curl-h-\(UUID().uuidString)")
        let bodyOut = dir.appendingPathComponent("curl-b-\(UUID().uuidString)")
        defer {
            try? FileManager.default.removeItem(at: headerFile)
            try? FileManager.default.removeItem(at: bodyOut)
        }
        var args = ["-sS", "-X", method, "-D", headerFile.path, "-o", bodyOut.path, "-w", "%{http_code}", "--max-time", "60"]
        if let token { args += ["-H", "Authorization: Bearer \(token)"] }
        for header in headers { args += ["-H", header] }
        if let bodyFile { args += ["--data-binary", "@\(bodyFile)"] }
        args.append(url)
        let result = try Tools.require("curl", args)
        return HTTPExchange(status: Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0,
                            body: (try? String(contentsOf: bodyOut, encoding: .utf8)) ?? "",
                            headers: (try? String(contentsOf: headerFile, encoding: .utf8)) ?? "")
    }
}
