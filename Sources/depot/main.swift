import DepotCommands
import Foundation
import Logging

// The executable only bootstraps logging and hands over to the commands.
LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    // Commands speak through their output; only `serve` logs at info unless DEPOT_LOG_LEVEL says otherwise.
    let isServer = CommandLine.arguments.dropFirst().first == "serve"
    handler.logLevel = ProcessInfo.processInfo.environment["DEPOT_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
        ?? (isServer ? .info : .warning)
    return handler
}
await Depot.runMain()
