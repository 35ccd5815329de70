import FlotillaCore
import FlotillaHTTP
import FlotillaStore
import Foundation

/// The registry: Consul's v1 HTTP API (agent, catalog, health, KV, status) over an in-memory
/// catalogue kept in SQLite, with health checking and blocking queries.
///
/// ```swift
/// let configuration = try ServiceConfiguration.load(defaults: RegistryApp.defaults)
/// try await RegistryApp(configuration: configuration).run()
/// ```
public final class RegistryApp {
    /// The defaults of a registry started with no settings: port 8500, as Consul.
    public static let defaults = ServiceConfiguration(serviceName: "registry", port: 8500)

    /// The service kit (routes, readiness, logger).
    public let kit: ServiceKit
    /// The registry's own database.
    public let store: Store
    /// The live registry.
    public let registry: Registry
    /// The health checker (run beside the server; tests ``HealthCheckRunner/tick()`` it by hand).
    public let checks: HealthCheckRunner

    /// Builds the registry: its store, the start-up load of the saved state, the routes and the checker.
    public init(
        configuration: ServiceConfiguration,
        prober: any CheckProber = NetworkProber(),
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        kit = try ServiceKit(configuration: configuration)
        store = try Store(location: configuration.resolvedDatabase, logger: kit.logger)
        let store = self.store
        let persistence = RegistryPersistence(store: store, logger: kit.logger)
        let registry = Registry(persistence: persistence, now: now)
        self.registry = registry
        checks = HealthCheckRunner(registry: registry, prober: prober, logger: kit.logger)
        let host = configuration.host
        let node = RegistryNode(address: host == "0.0.0.0" || host == "::" || host == "localhost" ? "127.0.0.1" : host)

        kit.readiness.addCheck(.init(name: "database") { try await store.ping() })
        kit.addStartupTask("migrations") { try await store.migrate(RegistryMigrations.all) }
        kit.addStartupTask("load registry") { registry.replace(with: try await persistence.load()) }
        kit.addService(checks)
        kit.addService(BlockingQueryReleaser(notifier: registry.notifier, readiness: kit.readiness))

        AgentRoutes(registry: registry, node: node).register(on: kit.routes)
        CatalogRoutes(registry: registry, node: node).register(on: kit.routes)
        HealthRoutes(registry: registry, node: node).register(on: kit.routes)
        KVRoutes(registry: registry).register(on: kit.routes)
        StatusRoutes(node: node).register(on: kit.routes)
    }

    /// Runs until SIGTERM or SIGINT, then shuts down gracefully, finishes pending writes and closes the store.
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await kit.run(onListening: onListening)
        try? await registry.persistence?.drain()
        await store.shutdown()
    }

    /// Finishes pending writes and closes the store (for in-process tests).
    public func shutdown() async {
        try? await registry.persistence?.drain()
        await store.shutdown()
    }
}
