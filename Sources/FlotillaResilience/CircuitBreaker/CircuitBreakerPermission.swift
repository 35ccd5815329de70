/// The state machine's answer to "may this call proceed?".
public struct CircuitBreakerPermission: Sendable, Hashable {
    /// Whether the call may proceed.
    public var isPermitted: Bool
    /// The generation the call belongs to; its outcome is only recorded if the
    /// breaker has not changed state since (stale outcomes are dropped).
    public var generation: UInt64
    /// The state that decided.
    public var state: CircuitBreakerState
    /// For a rejection while open: the time left until trial calls are allowed.
    public var retryAfter: Duration?
    /// A state change caused by asking (open → half-open once the reset timeout elapsed).
    public var transition: CircuitBreakerTransition?
}
