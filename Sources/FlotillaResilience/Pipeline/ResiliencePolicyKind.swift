/// The kinds of policy a pipeline orders (the `order` field of ``ResiliencePolicyConfiguration``).
public enum ResiliencePolicyKind: String, Sendable, Hashable, Codable, CaseIterable {
    case timeout
    case retry
    case circuitBreaker
    case bulkhead
    case rateLimiter
    case custom

    /// The default order, outermost first: timeout → retry → circuit breaker → bulkhead.
    public static let defaultOrder: [ResiliencePolicyKind] = [.timeout, .retry, .circuitBreaker, .bulkhead]
}
