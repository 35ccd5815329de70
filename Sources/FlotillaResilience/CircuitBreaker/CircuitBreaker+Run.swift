extension CircuitBreaker {
    /// Runs `operation` if the breaker permits it, recording its outcome.
    ///
    /// Throws ``CircuitBreakerOpenError`` at once (without running `operation`) when the
    /// breaker is open, forced open, or half-open with every trial permit in use.
    /// Errors thrown by `operation` are rethrown unchanged after being classified by
    /// ``CircuitBreakerConfiguration/classifyError``.
    ///
    /// ```swift
    /// let user = try await breaker.run { try await users.fetch(id) }
    /// ```
    @inlinable
    nonisolated(nonsending)
        public func run<T>(_ operation: nonisolated(nonsending) () async throws -> T) async throws -> T
    {
        let permit = try acquirePermission()
        let value: T
        do {
            value = try await operation()
        } catch {
            recordFailure(error, permit: permit)
            throw error
        }
        recordSuccess(permit: permit)
        return value
    }

    /// Asks for permission to make one call; pair it with ``recordSuccess(permit:)`` or
    /// ``recordFailure(_:permit:)`` (or ``record(_:permit:)``) when the call ends.
    ///
    /// Use this when the call is not a closure (e.g. the result must be inspected before
    /// deciding whether it was a failure).
    public func acquirePermission() throws(CircuitBreakerOpenError) -> CircuitBreakerPermit {
        // A closed (or disabled) breaker needs no time unless it measures durations or uses a
        // time window, so the common path reads no clock.
        let timed = needsTimestamps || observers.isObserved
        let now = timed ? clock.now : .zero
        let clock = self.clock
        let permission = machine.withLock { $0.tryAcquirePermission(now: timed ? now : clock.now) }
        publish(permission.transition)
        guard permission.isPermitted else {
            metrics.count(.rejected)
            if observers.isObserved {
                observers.emit(.call(name: name, outcome: .rejected, duration: nil))
            }
            throw CircuitBreakerOpenError(name: name, state: permission.state, retryAfter: permission.retryAfter)
        }
        return CircuitBreakerPermit(generation: permission.generation, startedAt: timed ? now : nil)
    }

    /// Records a successful call.
    public func recordSuccess(permit: CircuitBreakerPermit) {
        record(.success, permit: permit)
    }

    /// Records a call that threw `error`, classified by the configuration.
    public func recordFailure(_ error: any Error, permit: CircuitBreakerPermit) {
        record(configuration.classifyError(error), permit: permit)
    }

    /// Records a call's outcome as already classified (success, failure or ignored);
    /// slowness is measured here against `slowCallDurationThreshold`.
    public func record(_ disposition: CircuitBreakerErrorDisposition, permit: CircuitBreakerPermit) {
        var now = ResilienceInstant.zero
        var duration: Duration?
        var isSlow = false
        let timed = needsTimestamps || observers.isObserved
        if timed {
            now = clock.now
            if let startedAt = permit.startedAt {
                let elapsed = startedAt.duration(to: now)
                duration = elapsed
                if let threshold = configuration.slowCallDurationThreshold, elapsed >= threshold {
                    isSlow = true
                }
            }
        }
        let outcome = CircuitBreakerOutcome(disposition, isSlow: isSlow)
        let clock = self.clock
        let transition = machine.withLock { $0.record(outcome, generation: permit.generation, now: timed ? now : clock.now) }
        metrics.count(outcome)
        if observers.isObserved {
            observers.emit(.call(name: name, outcome: outcome, duration: duration))
        }
        publish(transition)
    }
}
