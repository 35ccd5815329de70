import FlotillaResilience

/// How long a saga waits between attempts: FlotillaResilience's exponential backoff with full jitter.
///
/// Forward steps retry until the saga's deadline with delays capped at ``maxDelay``; compensations retry
/// until they succeed with delays capped at ``compensationMaxDelay``. Tests inject tiny delays:
///
/// ```swift
/// SagaRetryPolicy(baseDelay: .milliseconds(1), maxDelay: .milliseconds(5))
/// ```
public struct SagaRetryPolicy: Sendable {
    /// The backoff base: before retry `n` (0-based) a saga waits `random(0, min(cap, baseDelay * 2^n))`.
    public var baseDelay: Duration
    /// The cap for forward steps.
    public var maxDelay: Duration
    /// The cap for compensations.
    public var compensationMaxDelay: Duration
    /// The jitter source.
    public var random: RandomSource

    /// Creates a policy (defaults: 100 ms base, 5 s cap forward, 30 s cap for compensations).
    public init(
        baseDelay: Duration = .milliseconds(100),
        maxDelay: Duration = .seconds(5),
        compensationMaxDelay: Duration? = nil,
        random: RandomSource = .system
    ) {
        self.baseDelay = max(.zero, baseDelay)
        self.maxDelay = max(self.baseDelay, maxDelay)
        self.compensationMaxDelay = max(self.baseDelay, compensationMaxDelay ?? max(maxDelay, .seconds(30)))
        self.random = random
    }

    /// A policy from a FlotillaResilience ``RetryConfiguration``: its base and cap. Its attempt limit and
    /// deadline do not apply: the saga's deadline bounds forward steps, and compensations never give up.
    public init(configuration: RetryConfiguration, compensationMaxDelay: Duration? = nil, random: RandomSource = .system) {
        self.init(
            baseDelay: configuration.baseDelay,
            maxDelay: configuration.maxDelay,
            compensationMaxDelay: compensationMaxDelay,
            random: random
        )
    }

    /// 100 ms base, 5 s cap forward, 30 s cap for compensations, system randomness.
    public static var `default`: SagaRetryPolicy { SagaRetryPolicy() }

    /// The jittered delay after failed attempt number `attempt` (1-based).
    public func delay(afterAttempt attempt: Int, phase: SagaStepContext.Phase) -> Duration {
        let cap = phase == .action ? maxDelay : compensationMaxDelay
        return Backoff.fullJitter(retry: max(0, attempt - 1), base: baseDelay, cap: cap, unit: random.nextUnit())
    }
}
