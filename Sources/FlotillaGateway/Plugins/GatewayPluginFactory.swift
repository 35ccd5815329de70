import AsyncHTTPClient
import NIOCore
import NIOPosix
import Prometheus
import Synchronization
import Yams

/// Builds plugins from Kong declarative entries.
public struct GatewayPluginFactory: Sendable {
    /// Builds one plugin from its `config:` node (nil = all defaults), with the factory's consumers and services.
    public typealias Builder = @Sendable (_ config: Yams.Node?, _ factory: GatewayPluginFactory) throws -> any GatewayPlugin

    /// The consumers the auth plugins look credentials up in.
    public let consumers: ConsumerDirectory
    /// What plugins need from the gateway.
    public let services: PluginServices
    /// Plugin builders by Kong name.
    public let builders: [String: Builder]

    /// A factory for Kong's bundled plugins (see `KongPluginCatalog.swift`).
    public init(consumers: ConsumerDirectory, services: PluginServices) {
        self.init(consumers: consumers, services: services, builders: Self.kongPlugins)
    }

    /// A factory with the given builders (tests, extra plugins).
    public init(consumers: ConsumerDirectory, services: PluginServices, builders: [String: Builder]) {
        self.consumers = consumers
        self.services = services
        self.builders = builders
    }

    /// `name` is Kong's plugin name; `config` the YAML node of its `config:` (nil = all defaults).
    /// Throws `GatewayPluginConfigurationError` naming the field (e.g. "config.minute: must be a positive number")
    /// for unknown plugins or bad config; the caller adds file and line (Yams nodes carry `mark`).
    public func make(name: String, config: Yams.Node?) throws -> any GatewayPlugin {
        guard let builder = builders[name] else {
            throw GatewayPluginConfigurationError(
                field: "name",
                message: "plugin '\(name)' not enabled; available: \(builders.keys.sorted().joined(separator: ", "))"
            )
        }
        return try builder(config, self)
    }
}

/// A bad plugin entry: the field (e.g. `config.minute`) and what is wrong with it. The caller adds file and line.
public struct GatewayPluginConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The field, from the plugin entry (`name`, `config.minute`, `config.redis.host`).
    public var field: String
    /// What is wrong.
    public var message: String
    /// Where in the YAML, when known (1-based line).
    public var line: Int?

    public init(field: String, message: String, line: Int? = nil) {
        self.field = field
        self.message = message
        self.line = line
    }

    public var description: String { "\(field): \(message)" }
}

/// What plugins need from the gateway: an HTTPClient for JWKS fetches, an event loop group for Redis connections,
/// the metrics registry, and resources kept across config reloads (local rate-limit counters, Redis connections,
/// JWKS caches).
public struct PluginServices: Sendable {
    /// The client for JWKS fetches.
    public var httpClient: HTTPClient
    /// Event loops for Redis connections.
    public var eventLoopGroup: any EventLoopGroup
    /// The Prometheus registry `/metrics` emits (prometheus plugin).
    public var metricsRegistry: PrometheusCollectorRegistry
    /// Resources shared by plugin instances and kept across reloads.
    public var shared: PluginSharedResources

    public init(
        httpClient: HTTPClient = .shared,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        metricsRegistry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        shared: PluginSharedResources = PluginSharedResources()
    ) {
        self.httpClient = httpClient
        self.eventLoopGroup = eventLoopGroup
        self.metricsRegistry = metricsRegistry
        self.shared = shared
    }
}

/// Resources that outlive one plugin instance (and one configuration): found by key, made once.
public final class PluginSharedResources: Sendable {
    private let resources = Mutex<[String: any Sendable]>([:])

    public init() {}

    /// The resource stored under `key`, made by `make` the first time (or when the stored one has another type).
    public func resource<Resource: Sendable>(_ key: String, make: () throws -> Resource) rethrows -> Resource {
        try resources.withLock { resources in
            if let existing = resources[key] as? Resource { return existing }
            let made = try make()
            resources[key] = made
            return made
        }
    }

    /// Shuts down every resource that needs it (Redis connections) and forgets them all.
    public func shutdown() async {
        let all = resources.withLock { resources in
            defer { resources.removeAll() }
            return Array(resources.values)
        }
        for resource in all {
            if let closable = resource as? any PluginSharedResourceShutdown { await closable.shutdown() }
        }
    }
}

/// A shared resource that holds something to close (a connection).
public protocol PluginSharedResourceShutdown: Sendable {
    /// Closes it; called once by ``PluginSharedResources/shutdown()``.
    func shutdown() async
}
