import DepotCommands
import Foundation
import Logging

// The executable only bootstraps logging and hands over to the commands.
LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = ProcessInfo.processInfo.environment["DEPOT_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
    return handler
}
await Depot.runMain()
