/// An Istio string match: `exact`, `prefix` or `regex`.
public enum StringMatch: Sendable, Equatable {
    case exact(String)
    case prefix(String)
    case regex(String)
}

/// One `match:` entry of an Istio HTTP route; every given condition must hold.
public struct HTTPMatchRequest: Sendable, Equatable {
    public var uri: StringMatch?
    public var method: StringMatch?
    public var headers: [String: StringMatch] = [:]
    public var ignoreUriCase = false

    public init() {}
}

/// A weighted destination of an Istio HTTP route.
public struct RouteDestination: Sendable, Equatable {
    public var host: String
    public var subset: String?
    public var port: Int?
    public var weight: Int

    public init(host: String, subset: String?, port: Int?, weight: Int) {
        self.host = host
        self.subset = subset
        self.port = port
        self.weight = weight
    }
}

/// Istio `retries`.
public struct RetryPolicy: Sendable, Equatable {
    public var attempts: Int
    public var perTryTimeout: Duration?
    /// `5xx`, `gateway-error`, `connect-failure`, `reset`, `retriable-status-codes`, or status numbers.
    public var retryOn: Set<String>

    public init(attempts: Int, perTryTimeout: Duration?, retryOn: Set<String>) {
        self.attempts = attempts
        self.perTryTimeout = perTryTimeout
        self.retryOn = retryOn
    }
}

/// Istio `fault`: delay and abort a percentage of requests.
public struct FaultInjection: Sendable, Equatable {
    public var delay: Duration?
    public var delayPercentage: Double = 100
    public var abortStatus: Int?
    public var abortPercentage: Double = 100

    public init() {}
}

/// One `http:` rule of a VirtualService.
public struct HTTPRouteRule: Sendable, Equatable {
    public var name: String?
    /// Empty means "matches everything".
    public var matches: [HTTPMatchRequest] = []
    public var destinations: [RouteDestination] = []
    public var rewriteURI: String?
    public var timeout: Duration?
    public var retries: RetryPolicy?
    public var fault: FaultInjection?
    public var line: Int?

    public init() {}
}

/// An Istio VirtualService.
public struct VirtualService: Sendable, Equatable {
    public var name: String
    public var hosts: [String]
    public var http: [HTTPRouteRule]

    public init(name: String, hosts: [String], http: [HTTPRouteRule]) {
        self.name = name
        self.hosts = hosts
        self.http = http
    }
}

/// Istio `trafficPolicy`.
public struct TrafficPolicy: Sendable, Equatable {
    /// `ROUND_ROBIN`, `LEAST_REQUEST`, `RANDOM`, or a consistent hash.
    public enum LoadBalancer: Sendable, Equatable {
        case roundRobin, leastRequest, random
        case consistentHash(HashKey)

        /// Whether picks depend on something of the request (a consistent hash).
        var hashes: Bool {
            if case .consistentHash = self { return true }
            return false
        }
    }
    /// What a consistent hash is computed over.
    public enum HashKey: Sendable, Equatable {
        case header(String)
        case sourceIP
        case queryParameter(String)
        case path
        /// The consumer an auth plugin identified (Kong `hash_on: consumer`); without one, no hash.
        case consumer
    }

    public var loadBalancer: LoadBalancer?
    public var maxConnections: Int?
    public var http1MaxPendingRequests: Int?
    public var connectTimeout: Duration?
    public var outlierDetection: OutlierDetection?

    public init() {}
}

/// Istio `outlierDetection`.
public struct OutlierDetection: Sendable, Equatable {
    public var consecutive5xxErrors = 5
    public var consecutiveGatewayErrors: Int?
    public var baseEjectionTime: Duration = .seconds(30)
    public var maxEjectionPercent = 10

    public init() {}
}

/// An Istio DestinationRule.
public struct DestinationRule: Sendable, Equatable {
    /// A named subset selected by labels.
    public struct Subset: Sendable, Equatable {
        public var name: String
        public var labels: [String: String]
        public var trafficPolicy: TrafficPolicy?
    }
    public var name: String
    public var host: String
    public var trafficPolicy: TrafficPolicy
    public var subsets: [Subset]
}

/// An Istio ServiceEntry: static endpoints (with labels) for a host.
public struct ServiceEntry: Sendable, Equatable {
    public var name: String
    public var hosts: [String]
    public var port: Int?
    public var endpoints: [UpstreamTarget]
}
