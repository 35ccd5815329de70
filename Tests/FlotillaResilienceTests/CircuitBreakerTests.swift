import Metrics
import MetricsTestKit
import Synchronization
import Testing

@testable import FlotillaResilience

struct Boom: Error, Equatable {}

@Suite("CircuitBreaker")
struct CircuitBreakerTests {
    @Test func runPassesValuesAndRethrowsErrors() async throws {
        let breaker = CircuitBreaker(name: "t", clock: TestClock(), metricsFactory: TestMetrics())
        let value = try await breaker.run { 42 }
        #expect(value == 42)
        await #expect(throws: Boom.self) { try await breaker.run { throw Boom() } }
    }

    @Test func opensAndFailsFastWithoutRunningTheOperation() async throws {
        let clock = TestClock()
        let metrics = TestMetrics()
        let breaker = CircuitBreaker(
            name: "inventory",
            configuration: .init(consecutiveFailures: 2, failureRateThreshold: nil, resetTimeout: .seconds(10)),
            clock: clock,
            metricsFactory: metrics
        )
        for _ in 0..<2 { _ = try? await breaker.run { throw Boom() } }
        #expect(breaker.state == .open)
        clock.advance(by: .seconds(4))
        let ran = AtomicCounter()
        let error = await #expect(throws: CircuitBreakerOpenError.self) {
            try await breaker.run { ran.increment() }
        }
        #expect(ran.value == 0)
        #expect(error?.name == "inventory")
        #expect(error?.state == .open)
        #expect(error?.retryAfter == .seconds(6))
        #expect(try metrics.expectCounter("circuit_breaker_calls_total", [("name", "inventory"), ("outcome", "rejected")]).totalValue == 1)
        #expect(try metrics.expectCounter("circuit_breaker_calls_total", [("name", "inventory"), ("outcome", "failure")]).totalValue == 2)
        #expect(try metrics.expectGauge("circuit_breaker_state", [("name", "inventory")]).lastValue == 1)

