import Synchronization

/// Wakes ``SagaOrchestrator/waitForEnd(id:timeout:)`` callers when a saga this process runs ends, so
/// waiting never polls the database.
final class SagaEndSignals: Sendable {
    private let waiters = Mutex<[String: [Int: AsyncStream<Void>.Continuation]]>([:])
    private let nextToken = Atomic<Int>(0)

    /// A token and a stream that yields once when saga `id` ends. Call ``unregister(id:token:)`` when done.
    func register(id: String) -> (token: Int, ended: AsyncStream<Void>) {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let token = nextToken.add(1, ordering: .relaxed).newValue
        waiters.withLock { $0[id, default: [:]][token] = continuation }
        return (token, stream)
    }

    func unregister(id: String, token: Int) {
        let continuation = waiters.withLock { waiters -> AsyncStream<Void>.Continuation? in
            let continuation = waiters[id]?.removeValue(forKey: token)
            if waiters[id]?.isEmpty == true { waiters[id] = nil }
            return continuation
        }
        continuation?.finish()
    }

    func signal(id: String) {
        let continuations = waiters.withLock { $0.removeValue(forKey: id) } ?? [:]
        for continuation in continuations.values {
            continuation.yield()
            continuation.finish()
        }
    }
}
