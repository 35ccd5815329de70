extension RetryPolicy: ResilienceStrategy {
    public var kind: ResiliencePolicyKind { .retry }

    /// Retries only if ``ResilienceContext/isIdempotent``.
    nonisolated(nonsending)
        public func execute<T: Sendable>(
            context: ResilienceContext,
            next: nonisolated(nonsending) @escaping @Sendable (ResilienceContext) async throws -> T
        ) async throws -> T
    {
        try await run(idempotent: context.isIdempotent) { try await next(context) }
    }
}
