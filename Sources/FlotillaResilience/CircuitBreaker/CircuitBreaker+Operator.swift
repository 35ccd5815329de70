extension CircuitBreaker {
    /// Holds the breaker open (every call rejected) until ``reset()``.
    public func forceOpen() { move(to: .forcedOpen) }

    /// Switches the breaker off (every call permitted, nothing recorded) until ``reset()``.
    public func disable() { move(to: .disabled) }

    /// Closes the breaker and forgets every recorded outcome.
    public func reset() { move(to: .closed) }

    /// Opens the breaker now, as if it had tripped (trial calls after `resetTimeout`).
    public func trip() { move(to: .open) }

    private func move(to state: CircuitBreakerState) {
        let now = clock.now
        let transition = machine.withLock { $0.transition(to: state, now: now) }
        publish(transition)
    }
}
