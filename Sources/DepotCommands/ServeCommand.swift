import ArgumentParser
import CatalogService
import DepotServer
import Foundation
import Hummingbird
import Logging

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve the catalog API over HTTP.")

    @OptionGroup var home: HomeOptions

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on; 0 picks a free one (printed on start).")
    var port = 8080

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port \(port) is not a port; use 0–65535") }
    }

    func run() async throws {
        let logger = Logger(label: "depot.server")
        let service = try home.service(logger: logger)
        let host = self.host
        let app = buildApplication(service: service, host: host, port: port, logger: logger) { bound in
            // Written straight to the file descriptor so a parent process reading the pipe sees it at once.
            FileHandle.standardOutput.write(Data("Depot listening on http://\(host):\(bound)\n".utf8))
        }
        try await app.runService()
    }
}
