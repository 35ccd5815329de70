import ArgumentParser
import FlotillaCore
import FlotillaRegistry
import Foundation

/// `flotilla registry`: runs the service registry (Consul's HTTP API) in the foreground.
struct RegistryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registry",
        abstract: "Run the service registry (a Consul-compatible HTTP API).",
        discussion: """
            Stock Consul clients work against it: register instances with HTTP, TCP or TTL checks, \
            read healthy instances (with blocking queries), and keep keys in its KV store. State is \
            kept in an SQLite file in --data-dir (or DATA_DIR) and survives restarts. \
            Besides /v1/... it serves /health/live, /health/ready and /metrics.

            Environment: HOST, PORT, DATA_DIR, DATABASE_URL, LOG_LEVEL, LOG_FORMAT, MAX_BODY_SIZE.
            """
    )

    @Option(help: "The port to listen on (default 8500; 0 picks a free one).")
    var port: Int?

    @Option(help: "The address to bind (default 127.0.0.1; use 0.0.0.0 in a container).")
    var host: String?

    @Option(name: .customLong("data-dir"), help: "The folder for the registry's SQLite file (default .flotilla/data).")
    var dataDirectory: String?

    func run() async throws {
        var flags: [ServiceConfiguration.Key: String] = [:]
        if let port { flags[.port] = String(port) }
        if let host { flags[.host] = host }
        if let dataDirectory { flags[.dataDirectory] = dataDirectory }
        let configuration: ServiceConfiguration
        do {
            configuration = try ServiceConfiguration.load(defaults: RegistryApp.defaults, flags: flags)
        } catch {
            FileHandle.standardError.write(Data("flotilla: \(error)\n".utf8))
            throw ExitCode(78)  // EX_CONFIG
        }
        try await RegistryApp(configuration: configuration).run()
    }
}
