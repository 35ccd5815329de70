/// Assembles a ``ResiliencePipeline`` from code, like Polly v8's `ResiliencePipelineBuilder`.
///
/// Policies run in the order they are added (first added = outermost) unless
/// ``ordered(_:)`` imposes an order by kind.
///
/// ```swift
/// let pipeline = ResiliencePipelineBuilder()
///     .addRetry(.init(maxAttempts: 4, baseDelay: .milliseconds(50)))
///     .addCircuitBreaker(breaker)
///     .addTimeout(.seconds(1))      // per attempt: innermost
///     .build()
/// ```
public struct ResiliencePipelineBuilder: Sendable {
    private var strategies: [any ResilienceStrategy] = []
    private var order: [ResiliencePolicyKind]?

    /// An empty builder.
    public init() {}

    /// Adds any policy.
    public func addStrategy(_ strategy: any ResilienceStrategy) -> Self {
        var copy = self
        copy.strategies.append(strategy)
        return copy
    }

    /// Adds a timeout.
    public func addTimeout(_ timeout: Duration, clock: any ResilienceClock = SystemClock()) -> Self {
        addStrategy(TimeoutPolicy(timeout: timeout, clock: clock))
    }

    /// Adds a retry policy.
    public func addRetry(
        _ configuration: RetryConfiguration,
        classifier: any RetryClassifier = DefaultRetryClassifier(),
        clock: any ResilienceClock = SystemClock(),
        random: RandomSource = .system
    ) -> Self {
        addStrategy(RetryPolicy(configuration: configuration, classifier: classifier, clock: clock, random: random))
    }

    /// Adds an already configured retry policy.
    public func addRetry(_ policy: RetryPolicy) -> Self { addStrategy(policy) }

    /// Adds a circuit breaker (share the instance to share its state).
    public func addCircuitBreaker(_ breaker: CircuitBreaker) -> Self { addStrategy(breaker) }

    /// Adds a bulkhead (share the instance to share its slots).
    public func addBulkhead(_ bulkhead: Bulkhead) -> Self { addStrategy(bulkhead) }

    /// Adds a new bulkhead.
    public func addBulkhead(_ configuration: BulkheadConfiguration, name: String) -> Self {
        addStrategy(Bulkhead(name: name, configuration: configuration))
    }

    /// Sorts the policies by kind, outermost first (kinds not listed keep their place after the listed ones).
    public func ordered(_ order: [ResiliencePolicyKind] = ResiliencePolicyKind.defaultOrder) -> Self {
        var copy = self
        copy.order = order
        return copy
    }

    /// The pipeline.
    public func build() -> ResiliencePipeline {
        guard let order else { return ResiliencePipeline(strategies: strategies) }
        let rank = { (kind: ResiliencePolicyKind) in order.firstIndex(of: kind) ?? order.count }
        let sorted = strategies.enumerated().sorted { lhs, rhs in
            let (l, r) = (rank(lhs.element.kind), rank(rhs.element.kind))
            return l != r ? l < r : lhs.offset < rhs.offset
        }
        return ResiliencePipeline(strategies: sorted.map(\.element))
    }
}
