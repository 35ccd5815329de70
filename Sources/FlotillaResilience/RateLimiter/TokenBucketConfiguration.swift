/// A token bucket: `rate` tokens are added every `period`, up to `burst` tokens.
public struct TokenBucketConfiguration: Sendable, Hashable {
    /// Tokens added per `period`.
    public var rate: Int
    /// The refill period (one second by default).
    public var period: Duration
    /// The bucket's capacity (and its initial content).
    public var burst: Int

    /// Creates a configuration: `rate` tokens per `period`, at most `burst` in the bucket.
    public init(rate: Int, per period: Duration = .seconds(1), burst: Int) {
        self.rate = rate
        self.period = period
        self.burst = burst
    }

    /// Checks the fields; throws ``PolicyConfigurationError`` naming the bad one.
    public func validate(path: String = "tokenBucket") throws(PolicyConfigurationError) {
        func field(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }
        if rate < 1 { throw PolicyConfigurationError(field: field("rate"), message: "\(rate) is not >= 1") }
        if period <= .zero { throw PolicyConfigurationError(field: field("period"), message: "\(period) is not > 0") }
        if burst < 1 { throw PolicyConfigurationError(field: field("burst"), message: "\(burst) is not >= 1") }
    }
}
