extension ResiliencePolicyConfiguration: Codable {
    enum CodingKeys: String, CodingKey {
        case timeout, retry, circuitBreaker, bulkhead, order
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            timeout: try c.decodeDurationIfPresent(forKey: .timeout),
            retry: try c.decodeIfPresent(RetryConfiguration.self, forKey: .retry),
            circuitBreaker: try c.decodeIfPresent(CircuitBreakerSettings.self, forKey: .circuitBreaker),
            bulkhead: try c.decodeIfPresent(BulkheadConfiguration.self, forKey: .bulkhead),
            order: try c.decodeIfPresent([ResiliencePolicyKind].self, forKey: .order)
        )
        try validate(path: PolicyConfigurationError.fieldPath(decoder.codingPath))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(timeout?.secondsDouble, forKey: .timeout)
        try c.encodeIfPresent(retry, forKey: .retry)
        try c.encodeIfPresent(circuitBreaker, forKey: .circuitBreaker)
        try c.encodeIfPresent(bulkhead, forKey: .bulkhead)
        try c.encodeIfPresent(order, forKey: .order)
    }
}
