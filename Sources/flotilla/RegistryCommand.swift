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

    @OptionGroup var listen: ListenOptions

    func run() async throws {
        let configuration = try listen.configuration(defaults: RegistryApp.defaults)
        try await RegistryApp(configuration: configuration).run()
    }
}
