/// Reported by a ``RetryPolicy`` before it sleeps and retries.
public struct RetryEvent: Sendable {
    /// The policy's name.
    public var name: String
    /// The attempt that failed (1-based).
    public var attempt: Int
    /// How long the policy will sleep before the next attempt.
    public var delay: Duration
    /// The error the attempt threw.
    public var error: any Error
}
