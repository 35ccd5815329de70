/// How one call through a ``CircuitBreaker`` ended, as counted by
/// `circuit_breaker_calls_total{name,outcome}`.
public enum CircuitBreakerOutcome: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The call succeeded (or failed with an excluded error) within the slow-call threshold.
    case success = 0
    /// The call failed with a recorded error within the slow-call threshold.
    case failure = 1
    /// The call succeeded but took at least `slowCallDurationThreshold`.
    case slowSuccess = 2
    /// The call failed and took at least `slowCallDurationThreshold`.
    case slowFailure = 3
    /// The call was not attempted: the breaker was open, forced open or half-open and full.
    case rejected = 4
    /// The call ended with an ignored error (e.g. cancellation) and was not recorded.
    case ignored = 5

    /// The metric label value: `success`, `failure`, `slow_success`, `slow_failure`, `rejected`, `ignored`.
    public var description: String {
        switch self {
        case .success: "success"
        case .failure: "failure"
        case .slowSuccess: "slow_success"
        case .slowFailure: "slow_failure"
        case .rejected: "rejected"
        case .ignored: "ignored"
        }
    }

    /// Builds the outcome of a completed call.
    @inlinable
    public init(_ disposition: CircuitBreakerErrorDisposition, isSlow: Bool) {
        switch disposition {
        case .success: self = isSlow ? .slowSuccess : .success
        case .failure: self = isSlow ? .slowFailure : .failure
        case .ignored: self = .ignored
        }
    }

    /// Whether this outcome counts as a failure in the failure rate.
    @inlinable
    public var isFailure: Bool { self == .failure || self == .slowFailure }

    /// Whether this outcome counts as slow in the slow-call rate.
    @inlinable
    public var isSlow: Bool { self == .slowSuccess || self == .slowFailure }
}
