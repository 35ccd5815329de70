import Logging
import Metrics
import Synchronization

/// A circuit breaker (closed → open → half-open → closed) guarding calls to one downstream.
///
/// Thread-safe and lock-light: the ``CircuitBreakerStateMachine`` sits in a `Mutex` held only
/// for a few field updates; metric handles are created once, so a closed-state call allocates nothing.
///
/// ```swift
/// let breaker = CircuitBreaker(
///     name: "payments",
///     configuration: .init(consecutiveFailures: 5, resetTimeout: .seconds(30))
/// )
/// do {
///     let balance = try await breaker.run { try await payments.balance(of: user) }
/// } catch let error as CircuitBreakerOpenError {
///     // fail fast; error.retryAfter says how long the breaker stays open
/// }
/// ```
public final class CircuitBreaker: Sendable {
    /// The breaker's name, used in errors, events and metric dimensions.
    public let name: String
    /// The configuration it was created with.
    public let configuration: CircuitBreakerConfiguration
    @usableFromInline let clock: any ResilienceClock
    let machine: Mutex<CircuitBreakerStateMachine>
    let metrics: CircuitBreakerMetrics
    let observers = CircuitBreakerObservers()
    let logger: Logger?
    /// Closed-state calls only need the clock when slow calls or a time window are configured.
    @usableFromInline let needsTimestamps: Bool

    /// Creates a closed breaker.
    ///
    /// - Parameters:
    ///   - name: identifies the breaker in errors, events and metrics.
    ///   - configuration: thresholds; see ``CircuitBreakerConfiguration``.
    ///   - clock: the time source (inject ``TestClock`` in tests).
    ///   - metricsFactory: where metrics go (defaults to the bootstrapped `MetricsSystem.factory`).
    ///   - logger: if given, state changes are logged at `notice` (opening) or `info` level.
    public init(
        name: String,
        configuration: CircuitBreakerConfiguration = .init(),
        clock: any ResilienceClock = SystemClock(),
        metricsFactory: (any MetricsFactory)? = nil,
        logger: Logger? = nil
    ) {
        self.name = name
        self.logger = logger
        self.configuration = configuration
        self.clock = clock
        self.machine = Mutex(CircuitBreakerStateMachine(configuration: configuration, now: clock.now))
        self.metrics = CircuitBreakerMetrics(name: name, factory: metricsFactory ?? MetricsSystem.factory)
        var timed = configuration.detectsSlowCalls
        if case .timeBased = configuration.window { timed = true }
        self.needsTimestamps = timed
    }

    /// The current state (an open breaker whose reset timeout elapsed reports `open` until the next call).
    public var state: CircuitBreakerState {
        machine.withLock { $0.state }
    }

    /// The failure/slow-call aggregate of the sliding window right now.
    public var windowSnapshot: OutcomeWindowSnapshot {
        let now = clock.now
        return machine.withLock { $0.windowSnapshot(now: now) }
    }

    /// For an open breaker: the time left before trial calls are let through.
    public var remainingOpenDuration: Duration? {
        let now = clock.now
        return machine.withLock { $0.remainingOpenDuration(now: now) }
    }

    func publish(_ transition: CircuitBreakerTransition?) {
        guard let transition else { return }
        metrics.state.record(transition.to.rawValue)
        if let logger {
            let level: Logger.Level = transition.to == .open || transition.to == .forcedOpen ? .notice : .info
            logger.log(
                level: level,
                "circuit breaker state changed",
                metadata: [
                    "circuit_breaker": "\(name)", "from": "\(transition.from)", "to": "\(transition.to)",
                ]
            )
        }
        if observers.isObserved {
            observers.emit(.stateChanged(name: name, transition: transition))
        }
    }
}
