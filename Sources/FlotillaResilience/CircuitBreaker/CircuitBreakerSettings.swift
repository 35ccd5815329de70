/// The `Codable` form of a ``CircuitBreakerConfiguration`` (which itself holds a closure).
///
/// JSON fields: `consecutiveFailures`, `failureRateThreshold`, `slowCallRateThreshold`,
/// `slowCallDurationThreshold`, `slidingWindowType` (`"count"` or `"time"`),
/// `slidingWindowSize` (calls, or seconds for a time window), `minimumCalls`,
/// `resetTimeout`, `permittedCallsInHalfOpen`, `successesToClose`. Durations are seconds
/// or strings like `"30s"`.
public struct CircuitBreakerSettings: Sendable, Hashable {
    /// How the window is measured.
    public enum WindowType: String, Sendable, Hashable, Codable {
        /// The last N calls.
        case count
        /// The calls of the last N seconds.
        case time
    }

    /// Open after this many failures in a row (`null` disables).
    public var consecutiveFailures: Int?
    /// Open at this failure rate, percent `1...100` (`null` disables).
    public var failureRateThreshold: Double?
    /// Open at this slow-call rate, percent `1...100`.
    public var slowCallRateThreshold: Double?
    /// Calls at least this long are slow.
    public var slowCallDurationThreshold: Duration?
    /// Count- or time-based window.
    public var slidingWindowType: WindowType
    /// Calls (count window) or seconds (time window).
    public var slidingWindowSize: Int
    /// Calls needed before rates are evaluated.
    public var minimumCalls: Int
    /// Time spent open before trial calls.
    public var resetTimeout: Duration
    /// Trial calls let through while half-open.
    public var permittedCallsInHalfOpen: Int
    /// Trial successes that close the breaker (default: all permitted trial calls).
    public var successesToClose: Int?

    /// Settings with ``CircuitBreakerConfiguration``'s defaults.
    public init(
        consecutiveFailures: Int? = 5,
        failureRateThreshold: Double? = 50,
        slowCallRateThreshold: Double? = nil,
        slowCallDurationThreshold: Duration? = nil,
        slidingWindowType: WindowType = .count,
        slidingWindowSize: Int = 100,
        minimumCalls: Int = 10,
        resetTimeout: Duration = .seconds(30),
        permittedCallsInHalfOpen: Int = 1,
        successesToClose: Int? = nil
    ) {
        self.consecutiveFailures = consecutiveFailures
        self.failureRateThreshold = failureRateThreshold
        self.slowCallRateThreshold = slowCallRateThreshold
        self.slowCallDurationThreshold = slowCallDurationThreshold
        self.slidingWindowType = slidingWindowType
        self.slidingWindowSize = slidingWindowSize
        self.minimumCalls = minimumCalls
        self.resetTimeout = resetTimeout
        self.permittedCallsInHalfOpen = permittedCallsInHalfOpen
        self.successesToClose = successesToClose
    }

    /// The runtime configuration; `classifyError` decides what counts as a failure.
    public func makeConfiguration(
        classifyError: @escaping @Sendable (any Error) -> CircuitBreakerErrorDisposition = CircuitBreakerErrorDisposition.defaultClassifier
    ) -> CircuitBreakerConfiguration {
        CircuitBreakerConfiguration(
            consecutiveFailures: consecutiveFailures,
            failureRateThreshold: failureRateThreshold,
            slowCallRateThreshold: slowCallRateThreshold,
            slowCallDurationThreshold: slowCallDurationThreshold,
            window: slidingWindowType == .count
                ? .countBased(size: slidingWindowSize)
                : .timeBased(duration: .seconds(slidingWindowSize)),
            minimumCalls: minimumCalls,
            resetTimeout: resetTimeout,
            permittedCallsInHalfOpen: permittedCallsInHalfOpen,
            successesToClose: successesToClose,
            classifyError: classifyError
        )
    }

    /// Checks every field; throws ``PolicyConfigurationError`` naming the first bad one.
    public func validate(path: String = "circuitBreaker") throws(PolicyConfigurationError) {
        if slidingWindowSize < 1 {
            throw PolicyConfigurationError(
                field: path.isEmpty ? "slidingWindowSize" : "\(path).slidingWindowSize",
                message: "\(slidingWindowSize) is not >= 1"
            )
        }
        try makeConfiguration().validate(path: path)
    }
}
