import MetricsTestKit
import Synchronization
import Testing

@testable import FlotillaResilience

/// Records the order in which strategies are entered.
struct TracingStrategy: ResilienceStrategy {
    var kind: ResiliencePolicyKind
    var log: OrderRecorder
    var id: Int

    nonisolated(nonsending)
        func execute<T: Sendable>(
            context: ResilienceContext,
            next: nonisolated(nonsending) @escaping @Sendable (ResilienceContext) async throws -> T
        ) async throws -> T
    {
        log.append(id)
        return try await next(context)
    }
}

@Suite("ResiliencePipeline")
struct ResiliencePipelineTests {
    @Test func builderKeepsAdditionOrderUnlessOrdered() async throws {
        let log = OrderRecorder()
        let builder = ResiliencePipelineBuilder()
            .addStrategy(TracingStrategy(kind: .bulkhead, log: log, id: 4))
            .addStrategy(TracingStrategy(kind: .retry, log: log, id: 2))
            .addStrategy(TracingStrategy(kind: .timeout, log: log, id: 1))
            .addStrategy(TracingStrategy(kind: .circuitBreaker, log: log, id: 3))
        _ = try await builder.build().execute { 0 }
        #expect(log.values == [4, 2, 1, 3])
        let ordered = builder.ordered().build()
        #expect(ordered.kinds == [.timeout, .retry, .circuitBreaker, .bulkhead])
        _ = try await ordered.execute { 0 }
        #expect(log.values == [4, 2, 1, 3, 1, 2, 3, 4])
    }

    @Test func retryWrapsTheBreakerSoEveryAttemptIsRecorded() async throws {
        let clock = TestClock(autoAdvance: true)
        let metrics = TestMetrics()
        let breaker = CircuitBreaker(
            name: "p",
            configuration: .init(consecutiveFailures: 10),
            clock: clock,
            metricsFactory: metrics
        )
        let pipeline = ResiliencePipelineBuilder()
            .addTimeout(.seconds(30), clock: TestClock())  // a manual clock: never fires here
            .addRetry(.init(maxAttempts: 3), clock: clock, random: .constant(0))
            .addCircuitBreaker(breaker)
            .addBulkhead(.init(maxConcurrent: 2), name: "p")
            .build()
        let attempts = AtomicCounter()
        let value = try await pipeline.execute(.init(operationName: "op", isIdempotent: true)) {
            if attempts.increment() < 3 { throw ConnectionReset() }
            return "ok"
        }
        #expect(value == "ok")
        #expect(attempts.value == 3)
        #expect(try metrics.expectCounter("circuit_breaker_calls_total", [("name", "p"), ("outcome", "failure")]).totalValue == 2)
        #expect(try metrics.expectCounter("circuit_breaker_calls_total", [("name", "p"), ("outcome", "success")]).totalValue == 1)
    }

    @Test func nonIdempotentCallsAreNotRetriedThroughThePipeline() async {
        let pipeline = ResiliencePipelineBuilder()
            .addRetry(.init(maxAttempts: 5), clock: TestClock(autoAdvance: true))
            .build()
        let attempts = AtomicCounter()
        await #expect(throws: ConnectionReset.self) {
            try await pipeline.execute(.init(isIdempotent: false)) {
                attempts.increment()
                throw ConnectionReset()
            }
        }
        #expect(attempts.value == 1)
    }

    @Test func openBreakerStopsRetriesAtOnce() async {
        let clock = TestClock(autoAdvance: true)
        let breaker = CircuitBreaker(name: "o", configuration: .init(consecutiveFailures: 2), clock: clock, metricsFactory: TestMetrics())
        let pipeline = ResiliencePipelineBuilder()
            .addRetry(.init(maxAttempts: 10), clock: clock, random: .constant(0))
            .addCircuitBreaker(breaker)
            .build()
        let attempts = AtomicCounter()
        await #expect(throws: CircuitBreakerOpenError.self) {
            try await pipeline.execute(.init(isIdempotent: true)) {
                attempts.increment()
                throw ConnectionReset()
            }
        }
        #expect(attempts.value == 2)
        #expect(pipeline.circuitBreaker === breaker)
    }

    @Test func timeoutNamesTheOperationFromTheContext() async {
        let clock = TestClock()
        let pipeline = ResiliencePipelineBuilder().addTimeout(.seconds(1), clock: clock).build()
        let task = Task {
            try await pipeline.execute(.init(operationName: "GET inventory /items")) {
                try await clock.sleep(for: .seconds(5))
            }
        }
        await clock.waitForSleepers(count: 2)
        clock.advance(by: .seconds(1))
        let error = await #expect(throws: TimeoutError.self) { try await task.value }
        #expect(error?.operation == "GET inventory /items")
    }
}
