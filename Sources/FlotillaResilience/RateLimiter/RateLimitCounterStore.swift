/// Where window counters live. The in-memory store serves one process; a Redis-backed
/// store (INCRBY + EXPIREAT on `key:window:start`) lets a fleet of gateways share them.
public protocol RateLimitCounterStore: Sendable {
    /// Atomically adds `amount` (possibly negative, to roll back) to the counter of `key` in
    /// `window` and returns the new value. The counter may be dropped once the window after
    /// `window.end` is over (the sliding algorithm reads the previous window).
    func increment(key: String, window: RateLimitWindowSlot, by amount: Int) async throws -> Int

    /// The current value of the counter of `key` in `window` (0 if none).
    func count(key: String, window: RateLimitWindowSlot) async throws -> Int
}

/// A ``RateLimitCounterStore`` that answers without suspending (counters in this process), so a limiter can run on
/// an event loop without a task per request.
public protocol SynchronousRateLimitCounterStore: RateLimitCounterStore {
    /// ``RateLimitCounterStore/increment(key:window:by:)`` without suspending.
    func incrementWithoutSuspending(key: String, window: RateLimitWindowSlot, by amount: Int) throws -> Int
    /// ``RateLimitCounterStore/count(key:window:)`` without suspending.
    func countWithoutSuspending(key: String, window: RateLimitWindowSlot) throws -> Int
}
