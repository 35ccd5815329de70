/// The tuning of a ``CircuitBreaker``, modelled on resilience4j and pybreaker.
///
/// Any combination of trip conditions may be enabled; the breaker opens as soon as one is met:
/// - `consecutiveFailures` (pybreaker's `fail_max`),
/// - `failureRateThreshold` percent over ``window`` once `minimumCalls` were recorded,
/// - `slowCallRateThreshold` percent of calls slower than `slowCallDurationThreshold`.
///
/// ```swift
/// var config = CircuitBreakerConfiguration()
/// config.failureRateThreshold = 50
/// config.window = .countBased(size: 20)
/// config.minimumCalls = 10
/// config.resetTimeout = .seconds(30)
/// ```
public struct CircuitBreakerConfiguration: Sendable {
    /// Open after this many failures in a row; `nil` disables the rule.
    public var consecutiveFailures: Int?
    /// Open when the failure rate (percent, `1...100`) over the window reaches this; `nil` disables.
    public var failureRateThreshold: Double?
    /// Open when the slow-call rate (percent, `1...100`) reaches this; `nil` disables.
    public var slowCallRateThreshold: Double?
    /// A call taking at least this long is slow; `nil` disables slow-call detection.
    public var slowCallDurationThreshold: Duration?
    /// The sliding window for the rate rules.
    public var window: CircuitBreakerWindow
    /// Rates are only evaluated once the window holds at least this many calls.
    public var minimumCalls: Int
    /// How long the breaker stays open before letting trial calls through (`waitDurationInOpenState`).
    public var resetTimeout: Duration
    /// How many trial calls half-open lets through (`permittedNumberOfCallsInHalfOpenState`).
    public var permittedCallsInHalfOpen: Int
    /// How many trial successes close the breaker again (at most `permittedCallsInHalfOpen`).
    public var successesToClose: Int
    /// Classifies a thrown error: failure, excluded (counted as success) or ignored.
    public var classifyError: @Sendable (any Error) -> CircuitBreakerErrorDisposition

    /// Creates a configuration; by default it trips on 5 consecutive failures or a 50 % failure rate
    /// over the last 100 calls (minimum 10), waits 30 s open and needs 1 trial success.
    public init(
        consecutiveFailures: Int? = 5,
        failureRateThreshold: Double? = 50,
        slowCallRateThreshold: Double? = nil,
        slowCallDurationThreshold: Duration? = nil,
        window: CircuitBreakerWindow = .countBased(size: 100),
        minimumCalls: Int = 10,
        resetTimeout: Duration = .seconds(30),
        permittedCallsInHalfOpen: Int = 1,
        successesToClose: Int? = nil,
        classifyError: @escaping @Sendable (any Error) -> CircuitBreakerErrorDisposition = CircuitBreakerErrorDisposition.defaultClassifier
    ) {
        self.consecutiveFailures = consecutiveFailures
        self.failureRateThreshold = failureRateThreshold
        self.slowCallRateThreshold = slowCallRateThreshold
        self.slowCallDurationThreshold = slowCallDurationThreshold
        self.window = window
        self.minimumCalls = minimumCalls
        self.resetTimeout = resetTimeout
        self.permittedCallsInHalfOpen = permittedCallsInHalfOpen
        self.successesToClose = successesToClose ?? permittedCallsInHalfOpen
        self.classifyError = classifyError
    }

    /// Whether slow-call detection is on (a duration threshold is set).
    @inlinable
    public var detectsSlowCalls: Bool { slowCallDurationThreshold != nil }
}
