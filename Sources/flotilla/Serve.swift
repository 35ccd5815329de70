import ArgumentParser
import FlotillaCore
import FlotillaDiscovery
import Foundation
import InventoryService
import OrderService
import PaymentService
import ShippingService
import UserService

/// `flotilla serve <service>`: runs one service in the foreground until SIGTERM or Ctrl-C.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run one service in the foreground.",
        discussion: """
            The service listens on --port (or PORT), keeps its data in an SQLite file in --data-dir (or \
            DATA_DIR), or in PostgreSQL when DATABASE_URL=postgres://user:pass@host:5432/db is set. \
            It serves /health/live, /health/ready, /metrics and /openapi.yaml besides its API, and on \
            SIGTERM or Ctrl-C it stops accepting, finishes in-flight requests and exits 0.

            Environment: SERVICE_NAME, HOST, PORT, DATA_DIR, DATABASE_URL, LOG_LEVEL (trace…critical), \
            LOG_FORMAT (json|text), OTEL_EXPORTER_OTLP_ENDPOINT, MAX_BODY_SIZE, SHUTDOWN_GRACE_PERIOD; \
            REGISTRY_URL (or CONSUL_HTTP_ADDR) to register with a registry; for user-service also \
            JWT_PRIVATE_KEY, BCRYPT_COST, ACCESS_TOKEN_TTL; for inventory-service also CATALOGUE_FILE, \
            RESERVATION_TTL, RESERVATION_SWEEP_INTERVAL; for order-service also ORDER_SAGA_DEADLINE, \
            ORDER_MAX_WAIT, JWKS_URL, JWT_ISSUER, CARD_ENCRYPTION_KEY, and how it finds its peers: \
            DISCOVERY_MODE (registry|static|dns) with REGISTRY_URL or INVENTORY_SERVICE_URLS, \
            PAYMENT_SERVICE_URLS, SHIPPING_SERVICE_URLS, USER_SERVICE_URLS.
            """
    )

    @Argument(help: "The service to run: \(ServiceName.allCases.map(\.rawValue).joined(separator: ", ")).")
    var service: ServiceName

    @OptionGroup var listen: ListenOptions

    func run() async throws {
        switch service {
        case .userService:
            let configuration = try listen.configuration(defaults: UserServiceApp.defaults)
            let options = try loadOrExit { () throws(ConfigurationError) in try UserServiceOptions.load() }
            try await UserServiceApp(configuration: configuration, options: options).run()
        case .inventoryService:
            let configuration = try listen.configuration(defaults: InventoryServiceApp.defaults)
            let options = try loadOrExit { () throws(ConfigurationError) in try InventoryServiceOptions.load() }
            try await InventoryServiceApp(configuration: configuration, options: options).run()
        case .paymentService:
            try await PaymentServiceApp(configuration: listen.configuration(defaults: PaymentServiceApp.defaults)).run()
        case .shippingService:
            try await ShippingServiceApp(configuration: listen.configuration(defaults: ShippingServiceApp.defaults)).run()
        case .orderService:
            let configuration = try listen.configuration(defaults: OrderServiceApp.defaults)
            let options = try loadOrExit { () throws(ConfigurationError) in try OrderServiceOptions.load() }
            let app: OrderServiceApp
            do {
                app = try OrderServiceApp(configuration: configuration, options: options)
            } catch let error as DiscoveryError {
                FileHandle.standardError.write(Data("flotilla: \(error)\n".utf8))
                throw ExitCode(78)  // EX_CONFIG
            }
            try await app.run()
        }
    }
}

/// The services `flotilla serve` can run.
enum ServiceName: String, CaseIterable, ExpressibleByArgument {
    case userService = "user-service"
    case inventoryService = "inventory-service"
    case paymentService = "payment-service"
    case shippingService = "shipping-service"
    case orderService = "order-service"
}
