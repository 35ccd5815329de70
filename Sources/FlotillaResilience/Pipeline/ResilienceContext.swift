/// Per-call facts the policies of a ``ResiliencePipeline`` need.
public struct ResilienceContext: Sendable, Hashable {
    /// Names the call in errors (e.g. ``TimeoutError/operation``), e.g. `"GET payments /charges"`.
    public var operationName: String
    /// Whether the call may safely be repeated; ``RetryPolicy`` never retries a call that is not.
    public var isIdempotent: Bool

    /// Creates a context.
    public init(operationName: String = "operation", isIdempotent: Bool = false) {
        self.operationName = operationName
        self.isIdempotent = isIdempotent
    }
}