        clock.advance(by: .seconds(6))
        try await breaker.run {}
        #expect(breaker.state == .closed)
        #expect(try metrics.expectGauge("circuit_breaker_state", [("name", "inventory")]).values == [0, 1, 2, 0])
    }

    @Test func slowCallsAreMeasuredWithTheInjectedClock() async throws {
        let clock = TestClock()
        let metrics = TestMetrics()
        let breaker = CircuitBreaker(
            name: "slow",
            configuration: .init(
                consecutiveFailures: nil,
                failureRateThreshold: nil,
                slowCallRateThreshold: 100,
                slowCallDurationThreshold: .seconds(2),
                window: .countBased(size: 2),
                minimumCalls: 2
            ),
            clock: clock,
            metricsFactory: metrics
        )
        try await breaker.run { clock.advance(by: .seconds(2)) }
        _ = try? await breaker.run {
            clock.advance(by: .seconds(1))
            throw Boom()
        }
        #expect(breaker.state == .closed)
        _ = try? await breaker.run {
            clock.advance(by: .seconds(3))
            throw Boom()
        }
        #expect(breaker.state == .closed)  // window: [failure, slow_failure] = 50 % slow
        try await breaker.run { clock.advance(by: .seconds(2)) }
        #expect(breaker.state == .open)  // window: [slow_failure, slow_success] = 100 % slow
        let counter = { (outcome: String) in
            try metrics.expectCounter("circuit_breaker_calls_total", [("name", "slow"), ("outcome", outcome)]).totalValue
        }
        #expect(try counter("slow_success") == 2)
        #expect(try counter("failure") == 1)
        #expect(try counter("slow_failure") == 1)
    }

    @Test func cancellationIsIgnored() async throws {
        let metrics = TestMetrics()
        let breaker = CircuitBreaker(
            name: "c",
            configuration: .init(consecutiveFailures: 1),
            clock: TestClock(),
            metricsFactory: metrics
        )
        _ = try? await breaker.run { throw CancellationError() }
        #expect(breaker.state == .closed)
        #expect(try metrics.expectCounter("circuit_breaker_calls_total", [("name", "c"), ("outcome", "ignored")]).totalValue == 1)
    }

    @Test func operatorsForceOpenDisableAndReset() async throws {
        let breaker = CircuitBreaker(name: "ops", configuration: .init(consecutiveFailures: 1), clock: TestClock(), metricsFactory: TestMetrics())
        breaker.forceOpen()
        let error = await #expect(throws: CircuitBreakerOpenError.self) { try await breaker.run {} }
        #expect(error?.state == .forcedOpen)
        breaker.disable()
        for _ in 0..<5 { _ = try? await breaker.run { throw Boom() } }
        #expect(breaker.state == .disabled)
        breaker.reset()
        #expect(breaker.state == .closed)
        _ = try? await breaker.run { throw Boom() }
        #expect(breaker.state == .open)
    }

    @Test func listenersAndStreamsSeeTransitionsAndOutcomes() async throws {
        let clock = TestClock()
        let breaker = CircuitBreaker(
            name: "ev",
            configuration: .init(consecutiveFailures: 1, resetTimeout: .seconds(1)),
            clock: clock,
            metricsFactory: TestMetrics()
        )
        let seen = Mutex<[CircuitBreakerEvent]>([])
        let token = breaker.addListener { event in seen.withLock { $0.append(event) } }
        let stream = breaker.events()
        _ = try? await breaker.run { throw Boom() }
        _ = try? await breaker.run {}
        clock.advance(by: .seconds(1))
        try await breaker.run {}
        breaker.removeListener(token)
        try await breaker.run {}

        let transitions = seen.withLock { $0 }.compactMap { event -> String? in
            if case .stateChanged(_, let t) = event { return t.description }
            return nil
        }
        #expect(transitions == ["closed -> open", "open -> half_open", "half_open -> closed"])
        let outcomes = seen.withLock { $0 }.compactMap { event -> CircuitBreakerOutcome? in
            if case .call(_, let outcome, _) = event { return outcome }
            return nil
        }
        #expect(outcomes == [.failure, .rejected, .success])

        var streamed: [CircuitBreakerEvent] = []
        for await event in stream {
            streamed.append(event)
            if streamed.count == 7 { break }
        }
        #expect(streamed.count == 7)  // 6 seen by the listener + the last success
    }

    @Test func thousandConcurrentCallsAreCountedExactly() async throws {
        let metrics = TestMetrics()
        let breaker = CircuitBreaker(
            name: "load",
            configuration: .init(consecutiveFailures: nil, failureRateThreshold: 90, window: .countBased(size: 2000), minimumCalls: 2000),
            metricsFactory: metrics
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<1000 {
                group.addTask {
                    _ = try? await breaker.run { if i % 4 == 0 { throw Boom() } }
                }
            }
            try await group.waitForAll()
        }
        let counter = { (outcome: String) in
            try metrics.expectCounter("circuit_breaker_calls_total", [("name", "load"), ("outcome", outcome)]).totalValue
        }
        #expect(try counter("success") == 750)
        #expect(try counter("failure") == 250)
        #expect(breaker.windowSnapshot == OutcomeWindowSnapshot(calls: 1000, failures: 250, slowCalls: 0))
    }

    @Test func concurrentHalfOpenTrialsAreLimited() async throws {
        let clock = TestClock()
        let breaker = CircuitBreaker(
            name: "ho",
            configuration: .init(consecutiveFailures: 1, resetTimeout: .seconds(1), permittedCallsInHalfOpen: 3),
            clock: clock,
            metricsFactory: TestMetrics()
        )
        breaker.trip()
        clock.advance(by: .seconds(1))
        let permitted = AtomicCounter()
        let rejected = AtomicCounter()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<100 {
                group.addTask {
                    do {
                        _ = try breaker.acquirePermission()
                        permitted.increment()
                    } catch {
                        rejected.increment()
                    }
                }
            }
        }
        #expect(permitted.value == 3)
        #expect(rejected.value == 97)
    }
}

@Suite("CircuitBreaker time window")
struct CircuitBreakerTimeWindowTests {
    @Test func timeBasedWindowThroughTheBreakerForgetsOldFailures() async throws {
        let clock = TestClock()
        let breaker = CircuitBreaker(
            name: "tw",
            configuration: .init(
                consecutiveFailures: nil,
                failureRateThreshold: 50,
                window: .timeBased(duration: .seconds(10)),
                minimumCalls: 4
            ),
            clock: clock,
            metricsFactory: TestMetrics()
        )
        for _ in 0..<3 { _ = try? await breaker.run { throw Boom() } }
        #expect(breaker.windowSnapshot.failures == 3)
        clock.advance(by: .seconds(10))  // the failures' bucket expires exactly now
        #expect(breaker.windowSnapshot.calls == 0)
        for _ in 0..<3 { try await breaker.run {} }
        _ = try? await breaker.run { throw Boom() }
        #expect(breaker.state == .closed)  // 1 of 4 = 25 %
        _ = try? await breaker.run { throw Boom() }
        _ = try? await breaker.run { throw Boom() }
        #expect(breaker.state == .open)  // 3 of 6 = 50 %
        #expect(breaker.remainingOpenDuration == .seconds(30))
    }
}
