/// Decides, for each failed attempt, whether a ``RetryPolicy`` tries again.
///
/// Plug in your own to map domain errors (the HTTP client maps statuses and connection errors).
public protocol RetryClassifier: Sendable {
    /// The decision for `error`, thrown by attempt number `attempt` (1-based).
    func decision(for error: any Error, attempt: Int) -> RetryDecision
}

/// The default classifier:
/// - ``RetryClassifiable`` errors decide for themselves;
/// - cancellation, an open circuit breaker and a full bulkhead are never retried;
/// - a ``TimeoutError`` (of an inner, per-attempt timeout) is retried;
/// - any other error is retried if `retryUnknownErrors` (the default).
public struct DefaultRetryClassifier: RetryClassifier {
    /// Whether errors the classifier knows nothing about are retried.
    public var retryUnknownErrors: Bool

    /// Creates the classifier.
    public init(retryUnknownErrors: Bool = true) {
        self.retryUnknownErrors = retryUnknownErrors
    }

    public func decision(for error: any Error, attempt: Int) -> RetryDecision {
        switch error {
        case let classifiable as any RetryClassifiable:
            return classifiable.retryDecision
        case is CancellationError, is CircuitBreakerOpenError, is BulkheadFullError:
            return .doNotRetry
        case is TimeoutError:
            return .retry
        default:
            return retryUnknownErrors ? .retry : .doNotRetry
        }
    }
}

/// A classifier from a closure.
public struct ClosureRetryClassifier: RetryClassifier {
    private let body: @Sendable (any Error, Int) -> RetryDecision

    /// Creates a classifier that calls `body(error, attempt)`.
    public init(_ body: @escaping @Sendable (any Error, Int) -> RetryDecision) {
        self.body = body
    }

    public func decision(for error: any Error, attempt: Int) -> RetryDecision {
        body(error, attempt)
    }
}
