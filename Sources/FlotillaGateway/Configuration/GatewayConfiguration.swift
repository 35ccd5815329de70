/// Everything one gateway configuration declares: Kong's services, routes, upstreams, consumers and plugins, and
/// Istio's VirtualServices, DestinationRules and ServiceEntries, loaded from one or more YAML documents.
public struct GatewayConfiguration: Sendable {
    public var services: [KongService] = []
    public var routes: [KongRoute] = []
    public var upstreams: [KongUpstream] = []
    public var plugins: [PluginEntry] = []
    /// Consumers as declared (username or id); credentials are the plugins' business.
    public var consumerNames: [String] = []
    /// Consumers with their credentials (`jwt_secrets`, `keyauth_credentials`).
    public var consumers: [GatewayConsumer] = []
    /// Built plugins, by index into `plugins` (empty when loaded without a plugin factory, e.g. `validate`).
    public var pluginInstances: [Int: any GatewayPlugin] = [:]
    public var virtualServices: [VirtualService] = []
    public var destinationRules: [DestinationRule] = []
    public var serviceEntries: [ServiceEntry] = []

    public init() {}
}

/// A Kong service: where requests go, with retries and timeouts.
public struct KongService: Sendable, Equatable {
    public var name: String?
    public var scheme: String = "http"
    public var host: String
    public var port: Int = 80
    public var path: String?
    public var retries: Int = 5
    public var connectTimeout: Duration = .milliseconds(60_000)
    public var readTimeout: Duration = .milliseconds(60_000)
    public var writeTimeout: Duration = .milliseconds(60_000)
    public var line: Int?

    public init(name: String?, host: String) {
        self.name = name
        self.host = host
    }
}

/// A Kong route (traditional router): what a request must look like, and which service takes it.
public struct KongRoute: Sendable, Equatable {
    public var name: String?
    /// Index into `GatewayConfiguration.services`.
    public var serviceIndex: Int?
    /// Prefix paths, and regex paths starting with `~`.
    public var paths: [String] = []
    public var methods: [String] = []
    /// Exact hosts and wildcards (`*.example.com`, `example.*`).
    public var hosts: [String] = []
    /// Header name (lowercased) → accepted values (any of them, case-insensitive).
    public var headers: [String: [String]] = [:]
    public var stripPath = true
    public var preserveHost = false
    public var regexPriority = 0
    /// Declaration order, Kong's `created_at` tie-breaker.
    public var order = 0
    public var line: Int?

    public init() {}
}

/// A Kong upstream: a named, load-balanced set of targets.
public struct KongUpstream: Sendable, Equatable {
    /// Kong's balancing algorithms.
    public enum Algorithm: String, Sendable {
        case roundRobin = "round-robin"
        case leastConnections = "least-connections"
        case consistentHashing = "consistent-hashing"
    }
    public var name: String
    public var algorithm: Algorithm = .roundRobin
    /// `none`, `ip`, `header`, `path`, `consumer`.
    public var hashOn = "none"
    public var hashOnHeader: String?
    public var hashOnQueryArg: String?
    public var targets: [UpstreamTarget] = []
    /// `healthchecks`: active probes, passive counting and the health threshold (all off by default, as in Kong).
    public var healthChecks = KongHealthChecks()

    public init(name: String) { self.name = name }
}

/// One address of an upstream with its weight and labels (from Kong target tags `key:value`, ServiceEntry labels
/// or registry tags).
public struct UpstreamTarget: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var weight: Int
    public var labels: [String: String]

    public init(host: String, port: Int, weight: Int = 100, labels: [String: String] = [:]) {
        self.host = host
        self.port = port
        self.weight = weight
        self.labels = labels
    }
}

/// A `plugins:` entry: its name, where it applies, and where it was declared.
public struct PluginEntry: Sendable, Equatable {
    /// Where a plugin applies, narrowest last.
    public enum Scope: Sendable, Equatable {
        case global
        case service(Int)
        case route(Int)
        case consumer(String)
    }
    public var name: String
    public var scope: Scope
    public var enabled = true
    public var file: String
    public var line: Int?
    /// Where in the document, e.g. `services[0].plugins[1]`.
    public var path = ""

    public init(name: String, scope: Scope, file: String, line: Int?) {
        self.name = name
        self.scope = scope
        self.file = file
        self.line = line
    }
}
