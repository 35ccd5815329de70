/// The keyed buckets of a ``TokenBucketRateLimiter``: a key → slot index plus a flat array of
/// buckets, so the hot path is a read-only dictionary lookup and an in-place array update
/// (no dictionary `_modify` coroutine, no allocation).
public struct TokenBucketTable: Sendable {
    @usableFromInline var slots: [String: Int] = [:]
    @usableFromInline var buckets: [TokenBucket] = []

    /// An empty table.
    public init() {}

    /// Keys tracked.
    public var count: Int { buckets.count }

    /// Takes `permits` from `key`'s bucket if the key is known; `nil` for an unknown key.
    @inlinable
    public mutating func tryAcquireKnown(key: String, permits: Int, now: ResilienceInstant) -> RateLimitDecision? {
        guard let slot = slots[key] else { return nil }
        return buckets[slot].tryAcquire(permits: permits, now: now)
    }

    /// Adds `bucket` for `key` (replacing any previous one).
    public mutating func insert(_ bucket: TokenBucket, for key: String) {
        if let slot = slots[key] {
            buckets[slot] = bucket
        } else {
            slots[key] = buckets.count
            buckets.append(bucket)
        }
    }

    /// Drops every key whose bucket is full at `now`.
    public mutating func removeFull(now: ResilienceInstant) {
        var keptSlots: [String: Int] = [:]
        var keptBuckets: [TokenBucket] = []
        for (key, slot) in slots {
            var bucket = buckets[slot]
            if !bucket.isFull(now: now) {
                keptSlots[key] = keptBuckets.count
                keptBuckets.append(bucket)
            }
        }
        slots = keptSlots
        buckets = keptBuckets
    }
}
