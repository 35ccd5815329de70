import MetricsTestKit
import Testing

@testable import FlotillaResilience

@Suite("Bulkhead")
struct BulkheadTests {
    @Test func thousandConcurrentCallsNeverExceedTheLimitAndRejectionsAreExact() async throws {
        let metrics = TestMetrics()
        let bulkhead = Bulkhead(name: "b", configuration: .init(maxConcurrent: 10, maxQueue: 90), metricsFactory: metrics)
        let gate = TestClock()
        let tracker = MaxTracker()
        let completed = AtomicCounter()
        let rejected = AtomicCounter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<1000 {
                group.addTask {
                    do {
                        try await bulkhead.run {
                            tracker.enter()
                            defer { tracker.leave() }
                            try await gate.sleep(for: .seconds(1))  // held until the gate opens
                            completed.increment()
                        }
                    } catch is BulkheadFullError {
                        rejected.increment()
                    }
                }
            }
            // All 1000 have either started (10), queued (90) or been rejected (900).
            while rejected.value < 900 || gate.sleeperCount < 10 { await Task.yield() }
            #expect(bulkhead.activeCount == 10)
            #expect(bulkhead.queuedCount == 90)
            // Open the gate repeatedly until everyone admitted has run.
            while completed.value < 100 {
                gate.advance(by: .seconds(1))
                await Task.yield()
            }
            try await group.waitForAll()
        }
        #expect(tracker.max == 10)
        #expect(completed.value == 100)
        #expect(rejected.value == 900)
        #expect(bulkhead.activeCount == 0)
        #expect(try metrics.expectCounter("bulkhead_calls_total", [("name", "b"), ("outcome", "rejected")]).totalValue == 900)
        #expect(try metrics.expectCounter("bulkhead_calls_total", [("name", "b"), ("outcome", "permitted")]).totalValue == 100)
    }

    @Test func queueIsFIFO() async throws {
        let bulkhead = Bulkhead(name: "fifo", configuration: .init(maxConcurrent: 1, maxQueue: 5))
        let order = OrderRecorder()
        try await bulkhead.acquire()  // hold the only slot
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<5 {
                group.addTask { try await bulkhead.run { order.append(i) } }
                while bulkhead.queuedCount < i + 1 { await Task.yield() }
            }
            bulkhead.release()
            try await group.waitForAll()
        }
        #expect(order.values == [0, 1, 2, 3, 4])
    }

    @Test func cancelledWaiterLeavesTheQueue() async throws {
        let bulkhead = Bulkhead(name: "cancel", configuration: .init(maxConcurrent: 1, maxQueue: 1))
        try await bulkhead.acquire()
        let waiter = Task { try await bulkhead.run { 1 } }
        while bulkhead.queuedCount < 1 { await Task.yield() }
        // The queue is full: another caller is rejected.
        await #expect(throws: BulkheadFullError.self) { try await bulkhead.run { 2 } }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(bulkhead.queuedCount == 0)
        // The freed queue place is usable again, and the slot passes to it on release.
        let next = Task { try await bulkhead.run { 3 } }
        while bulkhead.queuedCount < 1 { await Task.yield() }
        bulkhead.release()
        #expect(try await next.value == 3)
        #expect(bulkhead.activeCount == 0)
    }

    @Test func rejectsAtOnceWithoutAQueue() async throws {
        let bulkhead = Bulkhead(name: "nq", configuration: .init(maxConcurrent: 1, maxQueue: 0))
        try await bulkhead.acquire()
        let error = await #expect(throws: BulkheadFullError.self) { try await bulkhead.run {} }
        #expect(error?.name == "nq")
        bulkhead.release()
        try await bulkhead.run {}
    }
}
