import Synchronization

/// A keyed in-memory token-bucket limiter (one bucket per key: consumer, IP, header value…).
///
/// ``tryAcquire(key:permits:now:)`` is synchronous and allocation-free for a key already seen.
///
/// ```swift
/// let limiter = TokenBucketRateLimiter(configuration: .init(rate: 100, burst: 20))
/// let decision = limiter.tryAcquire(key: consumerID)
/// if !decision.isAllowed { /* 429 with Retry-After: decision.retryAfterSeconds */ }
/// ```
public final class TokenBucketRateLimiter: Sendable {
    /// Rate and burst of every bucket.
    public let configuration: TokenBucketConfiguration
    /// How many keys are kept before idle (full) buckets are dropped.
    public let maxKeys: Int
    @usableFromInline let buckets: Mutex<TokenBucketTable>
    @usableFromInline let clock: any ResilienceClock

    /// Creates a limiter.
    public init(configuration: TokenBucketConfiguration, maxKeys: Int = 100_000, clock: any ResilienceClock = SystemClock()) {
        self.configuration = configuration
        self.maxKeys = maxKeys
        self.clock = clock
        self.buckets = Mutex(TokenBucketTable())
    }

    /// Takes `permits` tokens from `key`'s bucket at `now` (the limiter's clock by default).
    @inlinable
    public func tryAcquire(key: String, permits: Int = 1, now: ResilienceInstant? = nil) -> RateLimitDecision {
        let now = now ?? clock.now
        return buckets.withLock { table in
            if let decision = table.tryAcquireKnown(key: key, permits: permits, now: now) {
                return decision
            }
            return acquireForNewKey(&table, key: key, permits: permits, now: now)
        }
    }

    /// Async form for symmetry with ``WindowRateLimiter``; never suspends.
    nonisolated(nonsending)
        public func acquire(key: String, permits: Int = 1) async -> RateLimitDecision
    {
        tryAcquire(key: key, permits: permits)
    }

    @usableFromInline
    func acquireForNewKey(_ table: inout TokenBucketTable, key: String, permits: Int, now: ResilienceInstant) -> RateLimitDecision {
        if table.count >= maxKeys {
            table.removeFull(now: now)
        }
        var bucket = TokenBucket(configuration, now: now)
        let decision = bucket.tryAcquire(permits: permits, now: now)
        table.insert(bucket, for: key)
        return decision
    }

    /// Forgets every key whose bucket is full at `now` (it behaves exactly like a new key).
    public func evictIdle(now: ResilienceInstant? = nil) {
        let now = now ?? clock.now
        buckets.withLock { $0.removeFull(now: now) }
    }

    /// Keys currently tracked.
    public var keyCount: Int { buckets.withLock { $0.count } }
}
