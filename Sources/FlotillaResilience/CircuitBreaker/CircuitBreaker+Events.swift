extension CircuitBreaker {
    /// A token returned by ``addListener(_:)``; pass it to ``removeListener(_:)``.
    public struct ListenerToken: Sendable, Hashable {
        let id: Int
    }

    /// Calls `listener` synchronously for every state change and call outcome.
    /// The listener must be quick; it runs on the calling task.
    @discardableResult
    public func addListener(_ listener: @escaping @Sendable (CircuitBreakerEvent) -> Void) -> ListenerToken {
        ListenerToken(id: observers.addListener(listener))
    }

    /// Stops calling a listener.
    public func removeListener(_ token: ListenerToken) {
        observers.removeListener(token.id)
    }

    /// A stream of every state change and call outcome from now on (keeps the newest 1024 if not drained).
    public func events() -> AsyncStream<CircuitBreakerEvent> {
        observers.makeStream()
    }
}
