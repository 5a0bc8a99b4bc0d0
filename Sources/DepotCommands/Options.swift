import ArgumentParser
import CatalogService
import DepotModel
import Foundation
import Logging

/// Where the depot lives; every command takes it.
public struct HomeOptions: ParsableArguments {
    @Option(name: .long, help: "The depot home (database, blobs, keys). Defaults to $DEPOT_HOME, else ./.depot.")
    public var home: String?

    @Option(name: .long, help: "The policy folder. Defaults to $DEPOT_POLICIES, else ./Policies when it exists.")
    public var policies: String?

    public init() {}

    var depotHome: DepotHome { DepotHome.resolve(explicit: home) }

    /// The policy folder to load, or nil when none was named and ./Policies does not exist (built-in defaults).
    var policyDirectory: URL? {
        if let explicit = policies ?? ProcessInfo.processInfo.environment["DEPOT_POLICIES"].flatMap({ $0.isEmpty ? nil : $0 }) {
            return URL(fileURLWithPath: explicit)
        }
        let local = URL(fileURLWithPath: "Policies")
        return FileManager.default.fileExists(atPath: local.path) ? local : nil
    }

    /// Opens the catalog service on the home, creating its folders and schema if needed, with the policies in force.
    /// Invalid policies stop the command: running on half-read rules would be worse than not running.
    func service(logger: Logger = Logger(label: "depot")) throws -> CatalogService {
        let service = try CatalogService.open(home: depotHome, logger: logger)
        guard let directory = policyDirectory else { return service }
        return service.applying(try CatalogService.loadPolicies(from: directory))
    }
}

/// Who acts: the operator's user on the catalog host.
public struct ActorOptions: ParsableArguments {
    @Option(name: .customLong("as"), help: "The acting user, who must hold the role the action needs. Defaults to $DEPOT_USER.")
    public var user: String?

    public init() {}

    /// `--as`, else a non-empty `$DEPOT_USER`, else nil.
    var name: String? {
        if let user, !user.isEmpty { return user }
        return ProcessInfo.processInfo.environment["DEPOT_USER"].flatMap { $0.isEmpty ? nil : $0 }
    }

    func actor(_ service: CatalogService) async throws -> DepotUser {
        guard let name else {
            throw DepotFailure(.invalidInput, code: "cli.actor",
                "name the acting user with --as USER or DEPOT_USER (the first admin is 'admin', created by 'depot init')")
        }
        return try await service.user(named: name)
    }
}

/// `--json` beside human output.
public struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON instead of text.")
    public var json = false

    public init() {}
}

/// Writing to the terminal: JSON pretty and sorted, text as aligned tables.
enum Output {
    static func json<T: Encodable>(_ value: T) throws {
        // The API's encoder, pretty: `depot X --json` prints what the matching route returns.
        print(String(decoding: try DepotJSON.encoder(pretty: true).encode(value), as: UTF8.self))
    }

    static func table(_ header: [String], _ rows: [[String]]) {
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                i == cells.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        print(line(header))
        for row in rows { print(line(row)) }
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data("depot: \(SafeText.line(text, limit: 2048))\n".utf8))
    }
}
