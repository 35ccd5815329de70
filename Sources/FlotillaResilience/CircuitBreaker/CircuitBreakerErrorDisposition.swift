/// What a thrown error means to a ``CircuitBreaker``.
public enum CircuitBreakerErrorDisposition: Sendable, Hashable {
    /// The error is recorded as a failure.
    case failure
    /// The error is excluded and counts as a success (pybreaker's `exclude`).
    case success
    /// The call is not recorded at all (by default: `CancellationError`).
    case ignored

    /// The default classification: `CancellationError` is ignored, anything else is a failure.
    @Sendable
    public static func defaultClassifier(_ error: any Error) -> CircuitBreakerErrorDisposition {
        error is CancellationError ? .ignored : .failure
    }
}
