/// What a check does to learn an instance's health.
public enum CheckKind: Sendable, Equatable, Codable {
    /// The instance reports itself (`/v1/agent/check/pass/{id}`) at least every `ttl`.
    case ttl(ttl: Duration)
    /// An HTTP request every `interval`: 2xx passing, 429 warning, anything else critical.
    case http(HTTPProbe)
    /// A TCP connect every `interval`: connected passing, refused or timed out critical.
    case tcp(address: String, interval: Duration, timeout: Duration)

    /// The HTTP check's request.
    public struct HTTPProbe: Sendable, Equatable, Codable {
        /// The URL to request.
        public var url: String
        /// The method (`GET` by default).
        public var method: String
        /// Extra request headers.
        public var header: [String: [String]]
        /// The request body.
        public var body: String
        /// How often the check runs.
        public var interval: Duration
        /// How long one attempt may take.
        public var timeout: Duration

        /// Creates a probe.
        public init(url: String, method: String = "GET", header: [String: [String]] = [:], body: String = "", interval: Duration, timeout: Duration) {
            self.url = url
            self.method = method
            self.header = header
            self.body = body
            self.interval = interval
            self.timeout = timeout
        }
    }

    /// Consul's `Type` field: `ttl`, `http` or `tcp`.
    public var typeName: String {
        switch self {
        case .ttl: "ttl"
        case .http: "http"
        case .tcp: "tcp"
        }
    }

    /// How often the registry runs the check; `nil` for TTL checks.
    public var interval: Duration? {
        switch self {
        case .ttl: nil
        case .http(let probe): probe.interval
        case .tcp(_, let interval, _): interval
        }
    }
}
