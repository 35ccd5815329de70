/// The answer of a rate limiter: allowed or not, and everything needed for the
/// `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` and `Retry-After` headers.
public struct RateLimitDecision: Sendable, Hashable {
    /// Whether the request may proceed.
    public var isAllowed: Bool
    /// The limit that applied (bucket burst, or requests per window).
    public var limit: Int
    /// Requests still allowed now (after this one, if it was allowed).
    public var remaining: Int
    /// Time until the limiter is fully replenished (bucket full / window over).
    public var resetAfter: Duration
    /// When denied: time until the request would be allowed.
    public var retryAfter: Duration?

    /// Creates a decision.
    public init(isAllowed: Bool, limit: Int, remaining: Int, resetAfter: Duration, retryAfter: Duration?) {
        self.isAllowed = isAllowed
        self.limit = limit
        self.remaining = remaining
        self.resetAfter = resetAfter
        self.retryAfter = retryAfter
    }

    /// ``resetAfter`` in whole seconds, rounded up (for `RateLimit-Reset`).
    public var resetSeconds: Int { Self.ceilSeconds(resetAfter) }

    /// ``retryAfter`` in whole seconds, rounded up and at least 1 (for `Retry-After`).
    public var retryAfterSeconds: Int? { retryAfter.map { max(1, Self.ceilSeconds($0)) } }

    static func ceilSeconds(_ duration: Duration) -> Int {
        let nanos = duration.nanosecondsClamped
        return nanos <= 0 ? 0 : Int((nanos + 999_999_999) / 1_000_000_000)
    }
}
