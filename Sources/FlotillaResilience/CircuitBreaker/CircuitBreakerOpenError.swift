/// Thrown at once, without running the operation, when a ``CircuitBreaker`` rejects a call.
public struct CircuitBreakerOpenError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The breaker's name.
    public var name: String
    /// The state that rejected the call: `open`, `forcedOpen` or `halfOpen` (all trial permits in use).
    public var state: CircuitBreakerState
    /// For `open`: the time left until trial calls are allowed; `nil` otherwise.
    public var retryAfter: Duration?

    /// Creates the error.
    public init(name: String, state: CircuitBreakerState, retryAfter: Duration?) {
        self.name = name
        self.state = state
        self.retryAfter = retryAfter
    }

    public var description: String {
        switch state {
        case .halfOpen:
            return "circuit breaker '\(name)' is half-open and all trial calls are in flight"
        case .forcedOpen:
            return "circuit breaker '\(name)' is forced open"
        default:
            if let retryAfter {
                return "circuit breaker '\(name)' is open; trial calls allowed in \(retryAfter.secondsDouble)s"
            }
            return "circuit breaker '\(name)' is open"
        }
    }
}
