/// A whole pipeline described as data, e.g. from a JSON config file:
///
/// ```json
/// {
///   "timeout": "2s",
///   "retry": { "maxAttempts": 3, "baseDelay": "100ms", "maxDelay": "2s", "deadline": "5s" },
///   "circuitBreaker": { "failureRateThreshold": 50, "slidingWindowSize": 20, "minimumCalls": 10,
///                       "resetTimeout": "30s", "permittedCallsInHalfOpen": 2 },
///   "bulkhead": { "maxConcurrent": 32, "maxQueue": 64 },
///   "order": ["timeout", "retry", "circuitBreaker", "bulkhead"]
/// }
/// ```
///
/// Durations are numbers of seconds or Go-style strings (`"250ms"`, `"1m30s"`). A bad value
/// throws ``PolicyConfigurationError`` naming the field, e.g.
/// `circuitBreaker.failureRateThreshold: 150 is not in 1...100`.
public struct ResiliencePolicyConfiguration: Sendable, Hashable {
    /// Overall time limit (or per attempt, if ordered inside the retry).
    public var timeout: Duration?
    /// Retry policy.
    public var retry: RetryConfiguration?
    /// Circuit breaker.
    public var circuitBreaker: CircuitBreakerSettings?
    /// Bulkhead.
    public var bulkhead: BulkheadConfiguration?
    /// Policy order, outermost first; defaults to ``ResiliencePolicyKind/defaultOrder``.
    public var order: [ResiliencePolicyKind]?

    /// Creates a configuration.
    public init(
        timeout: Duration? = nil,
        retry: RetryConfiguration? = nil,
        circuitBreaker: CircuitBreakerSettings? = nil,
        bulkhead: BulkheadConfiguration? = nil,
        order: [ResiliencePolicyKind]? = nil
    ) {
        self.timeout = timeout
        self.retry = retry
        self.circuitBreaker = circuitBreaker
        self.bulkhead = bulkhead
        self.order = order
    }

    /// Checks every part; throws ``PolicyConfigurationError`` naming the first bad field.
    public func validate(path: String = "") throws(PolicyConfigurationError) {
        func field(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }
        if let timeout, timeout <= .zero {
            throw PolicyConfigurationError(field: field("timeout"), message: "\(timeout) is not > 0")
        }
        try retry?.validate(path: field("retry"))
        try circuitBreaker?.validate(path: field("circuitBreaker"))
        try bulkhead?.validate(path: field("bulkhead"))
        if let order {
            let duplicates = Dictionary(grouping: order, by: { $0 }).filter { $0.value.count > 1 }.keys
            if let duplicate = duplicates.first {
                throw PolicyConfigurationError(field: field("order"), message: "\(duplicate.rawValue) appears more than once")
            }
        }
    }
}
