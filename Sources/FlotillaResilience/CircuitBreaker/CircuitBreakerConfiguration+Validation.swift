extension CircuitBreakerConfiguration {
    /// Checks every field; throws ``PolicyConfigurationError`` naming the first bad field
    /// (prefixed with `path`, e.g. `circuitBreaker.failureRateThreshold`).
    public func validate(path: String = "circuitBreaker") throws(PolicyConfigurationError) {
        func field(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }
        if let n = consecutiveFailures, n < 1 {
            throw PolicyConfigurationError(field: field("consecutiveFailures"), message: "\(n) is not >= 1")
        }
        if let rate = failureRateThreshold, !(1...100).contains(rate) {
            throw PolicyConfigurationError(field: field("failureRateThreshold"), message: "\(rate.formattedForMessage) is not in 1...100")
        }
        if let rate = slowCallRateThreshold, !(1...100).contains(rate) {
            throw PolicyConfigurationError(field: field("slowCallRateThreshold"), message: "\(rate.formattedForMessage) is not in 1...100")
        }
        if slowCallRateThreshold != nil, slowCallDurationThreshold == nil {
            throw PolicyConfigurationError(field: field("slowCallDurationThreshold"), message: "is required when slowCallRateThreshold is set")
        }
        if let slow = slowCallDurationThreshold, slow <= .zero {
            throw PolicyConfigurationError(field: field("slowCallDurationThreshold"), message: "\(slow) is not > 0")
        }
        switch window {
        case .countBased(let size):
            if size < 1 { throw PolicyConfigurationError(field: field("window.size"), message: "\(size) is not >= 1") }
        case .timeBased(let duration, let bucketWidth):
            if bucketWidth <= .zero {
                throw PolicyConfigurationError(field: field("window.bucketWidth"), message: "\(bucketWidth) is not > 0")
            }
            if duration < bucketWidth || duration.nanosecondsClamped % bucketWidth.nanosecondsClamped != 0 {
                throw PolicyConfigurationError(
                    field: field("window.duration"),
                    message: "\(duration) is not a positive multiple of the bucket width \(bucketWidth)"
                )
            }
        }
        if minimumCalls < 1 { throw PolicyConfigurationError(field: field("minimumCalls"), message: "\(minimumCalls) is not >= 1") }
        if resetTimeout < .zero { throw PolicyConfigurationError(field: field("resetTimeout"), message: "\(resetTimeout) is negative") }
        if permittedCallsInHalfOpen < 1 {
            throw PolicyConfigurationError(field: field("permittedCallsInHalfOpen"), message: "\(permittedCallsInHalfOpen) is not >= 1")
        }
        if !(1...permittedCallsInHalfOpen).contains(successesToClose) {
            throw PolicyConfigurationError(field: field("successesToClose"), message: "\(successesToClose) is not in 1...\(permittedCallsInHalfOpen)")
        }
    }
}

extension Double {
    /// `150` rather than `150.0` for whole numbers, as users wrote them.
    var formattedForMessage: String {
        self == rounded() && abs(self) < 1e15 ? String(Int64(self)) : String(self)
    }
}
