/// One policy in a ``ResiliencePipeline``: it wraps the rest of the pipeline (`next`).
///
/// Conform your own type to add a custom policy with ``ResiliencePipelineBuilder/addStrategy(_:)``.
public protocol ResilienceStrategy: Sendable {
    /// What kind of policy this is (for ordering).
    var kind: ResiliencePolicyKind { get }

    /// Runs `next` under this policy.
    nonisolated(nonsending)
        func execute<T: Sendable>(
            context: ResilienceContext,
            next: nonisolated(nonsending) @escaping @Sendable (ResilienceContext) async throws -> T
        ) async throws -> T
}
