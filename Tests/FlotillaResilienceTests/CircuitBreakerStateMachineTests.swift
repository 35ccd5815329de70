import Testing

@testable import FlotillaResilience

@Suite("CircuitBreakerStateMachine")
struct CircuitBreakerStateMachineTests {
    typealias Machine = CircuitBreakerStateMachine

    static func at(_ seconds: Double) -> ResilienceInstant {
        ResilienceInstant(nanoseconds: Int64(seconds * 1e9))
    }

    /// Acquires and records one call; returns the transition it caused.
    @discardableResult
    static func call(_ m: inout Machine, _ outcome: CircuitBreakerOutcome, at now: ResilienceInstant = .zero) -> CircuitBreakerTransition? {
        let permission = m.tryAcquirePermission(now: now)
        #expect(permission.isPermitted)
        return m.record(outcome, generation: permission.generation, now: now)
    }

    @Test func opensAfterConsecutiveFailures() {
        var m = Machine(configuration: .init(consecutiveFailures: 3, failureRateThreshold: nil))
        Self.call(&m, .failure)
        Self.call(&m, .failure)
        #expect(m.state == .closed)
        let t = Self.call(&m, .failure, at: Self.at(1))
        #expect(t == CircuitBreakerTransition(from: .closed, to: .open, at: Self.at(1)))
        #expect(m.state == .open)
    }

    @Test func successResetsConsecutiveFailures() {
        var m = Machine(configuration: .init(consecutiveFailures: 3, failureRateThreshold: nil))
        Self.call(&m, .failure)
        Self.call(&m, .failure)
        Self.call(&m, .success)
        Self.call(&m, .failure)
        Self.call(&m, .failure)
        #expect(m.state == .closed)
        #expect(m.consecutiveFailures == 2)
    }

    @Test func opensOnFailureRateCountBasedOnlyAfterMinimumCalls() {
        var m = Machine(
            configuration: .init(
                consecutiveFailures: nil,
                failureRateThreshold: 50,
                window: .countBased(size: 10),
                minimumCalls: 6
            )
        )
        // 3 failures of 5 calls = 60 % but below minimumCalls.
        for outcome: CircuitBreakerOutcome in [.failure, .success, .failure, .success, .failure] {
            Self.call(&m, outcome)
        }
        #expect(m.state == .closed)
        // Sixth call: 3/6 = 50 % >= 50 → open.
        let t = Self.call(&m, .success)
        #expect(t?.to == .open)
    }

    @Test func failureRateBelowThresholdStaysClosed() {
        var m = Machine(
            configuration: .init(
                consecutiveFailures: nil,
                failureRateThreshold: 50,
                window: .countBased(size: 4),
                minimumCalls: 4
            )
        )
        for outcome: CircuitBreakerOutcome in [.failure, .success, .success, .success, .failure, .success, .success] {
            Self.call(&m, outcome)
        }
        #expect(m.state == .closed)
        #expect(m.windowSnapshot(now: .zero) == OutcomeWindowSnapshot(calls: 4, failures: 1, slowCalls: 0))
    }

    @Test func minimumCallsIsCappedByCountWindowSize() {
        var m = Machine(
            configuration: .init(
                consecutiveFailures: nil,
                failureRateThreshold: 100,
                window: .countBased(size: 2),
                minimumCalls: 50
            )
        )
        Self.call(&m, .failure)
        #expect(m.state == .closed)
        Self.call(&m, .failure)
        #expect(m.state == .open)
    }

    @Test func opensOnFailureRateTimeBased() {
        var m = Machine(
            configuration: .init(
                consecutiveFailures: nil,
                failureRateThreshold: 50,
                window: .timeBased(duration: .seconds(10)),
                minimumCalls: 4
            )
        )
        // Two failures at t=0, they expire exactly at t=10.
        Self.call(&m, .failure, at: Self.at(0))
        Self.call(&m, .failure, at: Self.at(0.5))
        Self.call(&m, .success, at: Self.at(10))
        Self.call(&m, .success, at: Self.at(10.5))
        Self.call(&m, .success, at: Self.at(11))
        #expect(m.state == .closed)
        #expect(m.windowSnapshot(now: Self.at(11)).calls == 3)
        Self.call(&m, .failure, at: Self.at(12))
        Self.call(&m, .failure, at: Self.at(12))
        // 2 failures / 5 calls = 40 %.
        #expect(m.state == .closed)
        let t = Self.call(&m, .failure, at: Self.at(12))  // 3 / 6 = 50 %
        #expect(t?.to == .open)
    }

    @Test func opensOnSlowCallRate() {
        var m = Machine(
            configuration: .init(
                consecutiveFailures: nil,
                failureRateThreshold: nil,
                slowCallRateThreshold: 60,
                slowCallDurationThreshold: .seconds(1),
                window: .countBased(size: 5),
                minimumCalls: 5
            )
        )
        for outcome: CircuitBreakerOutcome in [.slowSuccess, .success, .slowSuccess, .success] {
            Self.call(&m, outcome)
        }
        #expect(m.state == .closed)
        let t = Self.call(&m, .slowFailure)  // 3/5 = 60 %
        #expect(t?.to == .open)
    }

