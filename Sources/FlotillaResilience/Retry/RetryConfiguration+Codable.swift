extension RetryConfiguration: Codable {
    enum CodingKeys: String, CodingKey {
        case maxAttempts, baseDelay, maxDelay, deadline, maxRetryAfter
    }

    /// Decodes `{maxAttempts, baseDelay, maxDelay, deadline, maxRetryAfter}` (durations as seconds
    /// or strings like `"250ms"`), then validates; errors name the field.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = RetryConfiguration()
        self.init(
            maxAttempts: try c.decodeIfPresent(Int.self, forKey: .maxAttempts) ?? defaults.maxAttempts,
            baseDelay: try c.decodeDurationIfPresent(forKey: .baseDelay) ?? defaults.baseDelay,
            maxDelay: try c.decodeDurationIfPresent(forKey: .maxDelay) ?? defaults.maxDelay,
            deadline: try c.decodeDurationIfPresent(forKey: .deadline),
            maxRetryAfter: try c.decodeDurationIfPresent(forKey: .maxRetryAfter) ?? defaults.maxRetryAfter
        )
        try validate(path: PolicyConfigurationError.fieldPath(decoder.codingPath))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(maxAttempts, forKey: .maxAttempts)
        try c.encode(baseDelay.secondsDouble, forKey: .baseDelay)
        try c.encode(maxDelay.secondsDouble, forKey: .maxDelay)
        try c.encodeIfPresent(deadline?.secondsDouble, forKey: .deadline)
        try c.encode(maxRetryAfter.secondsDouble, forKey: .maxRetryAfter)
    }
}
