import Crypto
import FlotillaCore
import FlotillaDiscovery
import FlotillaHTTP
import FlotillaHTTPClient
import FlotillaIdempotency
import FlotillaSaga
import FlotillaStore
import Foundation
import Logging

/// order-service: places orders through the place-order saga (reserve → charge → schedule → commit,
/// compensated in reverse), and shows each order with every step of its saga.
///
/// ```swift
/// let configuration = try ServiceConfiguration.load(defaults: OrderServiceApp.defaults)
/// try await OrderServiceApp(configuration: configuration, options: .load()).run()
/// ```
public final class OrderServiceApp {
    /// The defaults of an order-service started with no settings.
    public static let defaults = ServiceConfiguration(serviceName: "order-service", port: 9005)

    /// The service kit (routes, readiness, logger).
    public let kit: ServiceKit
    /// The service's own database: orders, the saga log, the idempotency ledger.
    public let store: Store
    /// The saga orchestrator (runs beside the server once start-up is done).
    let sagas: SagaOrchestrator<PlaceOrderData>

    /// Builds the service. `resolver` finds inventory, payment, shipping and user-service (by default
    /// from the environment: `DISCOVERY_MODE`, `REGISTRY_URL`, `<SERVICE>_URLS`).
    public init(
        configuration: ServiceConfiguration,
        options: OrderServiceOptions = .init(),
        resolver: (any ServiceResolver)? = nil,
        sagaRetry: SagaRetryPolicy = .init(baseDelay: .milliseconds(50), maxDelay: .seconds(1), compensationMaxDelay: .seconds(2))
    ) throws {
        kit = try ServiceKit(configuration: configuration)
        store = try Store(location: configuration.resolvedDatabase, logger: kit.logger)
        let store = self.store
        let resolver = try resolver ?? Discovery.resolver(services: Downstreams.all)
        let downstreams = Downstreams(
            client: ResilientHTTPClient(configuration: Downstreams.clientConfiguration, logger: kit.logger),
            balancer: LoadBalancer(resolver: resolver, strategy: .leastOutstanding)
        )
        let cardKey = StartupValue<SymmetricKey>()
        let cards = CardSealer(key: cardKey)
        let orders = OrderRepository(store: store)
        sagas = SagaOrchestrator(
            definition: PlaceOrderSaga(downstreams: downstreams, cards: cards)
                .definition(deadline: options.sagaDeadline, retry: sagaRetry),
            store: store,
            logger: kit.logger,
            onEnd: { record, database in
                let status: OrderStatus = record.status == .completed ? .confirmed : .cancelled
                try await orders.finish(id: record.id, status: status, reason: record.reason, on: database)
            }
        )

        kit.readiness.addCheck(.init(name: "database") { try await store.ping() })
        kit.addStartupTask("migrations") {
            try await store.migrate(OrderMigrations.all + IdempotentExecutor.migrations + SagaOrchestrator<PlaceOrderData>.migrations)
        }
        kit.addStartupTask("card key") { cardKey.set(try await CardKeyStore(store: store).load(givenBase64: options.cardKeyBase64)) }
        kit.addServiceAfterStartUp(sagas)

        OpenAPIDocumentRoute.register(on: kit.routes, document: Self.openAPIDocument)
        OrderRoutes(
            orders: orders,
            tokens: UserTokens(downstreams: downstreams, jwksURL: options.jwksURL, issuer: options.tokenIssuer),
            prices: ProductPrices(downstreams: downstreams),
            idempotency: IdempotentExecutor(store: store),
            sagas: sagas,
            cards: cards,
            maximumWait: options.maximumWait
        ).register(on: kit.routes)
    }

    /// Runs until SIGTERM or SIGINT, then shuts down gracefully and closes the store.
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let store = self.store
        try await kit.run(onListening: onListening) { await store.shutdown() }
    }

    /// The OpenAPI document kept beside the code (`Resources/openapi.yaml`).
    public static var openAPIDocument: String {
        OpenAPIDocumentRoute.bundled(in: .module, service: "order-service")
    }
}
