import Metrics

/// The swift-metrics handles of one breaker, created once so the hot path only increments:
///
/// - `circuit_breaker_state{name}` gauge: 0 closed, 1 open, 2 half-open, 3 forced open, 4 disabled;
/// - `circuit_breaker_calls_total{name,outcome}` counter, outcome one of
///   `success`, `failure`, `slow_success`, `slow_failure`, `rejected`, `ignored`.
struct CircuitBreakerMetrics: Sendable {
    static let stateLabel = "circuit_breaker_state"
    static let callsLabel = "circuit_breaker_calls_total"

    let state: Gauge
    let success: Counter
    let failure: Counter
    let slowSuccess: Counter
    let slowFailure: Counter
    let rejected: Counter
    let ignored: Counter

    init(name: String, factory: any MetricsFactory) {
        func counter(_ outcome: CircuitBreakerOutcome) -> Counter {
            Counter(label: Self.callsLabel, dimensions: [("name", name), ("outcome", outcome.description)], factory: factory)
        }
        state = Gauge(label: Self.stateLabel, dimensions: [("name", name)], factory: factory)
        success = counter(.success)
        failure = counter(.failure)
        slowSuccess = counter(.slowSuccess)
        slowFailure = counter(.slowFailure)
        rejected = counter(.rejected)
        ignored = counter(.ignored)
        state.record(CircuitBreakerState.closed.rawValue)
    }

    @inline(__always)
    func count(_ outcome: CircuitBreakerOutcome) {
        switch outcome {
        case .success: success.increment()
        case .failure: failure.increment()
        case .slowSuccess: slowSuccess.increment()
        case .slowFailure: slowFailure.increment()
        case .rejected: rejected.increment()
        case .ignored: ignored.increment()
        }
    }
}
