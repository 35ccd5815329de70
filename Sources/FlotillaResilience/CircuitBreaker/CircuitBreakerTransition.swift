/// A change of ``CircuitBreakerState``, reported by the state machine and emitted as an event.
public struct CircuitBreakerTransition: Sendable, Hashable, CustomStringConvertible {
    /// The state left.
    public var from: CircuitBreakerState
    /// The state entered.
    public var to: CircuitBreakerState
    /// When it happened.
    public var at: ResilienceInstant

    /// Creates a transition.
    public init(from: CircuitBreakerState, to: CircuitBreakerState, at: ResilienceInstant) {
        self.from = from
        self.to = to
        self.at = at
    }

    public var description: String { "\(from) -> \(to)" }
}
