import Metrics
import Synchronization

/// Limits how many calls run at once, with a bounded FIFO wait queue; calls beyond both
/// limits fail at once with ``BulkheadFullError``. A cancelled waiter leaves the queue.
///
/// Metric: `bulkhead_calls_total{name,outcome}` with outcome `permitted` or `rejected`.
///
/// ```swift
/// let bulkhead = Bulkhead(name: "reports", configuration: .init(maxConcurrent: 4, maxQueue: 16))
/// let pdf = try await bulkhead.run { try await renderer.render(report) }
/// ```
public final class Bulkhead: Sendable {
    private struct State {
        var active = 0
        var nextID: UInt64 = 0
        var queue = WaiterQueue()
    }

    /// The bulkhead's name.
    public let name: String
    /// Its limits.
    public let configuration: BulkheadConfiguration
    private let state = Mutex(State())
    private let permittedCounter: Counter
    private let rejectedCounter: Counter

    /// Creates a bulkhead.
    public init(name: String, configuration: BulkheadConfiguration, metricsFactory: (any MetricsFactory)? = nil) {
        self.name = name
        self.configuration = configuration
        let factory = metricsFactory ?? MetricsSystem.factory
        permittedCounter = Counter(label: "bulkhead_calls_total", dimensions: [("name", name), ("outcome", "permitted")], factory: factory)
        rejectedCounter = Counter(label: "bulkhead_calls_total", dimensions: [("name", name), ("outcome", "rejected")], factory: factory)
    }

    /// Calls running now.
    public var activeCount: Int { state.withLock { $0.active } }
    /// Calls waiting for a slot now.
    public var queuedCount: Int { state.withLock { $0.queue.count } }

    /// Runs `operation` once a slot is free; throws ``BulkheadFullError`` at once if the queue is full,
    /// or `CancellationError` if the task is cancelled while waiting.
    nonisolated(nonsending)
        public func run<T>(_ operation: nonisolated(nonsending) () async throws -> T) async throws -> T
    {
        try await acquire()
        defer { release() }
        return try await operation()
    }

    /// Takes a slot, waiting in the queue if needed. Pair with ``release()``.
    nonisolated(nonsending)
        public func acquire() async throws
    {
        enum Admission {
            case admitted, rejected
            case mustWait(UInt64)
        }
        let admission: Admission = state.withLock { state in
            if state.active < configuration.maxConcurrent {
                state.active += 1
                return .admitted
            }
            if state.queue.count >= configuration.maxQueue { return .rejected }
            state.nextID += 1
            return .mustWait(state.nextID)
        }
        switch admission {
        case .admitted:
            permittedCounter.increment()
        case .rejected:
            rejectedCounter.increment()
            throw BulkheadFullError(name: name, maxConcurrent: configuration.maxConcurrent, maxQueue: configuration.maxQueue)
        case .mustWait(let id):
            try await wait(id: id)
            permittedCounter.increment()
        }
    }

    nonisolated(nonsending)
        private func wait(id: UInt64) async throws
    {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Next { case wait, run, cancelled, rejected }
                let next: Next = state.withLock { state in
                    if Task.isCancelled { return .cancelled }
                    // A slot may have been freed between the first check and now.
                    if state.active < configuration.maxConcurrent && state.queue.isEmpty {
                        state.active += 1
                        return .run
                    }
                    if state.queue.count >= configuration.maxQueue { return .rejected }
                    state.queue.append(.init(id: id, continuation: continuation))
                    return .wait
                }
                switch next {
                case .wait: break
                case .run: continuation.resume()
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .rejected:
                    rejectedCounter.increment()
                    continuation.resume(
                        throwing: BulkheadFullError(
                            name: name,
                            maxConcurrent: configuration.maxConcurrent,
                            maxQueue: configuration.maxQueue
                        )
                    )
                }
            }
        } onCancel: {
            // Still queued → leave the queue; already handed a slot → keep it (release() frees it).
            let waiter = state.withLock { $0.queue.remove(id: id) }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Frees a slot, handing it to the longest waiting call if any.
    public func release() {
        let next = state.withLock { state -> WaiterQueue.Waiter? in
            if let waiter = state.queue.popFirst() { return waiter }  // the slot passes on; active unchanged
            state.active -= 1
            return nil
        }
        next?.continuation.resume()
    }
}
