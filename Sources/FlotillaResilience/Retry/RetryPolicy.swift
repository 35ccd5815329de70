/// Retries a failing operation with exponential "full jitter" backoff, an attempt limit,
/// an overall deadline and `Retry-After` support — but only if the caller says the
/// operation is idempotent.
///
/// ```swift
/// let retry = RetryPolicy(configuration: .init(maxAttempts: 4, baseDelay: .milliseconds(50), maxDelay: .seconds(2)))
/// let quote = try await retry.run(idempotent: true) { try await pricing.quote(sku) }
/// ```
public struct RetryPolicy: Sendable {
    /// Identifies the policy in events.
    public var name: String
    /// Attempts, backoff and deadline.
    public var configuration: RetryConfiguration
    /// Decides which errors are retried.
    public var classifier: any RetryClassifier
    /// Sleeps between attempts and measures the deadline.
    public var clock: any ResilienceClock
    /// The jitter source.
    public var random: RandomSource
    /// Called before each retry (after the decision, before sleeping).
    public var onRetry: (@Sendable (RetryEvent) -> Void)?

    /// Creates a retry policy.
    public init(
        name: String = "retry",
        configuration: RetryConfiguration = .init(),
        classifier: any RetryClassifier = DefaultRetryClassifier(),
        clock: any ResilienceClock = SystemClock(),
        random: RandomSource = .system,
        onRetry: (@Sendable (RetryEvent) -> Void)? = nil
    ) {
        self.name = name
        self.configuration = configuration
        self.classifier = classifier
        self.clock = clock
        self.random = random
        self.onRetry = onRetry
    }

    /// Runs `operation`, retrying failures the classifier allows while attempts and the
    /// deadline last. A non-idempotent operation runs exactly once. The last error is rethrown.
    nonisolated(nonsending)
        public func run<T>(
            idempotent: Bool,
            _ operation: nonisolated(nonsending) () async throws -> T
        ) async throws -> T
    {
        let start = clock.now
        var attempt = 1
        while true {
            do {
                return try await operation()
            } catch {
                guard let delay = delayBeforeRetry(after: error, attempt: attempt, idempotent: idempotent, start: start) else {
                    throw error
                }
                onRetry?(RetryEvent(name: name, attempt: attempt, delay: delay, error: error))
                try await clock.sleep(for: delay)
                attempt += 1
            }
        }
    }

    /// The delay before the next attempt, or `nil` to give up.
    func delayBeforeRetry(after error: any Error, attempt: Int, idempotent: Bool, start: ResilienceInstant) -> Duration? {
        guard idempotent, attempt < configuration.maxAttempts, !Task.isCancelled else { return nil }
        let delay: Duration
        switch classifier.decision(for: error, attempt: attempt) {
        case .doNotRetry:
            return nil
        case .retry:
            delay = Backoff.fullJitter(
                retry: attempt - 1,
                base: configuration.baseDelay,
                cap: configuration.maxDelay,
                unit: random.nextUnit()
            )
        case .retryAfter(let requested):
            guard requested <= configuration.maxRetryAfter else { return nil }
            delay = max(requested, .zero)
        }
        if let deadline = configuration.deadline {
            // The next attempt must start before the deadline.
            let nextStart = clock.now.advanced(by: delay)
            guard nextStart < start.advanced(by: deadline) else { return nil }
        }
        return delay
    }
}
