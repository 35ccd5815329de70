/// The tuning of a ``RetryPolicy``: attempts, AWS-style "full jitter" exponential backoff
/// and an overall deadline.
public struct RetryConfiguration: Sendable, Hashable {
    /// Total attempts including the first (1 disables retries).
    public var maxAttempts: Int
    /// The backoff base: before retry `n` (0-based) the policy sleeps `random(0, min(maxDelay, baseDelay * 2^n))`.
    public var baseDelay: Duration
    /// The backoff cap.
    public var maxDelay: Duration
    /// The overall budget measured from the first attempt: no retry starts (or sleeps) past it.
    public var deadline: Duration?
    /// The longest `Retry-After` honoured; a server asking for more ends the retries.
    public var maxRetryAfter: Duration

    /// Creates a configuration (defaults: 3 attempts, 100 ms base, 10 s cap, no deadline).
    public init(
        maxAttempts: Int = 3,
        baseDelay: Duration = .milliseconds(100),
        maxDelay: Duration = .seconds(10),
        deadline: Duration? = nil,
        maxRetryAfter: Duration = .seconds(60)
    ) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.deadline = deadline
        self.maxRetryAfter = maxRetryAfter
    }

    /// Checks every field; throws ``PolicyConfigurationError`` naming the first bad one.
    public func validate(path: String = "retry") throws(PolicyConfigurationError) {
        func field(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }
        if maxAttempts < 1 { throw PolicyConfigurationError(field: field("maxAttempts"), message: "\(maxAttempts) is not >= 1") }
        if baseDelay < .zero { throw PolicyConfigurationError(field: field("baseDelay"), message: "\(baseDelay) is negative") }
        if maxDelay < baseDelay {
            throw PolicyConfigurationError(field: field("maxDelay"), message: "\(maxDelay) is less than baseDelay \(baseDelay)")
        }
        if let deadline, deadline <= .zero {
            throw PolicyConfigurationError(field: field("deadline"), message: "\(deadline) is not > 0")
        }
        if maxRetryAfter < .zero { throw PolicyConfigurationError(field: field("maxRetryAfter"), message: "\(maxRetryAfter) is negative") }
    }
}
