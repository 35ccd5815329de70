import FlotillaCore
import FlotillaHTTP
import FlotillaIdempotency
import FlotillaStore
import Foundation

/// payment-service: charges cards (simulated, with the well-known test cards), refunds, and lists an order's
/// payments. Only the last four digits of a card are ever stored or logged.
///
/// Test cards: 4242424242424242 is captured; 4000000000000002 is declined (`card_declined`) and
/// 4000000000009995 lacks funds (`insufficient_funds`), both a recorded 402; 4000000000000119 is the
/// test-only failure switch, a 500 `processing_error` that records nothing; any other Luhn-valid number is captured.
///
/// ```swift
/// let configuration = try ServiceConfiguration.load(defaults: PaymentServiceApp.defaults)
/// try await PaymentServiceApp(configuration: configuration).run()
/// ```
public final class PaymentServiceApp {
    /// The defaults of a payment-service started with no settings.
    public static let defaults = ServiceConfiguration(serviceName: "payment-service", port: 9003)

    /// The service kit (routes, readiness, logger).
    public let kit: ServiceKit
    /// The service's own database.
    public let store: Store

    /// Builds the service: its store, migrations and routes. `now` is the clock card expiry is checked against.
    public init(configuration: ServiceConfiguration, now: @escaping @Sendable () -> Date = Date.init) throws {
        kit = try ServiceKit(configuration: configuration)
        store = try Store(location: configuration.resolvedDatabase, logger: kit.logger)
        let store = self.store
        kit.readiness.addCheck(.init(name: "database") { try await store.ping() })
        kit.addStartupTask("migrations") { try await store.migrate(PaymentMigrations.all + IdempotentExecutor.migrations) }
        OpenAPIDocumentRoute.register(on: kit.routes, document: Self.openAPIDocument)
        PaymentRoutes(store: store, idempotency: IdempotentExecutor(store: store), metrics: PaymentMetrics(), now: now)
            .register(on: kit.routes)
    }

    /// Runs until SIGTERM or SIGINT, then shuts down gracefully and closes the store.
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let store = self.store
        try await kit.run(onListening: onListening) { await store.shutdown() }
    }

    /// The OpenAPI document kept beside the code (`Resources/openapi.yaml`).
    public static var openAPIDocument: String {
        OpenAPIDocumentRoute.bundled(in: .module, service: "payment-service")
    }
}
