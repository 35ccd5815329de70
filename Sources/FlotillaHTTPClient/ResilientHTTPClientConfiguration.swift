import FlotillaResilience

/// How ``ResilientHTTPClient`` treats each downstream, e.g. from JSON:
///
/// ```json
/// {
///   "maxResponseBodyBytes": 1048576,
///   "attemptTimeout": "5s",
///   "defaultPolicy": { "retry": { "maxAttempts": 3 }, "circuitBreaker": {} },
///   "downstreams": {
///     "payments": { "timeout": "2s", "retry": { "maxAttempts": 2, "baseDelay": "50ms" },
///                   "circuitBreaker": { "consecutiveFailures": 5, "resetTimeout": "30s" } }
///   }
/// }
/// ```
public struct ResilientHTTPClientConfiguration: Sendable, Hashable {
    /// Per-downstream policies by downstream name.
    public var downstreams: [String: ResiliencePolicyConfiguration]
    /// The policy for downstreams not listed.
    public var defaultPolicy: ResiliencePolicyConfiguration
    /// Responses larger than this fail (the body is collected up to the limit).
    public var maxResponseBodyBytes: Int
    /// The time limit of one HTTP attempt (AsyncHTTPClient's request timeout).
    public var attemptTimeout: Duration

    /// Creates a configuration. Every downstream gets a circuit breaker; one without
    /// `circuitBreaker` settings uses ``CircuitBreakerSettings``' defaults.
    public init(
        downstreams: [String: ResiliencePolicyConfiguration] = [:],
        defaultPolicy: ResiliencePolicyConfiguration = .init(
            retry: .init(maxAttempts: 3, baseDelay: .milliseconds(50), maxDelay: .seconds(1)),
            circuitBreaker: .init()
        ),
        maxResponseBodyBytes: Int = 10 * 1024 * 1024,
        attemptTimeout: Duration = .seconds(30)
    ) {
        self.downstreams = downstreams
        self.defaultPolicy = defaultPolicy
        self.maxResponseBodyBytes = maxResponseBodyBytes
        self.attemptTimeout = attemptTimeout
    }

    /// The policy of `downstream`.
    public func policy(for downstream: String) -> ResiliencePolicyConfiguration {
        downstreams[downstream] ?? defaultPolicy
    }
}

extension ResilientHTTPClientConfiguration: Codable {
    enum CodingKeys: String, CodingKey {
        case downstreams, defaultPolicy, maxResponseBodyBytes, attemptTimeout
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = ResilientHTTPClientConfiguration()
        self.init(
            downstreams: try c.decodeIfPresent([String: ResiliencePolicyConfiguration].self, forKey: .downstreams) ?? [:],
            defaultPolicy: try c.decodeIfPresent(ResiliencePolicyConfiguration.self, forKey: .defaultPolicy) ?? d.defaultPolicy,
            maxResponseBodyBytes: try c.decodeIfPresent(Int.self, forKey: .maxResponseBodyBytes) ?? d.maxResponseBodyBytes,
            attemptTimeout: try c.decodeDurationIfPresent(forKey: .attemptTimeout) ?? d.attemptTimeout
        )
        if maxResponseBodyBytes < 0 {
            throw PolicyConfigurationError(field: c.fieldPath(.maxResponseBodyBytes), message: "\(maxResponseBodyBytes) is not >= 0")
        }
        if attemptTimeout <= .zero {
            throw PolicyConfigurationError(field: c.fieldPath(.attemptTimeout), message: "\(attemptTimeout) is not > 0")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(downstreams, forKey: .downstreams)
        try c.encode(defaultPolicy, forKey: .defaultPolicy)
        try c.encode(maxResponseBodyBytes, forKey: .maxResponseBodyBytes)
        try c.encode(attemptTimeout.secondsDouble, forKey: .attemptTimeout)
    }
}
