import FlotillaCore
import FlotillaHTTP
import FlotillaIdempotency
import FlotillaStore
import Foundation
import Logging
import Metrics

/// inventory-service: the product catalogue, stock, and reservations that hold stock for an order until
/// it is committed, released or expires.
///
/// ```swift
/// let configuration = try ServiceConfiguration.load(defaults: InventoryServiceApp.defaults)
/// try await InventoryServiceApp(configuration: configuration, options: .load()).run()
/// ```
public final class InventoryServiceApp {
    /// The defaults of an inventory-service started with no settings.
    public static let defaults = ServiceConfiguration(serviceName: "inventory-service", port: 9002)

    /// The service kit (routes, readiness, logger).
    public let kit: ServiceKit
    /// The service's own database.
    public let store: Store
    /// The background sweep that expires reservations (runs in the kit's service group).
    public let sweeper: ReservationSweeper

    /// Builds the service: its store, start-up work (migrations, which seed the catalogue once), routes and expiry sweep.
    public init(
        configuration: ServiceConfiguration,
        options: InventoryServiceOptions = .init(),
        metricsFactory: (any MetricsFactory)? = nil
    ) throws {
        let kit = try ServiceKit(configuration: configuration)
        let store = try Store(location: configuration.resolvedDatabase, logger: kit.logger)
        let metrics = InventoryMetrics(factory: metricsFactory ?? MetricsSystem.factory)
        let ledger = ReservationLedger(ttl: options.reservationTTL)
        let migrations = InventoryServiceApp.migrations(catalogue: options.catalogue)
        let sweeper = ReservationSweeper(store: store, ledger: ledger, interval: options.sweepInterval, metrics: metrics, logger: kit.logger)
        self.kit = kit
        self.store = store
        self.sweeper = sweeper

        kit.readiness.addCheck(.init(name: "database") { try await store.ping() })
        kit.addStartupTask("migrations") { try await store.migrate(migrations) }
        kit.addServiceAfterStartUp(sweeper)

        OpenAPIDocumentRoute.register(on: kit.routes, document: Self.openAPIDocument)
        ProductRoutes(products: ProductRepository(store: store)).register(on: kit.routes)
        ReservationRoutes(store: store, ledger: ledger, stateChange: StateChange(idempotency: IdempotentExecutor(store: store)), metrics: metrics)
            .register(on: kit.routes)
    }

    /// The schema (the service's own and the idempotency ledger's) and the one-time seed of `catalogue`.
    static func migrations(catalogue: Catalogue) -> [Migration] {
        InventoryMigrations.all(catalogue: catalogue) + IdempotentExecutor.migrations
    }

    /// Runs until SIGTERM or SIGINT, then shuts down gracefully and closes the store.
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let store = self.store
        try await kit.run(onListening: onListening) { await store.shutdown() }
    }

    /// The OpenAPI document kept beside the code (`Resources/openapi.yaml`).
    public static var openAPIDocument: String {
        OpenAPIDocumentRoute.bundled(in: .module, service: "inventory-service")
    }
}
