extension CircuitBreaker: ResilienceStrategy {
    public var kind: ResiliencePolicyKind { .circuitBreaker }

    nonisolated(nonsending)
        public func execute<T: Sendable>(
            context: ResilienceContext,
            next: nonisolated(nonsending) @escaping @Sendable (ResilienceContext) async throws -> T
        ) async throws -> T
    {
        try await run { try await next(context) }
    }
}
