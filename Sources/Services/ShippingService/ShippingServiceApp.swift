import FlotillaCore
import FlotillaHTTP
import FlotillaIdempotency
import FlotillaStore
import Foundation

/// shipping-service: schedules and cancels shipments for orders and lists an order's shipments.
///
/// The test-only switch: a shipment to country `XX` is refused with 422 `unsupported_destination` and
/// records no shipment, so system tests can make shipping fail (the order then refunds and releases).
///
/// ```swift
/// let configuration = try ServiceConfiguration.load(defaults: ShippingServiceApp.defaults)
/// try await ShippingServiceApp(configuration: configuration).run()
/// ```
public final class ShippingServiceApp {
    /// The defaults of a shipping-service started with no settings.
    public static let defaults = ServiceConfiguration(serviceName: "shipping-service", port: 9004)

    /// The service kit (routes, readiness, logger).
    public let kit: ServiceKit
    /// The service's own database.
    public let store: Store

    /// Builds the service: its store, migrations and routes.
    public init(configuration: ServiceConfiguration) throws {
        kit = try ServiceKit(configuration: configuration)
        store = try Store(location: configuration.resolvedDatabase, logger: kit.logger)
        let store = self.store
        kit.readiness.addCheck(.init(name: "database") { try await store.ping() })
        kit.addStartupTask("migrations") { try await store.migrate(ShippingMigrations.all + IdempotentExecutor.migrations) }
        OpenAPIDocumentRoute.register(on: kit.routes, document: Self.openAPIDocument)
        ShippingRoutes(store: store, idempotency: IdempotentExecutor(store: store), metrics: ShipmentMetrics()).register(on: kit.routes)
    }

    /// Runs until SIGTERM or SIGINT, then shuts down gracefully and closes the store.
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let store = self.store
        try await kit.run(onListening: onListening) { await store.shutdown() }
    }

    /// The OpenAPI document kept beside the code (`Resources/openapi.yaml`).
    public static var openAPIDocument: String {
        OpenAPIDocumentRoute.bundled(in: .module, service: "shipping-service")
    }
}
