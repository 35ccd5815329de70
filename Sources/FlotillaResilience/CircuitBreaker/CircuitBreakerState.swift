/// The state of a ``CircuitBreaker``.
///
/// The raw value is what the `circuit_breaker_state{name}` gauge reports:
/// `0` closed, `1` open, `2` half-open, `3` forced open, `4` disabled.
public enum CircuitBreakerState: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Calls flow; outcomes are recorded and may trip the breaker.
    case closed = 0
    /// Calls fail fast with ``CircuitBreakerOpenError`` until the reset timeout elapses.
    case open = 1
    /// A limited number of trial calls are let through to probe the downstream.
    case halfOpen = 2
    /// Held open by an operator; rejects every call until reset.
    case forcedOpen = 3
    /// Switched off by an operator; every call is permitted and nothing is recorded.
    case disabled = 4

    public var description: String {
        switch self {
        case .closed: "closed"
        case .open: "open"
        case .halfOpen: "half_open"
        case .forcedOpen: "forced_open"
        case .disabled: "disabled"
        }
    }
}
