/// The aggregate a ``OutcomeWindow`` reports: how many calls, failures and slow calls it holds.
public struct OutcomeWindowSnapshot: Sendable, Hashable {
    /// Recorded calls in the window.
    public var calls: Int
    /// Of which failures.
    public var failures: Int
    /// Of which slow calls.
    public var slowCalls: Int

    /// Failure rate in percent (0 when empty).
    public var failureRate: Double { calls == 0 ? 0 : Double(failures) * 100 / Double(calls) }
    /// Slow-call rate in percent (0 when empty).
    public var slowCallRate: Double { calls == 0 ? 0 : Double(slowCalls) * 100 / Double(calls) }
}

/// The sliding window of recorded outcomes behind a circuit breaker: either the last N calls
/// (a ring buffer that evicts exactly the oldest) or the calls of the last T seconds
/// (a ring of time buckets; a bucket expires exactly when the window has moved past it).
///
/// Storage is allocated once at creation; recording never allocates.
public struct OutcomeWindow: Sendable {
    struct Bucket: Sendable {
        var epoch: Int64
        var calls: Int32
        var failures: Int32
        var slowCalls: Int32
    }

    let isTimeBased: Bool
    /// Count-based: one byte per call slot (bit 0 = failure, bit 1 = slow, bit 2 = occupied).
    var ring: [UInt8]
    var head: Int = 0
    /// Time-based: one bucket per `bucketWidth`.
    var buckets: [Bucket]
    let bucketWidthNanos: Int64
    var latestEpoch: Int64 = .min
    var totals = OutcomeWindowSnapshot(calls: 0, failures: 0, slowCalls: 0)

    /// Creates an empty window of the given shape.
    public init(_ kind: CircuitBreakerWindow) {
        switch kind {
        case .countBased(let size):
            isTimeBased = false
            ring = [UInt8](repeating: 0, count: max(1, size))
            buckets = []
            bucketWidthNanos = 1
        case .timeBased(let duration, let bucketWidth):
            isTimeBased = true
            let width = max(1, bucketWidth.nanosecondsClamped)
            let count = max(1, Int(duration.nanosecondsClamped / width))
            ring = []
            buckets = [Bucket](repeating: Bucket(epoch: .min, calls: 0, failures: 0, slowCalls: 0), count: count)
            bucketWidthNanos = width
        }
    }

    /// The number of call slots (count-based) or buckets (time-based).
    public var capacity: Int { isTimeBased ? buckets.count : ring.count }

    /// Records one call completed at `now`.
    public mutating func record(failure: Bool, slow: Bool, now: ResilienceInstant) {
        if isTimeBased {
            let epoch = advance(to: now)
            let index = Int(UInt64(bitPattern: epoch) % UInt64(buckets.count))
            buckets[index].calls &+= 1
            if failure { buckets[index].failures &+= 1 }
            if slow { buckets[index].slowCalls &+= 1 }
        } else {
            let old = ring[head]
            if old & 0b100 != 0 {
                totals.calls &-= 1
                if old & 0b001 != 0 { totals.failures &-= 1 }
                if old & 0b010 != 0 { totals.slowCalls &-= 1 }
            }
            ring[head] = 0b100 | (failure ? 0b001 : 0) | (slow ? 0b010 : 0)
            head = head &+ 1 == ring.count ? 0 : head &+ 1
        }
        totals.calls &+= 1
        if failure { totals.failures &+= 1 }
        if slow { totals.slowCalls &+= 1 }
    }

    /// The aggregate over the window as seen at `now` (time-based windows expire old buckets first).
    public mutating func snapshot(now: ResilienceInstant) -> OutcomeWindowSnapshot {
        if isTimeBased { _ = advance(to: now) }
        return totals
    }

    /// Forgets every recorded call.
    public mutating func reset() {
        for i in ring.indices { ring[i] = 0 }
        for i in buckets.indices { buckets[i] = Bucket(epoch: .min, calls: 0, failures: 0, slowCalls: 0) }
        head = 0
        latestEpoch = .min
        totals = OutcomeWindowSnapshot(calls: 0, failures: 0, slowCalls: 0)
    }

    /// Moves the time window to `now`: buckets that started `duration` or more ago are subtracted and cleared.
    /// Returns the current bucket epoch.
    mutating func advance(to now: ResilienceInstant) -> Int64 {
        let epoch =
            now.nanoseconds >= 0
            ? now.nanoseconds / bucketWidthNanos
            : (now.nanoseconds - bucketWidthNanos + 1) / bucketWidthNanos
        if epoch <= latestEpoch { return latestEpoch }
        let count = Int64(buckets.count)
        // Clear every bucket between the previous epoch (exclusive) and the new one (inclusive),
        // at most one full turn of the ring.
        let first = latestEpoch == .min || epoch - latestEpoch > count ? epoch - count + 1 : latestEpoch + 1
        var e = first
        while e <= epoch {
            let index = Int(UInt64(bitPattern: e) % UInt64(count))
            let bucket = buckets[index]
            if bucket.epoch != .min {
                totals.calls &-= Int(bucket.calls)
                totals.failures &-= Int(bucket.failures)
                totals.slowCalls &-= Int(bucket.slowCalls)
            }
            buckets[index] = Bucket(epoch: e, calls: 0, failures: 0, slowCalls: 0)
            e += 1
        }
        latestEpoch = epoch
        return epoch
    }
}
