/// Policies composed around an operation, outermost first (by default
/// timeout → retry → circuit breaker → bulkhead). Build one with ``ResiliencePipelineBuilder``
/// or from a ``ResiliencePolicyConfiguration``.
///
/// ```swift
/// let pipeline = ResiliencePipelineBuilder()
///     .addTimeout(.seconds(5))
///     .addRetry(.init(maxAttempts: 3))
///     .addCircuitBreaker(CircuitBreaker(name: "payments"))
///     .addBulkhead(.init(maxConcurrent: 32, maxQueue: 64), name: "payments")
///     .build()
/// let receipt = try await pipeline.execute(.init(operationName: "charge", isIdempotent: true)) {
///     try await payments.charge(order)
/// }
/// ```
public struct ResiliencePipeline: Sendable {
    /// The policies, outermost first.
    public let strategies: [any ResilienceStrategy]

    /// A pipeline of `strategies`, outermost first.
    public init(strategies: [any ResilienceStrategy]) {
        self.strategies = strategies
    }

    /// A pipeline that just runs the operation.
    public static let empty = ResiliencePipeline(strategies: [])

    /// The first circuit breaker in the pipeline, if any.
    public var circuitBreaker: CircuitBreaker? {
        strategies.lazy.compactMap { $0 as? CircuitBreaker }.first
    }

    /// The kinds of the policies, outermost first.
    public var kinds: [ResiliencePolicyKind] { strategies.map(\.kind) }

    /// Runs `operation` through every policy.
    nonisolated(nonsending)
        public func execute<T: Sendable>(
            _ context: ResilienceContext = .init(),
            _ operation: nonisolated(nonsending) @escaping @Sendable () async throws -> T
        ) async throws -> T
    {
        try await execute(context) { _ in try await operation() }
    }

    /// Runs `operation` through every policy, passing it the (possibly updated) context.
    nonisolated(nonsending)
        public func execute<T: Sendable>(
            _ context: ResilienceContext = .init(),
            _ operation: nonisolated(nonsending) @escaping @Sendable (ResilienceContext) async throws -> T
        ) async throws -> T
    {
        try await run(from: 0, context: context, operation: operation)
    }

    nonisolated(nonsending)
        private func run<T: Sendable>(
            from index: Int,
            context: ResilienceContext,
            operation: nonisolated(nonsending) @escaping @Sendable (ResilienceContext) async throws -> T
        ) async throws -> T
    {
        guard index < strategies.count else { return try await operation(context) }
        return try await strategies[index].execute(context: context) { context in
            try await self.run(from: index + 1, context: context, operation: operation)
        }
    }
}
