/// Whether (and when) a failed attempt should be retried.
public enum RetryDecision: Sendable, Hashable {
    /// Retry after the policy's backoff.
    case retry
    /// Retry after exactly this delay (a server's `Retry-After`), if it fits the deadline.
    case retryAfter(Duration)
    /// Give up and rethrow.
    case doNotRetry

    /// The standard decision for an HTTP status: 502, 503 and 504 are retried (honouring
    /// `retryAfter` when given); every other status, and every 4xx in particular, is not.
    public static func forHTTPStatus(_ status: Int, retryAfter: Duration? = nil) -> RetryDecision {
        switch status {
        case 502, 503, 504:
            if let retryAfter { return .retryAfter(retryAfter) }
            return .retry
        default:
            return .doNotRetry
        }
    }
}
