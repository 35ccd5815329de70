/// Something a ``CircuitBreaker`` observed, delivered to listeners and to ``CircuitBreaker/events()``.
public enum CircuitBreakerEvent: Sendable, Hashable {
    /// The breaker changed state.
    case stateChanged(name: String, transition: CircuitBreakerTransition)
    /// A call ended (or was rejected) with this outcome; `duration` is known when it was measured.
    case call(name: String, outcome: CircuitBreakerOutcome, duration: Duration?)
}
