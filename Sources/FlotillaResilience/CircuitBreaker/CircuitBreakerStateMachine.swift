/// The circuit breaker's logic as a pure value type, driven by explicit instants.
///
/// It does no locking, no I/O and reads no clock: ``CircuitBreaker`` wraps it in a `Mutex`
/// and feeds it `now`. Tests drive it directly.
///
/// ```swift
/// var machine = CircuitBreakerStateMachine(configuration: .init(consecutiveFailures: 3))
/// let permission = machine.tryAcquirePermission(now: .zero)
/// let transition = machine.record(.failure, generation: permission.generation, now: .zero)
/// ```
public struct CircuitBreakerStateMachine: Sendable {
    /// The configuration (thresholds) in force.
    public let configuration: CircuitBreakerConfiguration
    /// The current state (an `open` breaker whose timeout elapsed stays `open` until asked).
    public private(set) var state: CircuitBreakerState = .closed
    /// When the current state was entered.
    public private(set) var stateEnteredAt: ResilienceInstant
    /// Bumped on every transition; outcomes of calls from an older generation are not recorded.
    public private(set) var generation: UInt64 = 0
    /// Failures in a row while closed.
    public private(set) var consecutiveFailures = 0
    /// Trial calls let through in the current half-open period (minus ignored ones).
    public private(set) var halfOpenPermitsIssued = 0
    /// Trial successes in the current half-open period.
    public private(set) var halfOpenSuccesses = 0
    var window: OutcomeWindow
    let minimumCalls: Int
    /// Whether any rate rule is on (otherwise the window is not fed).
    let usesWindow: Bool

    /// Creates a closed breaker; `now` marks when the closed state was entered.
    public init(configuration: CircuitBreakerConfiguration, now: ResilienceInstant = .zero) {
        self.configuration = configuration
        self.stateEnteredAt = now
        self.window = OutcomeWindow(configuration.window)
        if case .countBased(let size) = configuration.window {
            self.minimumCalls = min(configuration.minimumCalls, size)
        } else {
            self.minimumCalls = configuration.minimumCalls
        }
        self.usesWindow = configuration.failureRateThreshold != nil || configuration.slowCallRateThreshold != nil
    }

    /// The time left before an open breaker lets trial calls through (`nil` unless `open`).
    public func remainingOpenDuration(now: ResilienceInstant) -> Duration? {
        guard state == .open else { return nil }
        let left = now.duration(to: stateEnteredAt.advanced(by: configuration.resetTimeout))
        return left > .zero ? left : .zero
    }

    /// The window's aggregate at `now`.
    public mutating func windowSnapshot(now: ResilienceInstant) -> OutcomeWindowSnapshot {
        window.snapshot(now: now)
    }

    /// Asks whether a call may start at `now`. Open turns half-open once `resetTimeout` has elapsed;
    /// half-open hands out at most `permittedCallsInHalfOpen` permits.
    ///
    /// `now` is only evaluated when needed (open state), so callers can pass a clock read lazily.
    public mutating func tryAcquirePermission(now: @autoclosure () -> ResilienceInstant) -> CircuitBreakerPermission {
        switch state {
        case .closed, .disabled:
            return CircuitBreakerPermission(isPermitted: true, generation: generation, state: state, retryAfter: nil, transition: nil)
        case .forcedOpen:
            return CircuitBreakerPermission(isPermitted: false, generation: generation, state: state, retryAfter: nil, transition: nil)
        case .open:
            let now = now()
            let reopenAt = stateEnteredAt.advanced(by: configuration.resetTimeout)
            if now < reopenAt {
                return CircuitBreakerPermission(
                    isPermitted: false,
                    generation: generation,
                    state: .open,
                    retryAfter: now.duration(to: reopenAt),
                    transition: nil
                )
            }
            let transition = transition(to: .halfOpen, now: now)
            var permission = acquireHalfOpenPermit()
            permission.transition = transition
            return permission
        case .halfOpen:
            return acquireHalfOpenPermit()
        }
    }

    mutating func acquireHalfOpenPermit() -> CircuitBreakerPermission {
        if halfOpenPermitsIssued < configuration.permittedCallsInHalfOpen {
            halfOpenPermitsIssued += 1
            return CircuitBreakerPermission(isPermitted: true, generation: generation, state: .halfOpen, retryAfter: nil, transition: nil)
        }
        return CircuitBreakerPermission(isPermitted: false, generation: generation, state: .halfOpen, retryAfter: nil, transition: nil)
    }

    /// Records how a permitted call of `generation` ended at `now`; returns the transition it caused, if any.
    ///
    /// `now` is only evaluated when needed (a transition or a time-based window).
    public mutating func record(
        _ outcome: CircuitBreakerOutcome,
        generation: UInt64,
        now: @autoclosure () -> ResilienceInstant
    ) -> CircuitBreakerTransition? {
        guard generation == self.generation else { return nil }
        switch state {
        case .closed:
            return recordClosed(outcome, now: now)
        case .halfOpen:
            return recordHalfOpen(outcome, now: now())
        case .open, .forcedOpen, .disabled:
            return nil
        }
    }

    mutating func recordClosed(_ outcome: CircuitBreakerOutcome, now: () -> ResilienceInstant) -> CircuitBreakerTransition? {
        if outcome == .ignored || outcome == .rejected { return nil }
        let failure = outcome.isFailure
        consecutiveFailures = failure ? consecutiveFailures + 1 : 0
        if let limit = configuration.consecutiveFailures, consecutiveFailures >= limit {
            return transition(to: .open, now: now())
        }
        guard usesWindow else { return nil }
        window.record(failure: failure, slow: outcome.isSlow, now: window.isTimeBased ? now() : .zero)
        let totals = window.totals
        guard totals.calls >= minimumCalls else { return nil }
        // rate >= threshold  ⇔  count × 100 >= threshold × calls (no division on the hot path)
        let calls = Double(totals.calls)
        if let threshold = configuration.failureRateThreshold, Double(totals.failures) * 100 >= threshold * calls {
            return transition(to: .open, now: now())
        }
        if let threshold = configuration.slowCallRateThreshold, Double(totals.slowCalls) * 100 >= threshold * calls {
            return transition(to: .open, now: now())
        }
        return nil
    }

    mutating func recordHalfOpen(_ outcome: CircuitBreakerOutcome, now: ResilienceInstant) -> CircuitBreakerTransition? {
        switch outcome {
        case .ignored, .rejected:
            halfOpenPermitsIssued = max(0, halfOpenPermitsIssued - 1)
            return nil
        case .failure, .slowFailure:
            return transition(to: .open, now: now)
        case .slowSuccess where configuration.slowCallRateThreshold != nil:
            return transition(to: .open, now: now)
        case .success, .slowSuccess:
            halfOpenSuccesses += 1
            if halfOpenSuccesses >= configuration.successesToClose {
                return transition(to: .closed, now: now)
            }
            return nil
        }
    }

    /// Moves to `newState` at `now` (operators use it for forced-open, disabled and reset),
    /// starting a new generation and clearing all counters. Returns `nil` if already there.
    @discardableResult
    public mutating func transition(to newState: CircuitBreakerState, now: ResilienceInstant) -> CircuitBreakerTransition? {
        guard newState != state else { return nil }
        let change = CircuitBreakerTransition(from: state, to: newState, at: now)
        state = newState
        stateEnteredAt = now
        generation &+= 1
        consecutiveFailures = 0
        halfOpenPermitsIssued = 0
        halfOpenSuccesses = 0
        window.reset()
        return change
    }
}
