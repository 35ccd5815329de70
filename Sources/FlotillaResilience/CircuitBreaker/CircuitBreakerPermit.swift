/// Proof that a ``CircuitBreaker`` let a call through; hand it back with the call's outcome.
public struct CircuitBreakerPermit: Sendable, Hashable {
    /// The breaker generation the call started in.
    public let generation: UInt64
    /// When the call started, if it was measured (slow-call detection, a time window, or an observer).
    public let startedAt: ResilienceInstant?

    @usableFromInline
    init(generation: UInt64, startedAt: ResilienceInstant?) {
        self.generation = generation
        self.startedAt = startedAt
    }
}
