extension TimeoutPolicy: ResilienceStrategy {
    public var kind: ResiliencePolicyKind { .timeout }

    /// Names the ``TimeoutError`` after ``ResilienceContext/operationName``.
    nonisolated(nonsending)
        public func execute<T: Sendable>(
            context: ResilienceContext,
            next: nonisolated(nonsending) @escaping @Sendable (ResilienceContext) async throws -> T
        ) async throws -> T
    {
        try await run(name: context.operationName) { try await next(context) }
    }
}
