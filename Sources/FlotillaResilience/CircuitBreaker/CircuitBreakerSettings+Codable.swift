extension CircuitBreakerSettings: Codable {
    enum CodingKeys: String, CodingKey {
        case consecutiveFailures, failureRateThreshold, slowCallRateThreshold, slowCallDurationThreshold
        case slidingWindowType, slidingWindowSize, minimumCalls, resetTimeout
        case permittedCallsInHalfOpen, successesToClose
    }

    /// Decodes the settings (missing fields take the defaults) and validates; errors name the field,
    /// e.g. `circuitBreaker.failureRateThreshold: 150 is not in 1...100`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = CircuitBreakerSettings()
        self.init(
            consecutiveFailures: c.contains(.consecutiveFailures)
                ? try c.decodeIfPresent(Int.self, forKey: .consecutiveFailures) : d.consecutiveFailures,
            failureRateThreshold: c.contains(.failureRateThreshold)
                ? try c.decodeIfPresent(Double.self, forKey: .failureRateThreshold) : d.failureRateThreshold,
            slowCallRateThreshold: try c.decodeIfPresent(Double.self, forKey: .slowCallRateThreshold),
            slowCallDurationThreshold: try c.decodeDurationIfPresent(forKey: .slowCallDurationThreshold),
            slidingWindowType: try c.decodeIfPresent(WindowType.self, forKey: .slidingWindowType) ?? d.slidingWindowType,
            slidingWindowSize: try c.decodeIfPresent(Int.self, forKey: .slidingWindowSize) ?? d.slidingWindowSize,
            minimumCalls: try c.decodeIfPresent(Int.self, forKey: .minimumCalls) ?? d.minimumCalls,
            resetTimeout: try c.decodeDurationIfPresent(forKey: .resetTimeout) ?? d.resetTimeout,
            permittedCallsInHalfOpen: try c.decodeIfPresent(Int.self, forKey: .permittedCallsInHalfOpen) ?? d.permittedCallsInHalfOpen,
            successesToClose: try c.decodeIfPresent(Int.self, forKey: .successesToClose)
        )
        try validate(path: PolicyConfigurationError.fieldPath(decoder.codingPath))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(consecutiveFailures, forKey: .consecutiveFailures)  // null disables (absent = default)
        try c.encode(failureRateThreshold, forKey: .failureRateThreshold)
        try c.encodeIfPresent(slowCallRateThreshold, forKey: .slowCallRateThreshold)
        try c.encodeIfPresent(slowCallDurationThreshold?.secondsDouble, forKey: .slowCallDurationThreshold)
        try c.encode(slidingWindowType, forKey: .slidingWindowType)
        try c.encode(slidingWindowSize, forKey: .slidingWindowSize)
        try c.encode(minimumCalls, forKey: .minimumCalls)
        try c.encode(resetTimeout.secondsDouble, forKey: .resetTimeout)
        try c.encode(permittedCallsInHalfOpen, forKey: .permittedCallsInHalfOpen)
        try c.encodeIfPresent(successesToClose, forKey: .successesToClose)
    }
}
