/// One token bucket as a value type with exact integer arithmetic.
///
/// Credit is counted in "token-nanoseconds per rate unit": one token is `periodNanos` units
/// and every elapsed nanosecond adds `rate` units, so refills never drift.
public struct TokenBucket: Sendable, Hashable {
    @usableFromInline let rate: Int64
    @usableFromInline let periodNanos: Int64
    @usableFromInline let capacity: Int64
    @usableFromInline let burst: Int
    @usableFromInline var credit: Int64
    @usableFromInline var updatedAt: ResilienceInstant

    /// A full bucket at `now`.
    public init(_ configuration: TokenBucketConfiguration, now: ResilienceInstant) {
        rate = Int64(max(1, configuration.rate))
        periodNanos = max(1, configuration.period.nanosecondsClamped)
        burst = max(1, configuration.burst)
        let (product, overflow) = Int64(burst).multipliedReportingOverflow(by: periodNanos)
        capacity = overflow ? .max : product
        credit = capacity
        updatedAt = now
    }

    /// Whole tokens in the bucket at `now`.
    @inlinable
    public mutating func tokens(now: ResilienceInstant) -> Int {
        refill(now: now)
        return Int(credit / periodNanos)
    }

    /// Whether the bucket is full at `now` (an idle key that can be forgotten).
    @inlinable
    public mutating func isFull(now: ResilienceInstant) -> Bool {
        refill(now: now)
        return credit == capacity
    }

    /// Takes `permits` tokens if available at `now`.
    @inlinable
    public mutating func tryAcquire(permits: Int = 1, now: ResilienceInstant) -> RateLimitDecision {
        refill(now: now)
        let (cost, overflow) = Int64(permits).multipliedReportingOverflow(by: periodNanos)
        if !overflow, permits <= burst, credit >= cost {
            credit -= cost
            return RateLimitDecision(
                isAllowed: true,
                limit: burst,
                remaining: Int(credit / periodNanos),
                resetAfter: .nanoseconds(ceilDiv(capacity - credit, rate)),
                retryAfter: nil
            )
        }
        let retryAfter: Duration? = overflow || permits > burst ? nil : .nanoseconds(ceilDiv(cost - credit, rate))
        return RateLimitDecision(
            isAllowed: false,
            limit: burst,
            remaining: Int(credit / periodNanos),
            resetAfter: .nanoseconds(ceilDiv(capacity - credit, rate)),
            retryAfter: retryAfter
        )
    }

    @inlinable
    mutating func refill(now: ResilienceInstant) {
        let elapsed = now.nanoseconds &- updatedAt.nanoseconds
        guard elapsed > 0 else { return }
        updatedAt = now
        let missing = capacity - credit
        if missing == 0 { return }
        let (added, overflow) = elapsed.multipliedReportingOverflow(by: rate)
        credit = overflow || added >= missing ? capacity : credit + added
    }

    @inlinable
    func ceilDiv(_ a: Int64, _ b: Int64) -> Int64 {
        a <= 0 ? 0 : (a + b - 1) / b
    }
}
