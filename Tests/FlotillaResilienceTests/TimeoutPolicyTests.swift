import Testing

@testable import FlotillaResilience

@Suite("TimeoutPolicy")
struct TimeoutPolicyTests {
    @Test func timesOutAndCancelsTheOperation() async throws {
        let clock = TestClock()
        let policy = TimeoutPolicy(timeout: .seconds(2), operationName: "GET /slow", clock: clock)
        let observedCancellation = AtomicCounter()
        let started = AtomicCounter()
        let outcome = Task {
            try await policy.run {
                started.increment()
                do {
                    // Suspends until cancelled: the test never advances the clock this far.
                    try await clock.sleep(for: .seconds(3600))
                } catch is CancellationError {
                    observedCancellation.increment()
                    throw CancellationError()
                }
            }
        }
        await clock.waitForSleepers(count: 2)  // the operation and the timer
        clock.advance(by: .seconds(2))
        let error = await #expect(throws: TimeoutError.self) { try await outcome.value }
        #expect(error == TimeoutError(operation: "GET /slow", timeout: .seconds(2)))
        #expect(error?.description == "'GET /slow' timed out after 2.0s")
        #expect(started.value == 1)
        #expect(observedCancellation.value == 1)
    }

    @Test func returnsTheValueWhenInTime() async throws {
        let clock = TestClock()
        let policy = TimeoutPolicy(timeout: .seconds(2), clock: clock)
        let value = try await policy.run { 7 }
        #expect(value == 7)
        #expect(clock.sleeperCount == 0)  // the timer was cancelled
    }

    @Test func rethrowsTheOperationsError() async {
        let policy = TimeoutPolicy(timeout: .seconds(2), clock: TestClock())
        await #expect(throws: Boom.self) { try await policy.run { throw Boom() } }
    }

    @Test func nameOverridesTheDefault() async {
        let clock = TestClock()
        let policy = TimeoutPolicy(timeout: .milliseconds(250), clock: clock)
        let outcome = Task { try await policy.run(name: "db.query") { try await clock.sleep(for: .seconds(10)) } }
        await clock.waitForSleepers(count: 2)
        clock.advance(by: .milliseconds(250))
        let error = await #expect(throws: TimeoutError.self) { try await outcome.value }
        #expect(error?.operation == "db.query")
    }
}
