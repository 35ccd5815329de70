import ArgumentParser
import FlotillaCore
import Foundation

/// The flags every long-running command shares: where to listen and where to keep data.
struct ListenOptions: ParsableArguments {
    @Option(help: "The port to listen on (default: the command's own, 9001 for user-service, 8500 for the registry; 0 picks a free one).")
    var port: Int?

    @Option(help: "The address to bind (default 127.0.0.1; use 0.0.0.0 in a container).")
    var host: String?

    @Option(name: .customLong("data-dir"), help: "The folder for the SQLite file (default .flotilla/data).")
    var dataDirectory: String?

    /// The flags as configuration values, which win over the environment.
    var flags: [ServiceConfiguration.Key: String] {
        var flags: [ServiceConfiguration.Key: String] = [:]
        if let port { flags[.port] = String(port) }
        if let host { flags[.host] = host }
        if let dataDirectory { flags[.dataDirectory] = dataDirectory }
        return flags
    }

    /// Loads the configuration, or prints the one-line reason and exits 78 (EX_CONFIG).
    func configuration(defaults: ServiceConfiguration) throws -> ServiceConfiguration {
        try loadOrExit { () throws(ConfigurationError) in try ServiceConfiguration.load(defaults: defaults, flags: flags) }
    }
}

/// Runs a configuration loader; on a ``ConfigurationError`` prints `flotilla: <reason>` and exits 78.
func loadOrExit<Value>(_ load: () throws(ConfigurationError) -> Value) throws -> Value {
    do {
        return try load()
    } catch {
        FileHandle.standardError.write(Data("flotilla: \(error)\n".utf8))
        throw ExitCode(78)  // EX_CONFIG
    }
}
