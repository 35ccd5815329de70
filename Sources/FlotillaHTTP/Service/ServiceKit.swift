import FlotillaCore
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The service kit: one object that gives a Flotilla service its HTTP server, health and metrics
/// routes, request ids, logs, traces, problem documents and graceful shutdown.
///
/// ```swift
/// let configuration = try ServiceConfiguration.load(defaults: .init(serviceName: "hello", port: 9000))
/// let kit = try ServiceKit(configuration: configuration)
/// kit.routes.get("/hello") { _, _ in "hello" }
/// try await kit.run()
/// ```
public final class ServiceKit {
    /// A named piece of start-up work, retried until it succeeds.
    public struct StartupTask: Sendable {
        /// The step's name in logs and in `/health/ready` (`migrations`).
        public var name: String
        /// The work.
        public var body: @Sendable () async throws -> Void
    }

    /// The validated configuration.
    public let configuration: ServiceConfiguration
    /// The service's routes; register yours here.
    public let routes: RouteTable
    /// The readiness state behind `/health/ready`.
    public let readiness: Readiness
    /// The service's logger.
    public let logger: Logger
    /// The HTTP RED metrics.
    public let metrics: HTTPServerMetrics

    private var startupTasks: [StartupTask] = []
    private var services: [any Service] = []
    private let tracingService: (any Service)?

    /// Bootstraps observability and creates the router with the kit's middleware and routes.
    public init(configuration: ServiceConfiguration) throws {
        self.configuration = configuration
        self.tracingService = try Observability.bootstrap(configuration)
        var logger = Logger(label: configuration.serviceName)
        logger.logLevel = configuration.logLevel
        self.logger = logger
        self.readiness = Readiness()
        self.metrics = HTTPServerMetrics(service: configuration.serviceName)
        let router = Router(context: ServiceRequestContext.self)
        router.add(middleware: TracingMiddleware())
        router.add(middleware: RequestObservingMiddleware(metrics: metrics, bodyLimit: configuration.maxBodySize, readiness: readiness))
        self.routes = RouteTable(router: router)
        ServiceHealthRoutes.register(on: routes, readiness: readiness, service: configuration.serviceName)
    }

    /// Adds start-up work that must finish before the service is ready (run in order, each retried).
    public func addStartupTask(_ name: String, _ body: @escaping @Sendable () async throws -> Void) {
        startupTasks.append(StartupTask(name: name, body: body))
    }

    /// Adds a long-running service (an outbox relay, a consumer) to run beside the server.
    public func addService(_ service: any Service) {
        services.append(service)
    }

    /// Adds a long-running service that starts only after the start-up work has finished (a saga
    /// orchestrator or an expiry sweeper that needs the migrated database).
    public func addServiceAfterStartUp(_ service: any Service) {
        services.append(AfterStartUpService(service: service, readiness: readiness))
    }

    /// Runs the start-up work once, without retries, and marks the service ready (for in-process tests).
    public func startUp() async throws {
        for task in startupTasks { try await task.body() }
        readiness.markStarted()
    }

    /// The Hummingbird application, without the kit's lifecycle services (for HummingbirdTesting).
    public func makeApplication(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let logger = self.logger
        let host = configuration.host
        return Application(
            router: routes.router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: configuration.serviceName),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.info("listening", metadata: ["host": .string(host), "port": .stringConvertible(port)])
                await onListening(port)
            },
            logger: logger
        )
    }

    /// Runs the service until SIGTERM or SIGINT, then shuts down gracefully: not ready at once, stop
    /// accepting, finish in-flight requests within the grace period, flush traces, return.
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let registration = configuration.registryURL.map {
            SelfRegistration(configuration: configuration, registryURL: $0, readiness: readiness, logger: logger)
        }
        let application = makeApplication { port in
            registration?.listening(on: port)
            await onListening(port)
        }
        var group: [any Service] = []
        if let tracingService { group.append(tracingService) }
        group.append(contentsOf: services)
        group.append(StartupService(tasks: startupTasks, readiness: readiness, logger: logger))
        group.append(application)
        if let registration { group.append(registration) }
        // Shut down in reverse order: the watcher first (not ready), deregistration, then the server drains.
        group.append(ShutdownWatcher(readiness: readiness, logger: logger))
        var groupConfiguration = ServiceGroupConfiguration(services: group, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = configuration.shutdownGracePeriod
        groupConfiguration.maximumCancellationDuration = .seconds(2)
        try await ServiceGroup(configuration: groupConfiguration).run()
        logger.info("stopped")
    }
}