    @Test func openRejectsWithTimeLeftThenHalfOpensAfterResetTimeout() {
        var m = Machine(configuration: .init(consecutiveFailures: 1, failureRateThreshold: nil, resetTimeout: .seconds(30)))
        Self.call(&m, .failure, at: Self.at(100))
        let rejected = m.tryAcquirePermission(now: Self.at(110))
        #expect(!rejected.isPermitted)
        #expect(rejected.state == .open)
        #expect(rejected.retryAfter == .seconds(20))
        #expect(m.remainingOpenDuration(now: Self.at(129.5)) == .milliseconds(500))
        #expect(!m.tryAcquirePermission(now: Self.at(129.999_999_999)).isPermitted)
        let trial = m.tryAcquirePermission(now: Self.at(130))
        #expect(trial.isPermitted)
        #expect(trial.transition == CircuitBreakerTransition(from: .open, to: .halfOpen, at: Self.at(130)))
        #expect(m.state == .halfOpen)
    }

    static func halfOpenMachine(permitted: Int, successes: Int) -> Machine {
        var m = Machine(
            configuration: .init(
                consecutiveFailures: 1,
                failureRateThreshold: nil,
                resetTimeout: .seconds(5),
                permittedCallsInHalfOpen: permitted,
                successesToClose: successes
            )
        )
        call(&m, .failure)
        return m
    }

    @Test func halfOpenLetsNTrialCallsThroughAndRejectsTheNext() {
        var m = Self.halfOpenMachine(permitted: 3, successes: 3)
        let permits = (0..<3).map { _ in m.tryAcquirePermission(now: Self.at(5)) }
        #expect(permits.allSatisfy { $0.isPermitted })
        let fourth = m.tryAcquirePermission(now: Self.at(5))
        #expect(!fourth.isPermitted)
        #expect(fourth.state == .halfOpen)
        #expect(fourth.retryAfter == nil)
    }

    @Test func halfOpenClosesAfterMSuccesses() {
        var m = Self.halfOpenMachine(permitted: 3, successes: 2)
        let a = m.tryAcquirePermission(now: Self.at(5))
        let b = m.tryAcquirePermission(now: Self.at(5))
        #expect(m.record(.success, generation: a.generation, now: Self.at(6)) == nil)
        #expect(m.state == .halfOpen)
        let t = m.record(.success, generation: b.generation, now: Self.at(6))
        #expect(t == CircuitBreakerTransition(from: .halfOpen, to: .closed, at: Self.at(6)))
        #expect(m.tryAcquirePermission(now: Self.at(6)).isPermitted)
    }

    @Test func halfOpenReopensOnAFailure() {
        var m = Self.halfOpenMachine(permitted: 3, successes: 3)
        let a = m.tryAcquirePermission(now: Self.at(5))
        let b = m.tryAcquirePermission(now: Self.at(5))
        _ = m.record(.success, generation: a.generation, now: Self.at(5))
        let t = m.record(.failure, generation: b.generation, now: Self.at(7))
        #expect(t?.to == .open)
        // The open period restarts at the failure.
        #expect(m.remainingOpenDuration(now: Self.at(7)) == .seconds(5))
    }

    @Test func ignoredHalfOpenCallGivesItsPermitBack() {
        var m = Self.halfOpenMachine(permitted: 1, successes: 1)
        let a = m.tryAcquirePermission(now: Self.at(5))
        #expect(!m.tryAcquirePermission(now: Self.at(5)).isPermitted)
        _ = m.record(.ignored, generation: a.generation, now: Self.at(5))
        #expect(m.tryAcquirePermission(now: Self.at(5)).isPermitted)
    }

    @Test func staleOutcomesFromAnEarlierStateAreNotRecorded() {
        var m = Self.halfOpenMachine(permitted: 1, successes: 1)
        // A call that started while closed (generation 0) finishes during half-open.
        _ = m.tryAcquirePermission(now: Self.at(5))
        #expect(m.record(.success, generation: 0, now: Self.at(5)) == nil)
        #expect(m.state == .halfOpen)
    }

    @Test func forcedOpenRejectsEverythingUntilReset() {
        var m = Machine(configuration: .init())
        #expect(m.transition(to: .forcedOpen, now: .zero)?.to == .forcedOpen)
        let p = m.tryAcquirePermission(now: Self.at(10_000))
        #expect(!p.isPermitted)
        #expect(p.state == .forcedOpen)
        #expect(m.transition(to: .closed, now: Self.at(10_000))?.to == .closed)
        #expect(m.tryAcquirePermission(now: Self.at(10_000)).isPermitted)
    }

    @Test func disabledPermitsAndRecordsNothing() {
        var m = Machine(configuration: .init(consecutiveFailures: 1))
        m.transition(to: .disabled, now: .zero)
        for _ in 0..<10 {
            #expect(Self.call(&m, .failure) == nil)
        }
        #expect(m.state == .disabled)
        #expect(m.transition(to: .disabled, now: .zero) == nil)
    }

    @Test func excludedErrorsCountAsSuccess() {
        struct NotFound: Error {}
        struct Boom: Error {}
        let config = CircuitBreakerConfiguration(consecutiveFailures: 2, failureRateThreshold: nil).excluding { $0 is NotFound }
        #expect(config.classifyError(NotFound()) == .success)
        #expect(config.classifyError(Boom()) == .failure)
        #expect(config.classifyError(CancellationError()) == .ignored)
        var m = Machine(configuration: config)
        Self.call(&m, .failure)
        Self.call(&m, CircuitBreakerOutcome(config.classifyError(NotFound()), isSlow: false))
        Self.call(&m, .failure)
        #expect(m.state == .closed)
    }
}
