import Synchronization

/// The listeners and event streams attached to one breaker.
final class CircuitBreakerObservers: Sendable {
    private struct Registry {
        var nextID = 0
        var listeners: [Int: @Sendable (CircuitBreakerEvent) -> Void] = [:]
        var streams: [Int: AsyncStream<CircuitBreakerEvent>.Continuation] = [:]
    }

    private let registry = Mutex(Registry())
    /// Read without the lock on the hot path: no observer, no event is built.
    private let observerCount = Atomic<Int>(0)

    var isObserved: Bool { observerCount.load(ordering: .relaxed) > 0 }

    @discardableResult
    func addListener(_ listener: @escaping @Sendable (CircuitBreakerEvent) -> Void) -> Int {
        let id = registry.withLock { registry in
            registry.nextID += 1
            registry.listeners[registry.nextID] = listener
            return registry.nextID
        }
        observerCount.add(1, ordering: .relaxed)
        return id
    }

    func removeListener(_ id: Int) {
        if registry.withLock({ $0.listeners.removeValue(forKey: id) }) != nil {
            observerCount.subtract(1, ordering: .relaxed)
        }
    }

    func makeStream() -> AsyncStream<CircuitBreakerEvent> {
        let (stream, continuation) = AsyncStream<CircuitBreakerEvent>.makeStream(bufferingPolicy: .bufferingNewest(1024))
        let id = registry.withLock { registry in
            registry.nextID += 1
            registry.streams[registry.nextID] = continuation
            return registry.nextID
        }
        observerCount.add(1, ordering: .relaxed)
        continuation.onTermination = { [weak self] _ in
            guard let self else { return }
            if self.registry.withLock({ $0.streams.removeValue(forKey: id) }) != nil {
                self.observerCount.subtract(1, ordering: .relaxed)
            }
        }
        return stream
    }

    func emit(_ event: CircuitBreakerEvent) {
        let (listeners, streams) = registry.withLock { (Array($0.listeners.values), Array($0.streams.values)) }
        for listener in listeners { listener(event) }
        for stream in streams { stream.yield(event) }
    }

    deinit {
        let streams = registry.withLock { Array($0.streams.values) }
        for stream in streams { stream.finish() }
    }
}
