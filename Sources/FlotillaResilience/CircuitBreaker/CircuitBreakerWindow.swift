/// The sliding window over which failure and slow-call rates are computed
/// (resilience4j's `slidingWindowType` + `slidingWindowSize`).
public enum CircuitBreakerWindow: Sendable, Hashable {
    /// The last `size` calls.
    case countBased(size: Int)
    /// The calls of the last `duration`, aggregated in buckets of `bucketWidth`
    /// (a bucket expires exactly `duration` after it started).
    case timeBased(duration: Duration, bucketWidth: Duration = .seconds(1))
}
