extension BulkheadConfiguration: Codable {
    enum CodingKeys: String, CodingKey {
        case maxConcurrent, maxQueue
    }

    /// Decodes `{maxConcurrent, maxQueue}` and validates; errors name the field.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            maxConcurrent: try c.decode(Int.self, forKey: .maxConcurrent),
            maxQueue: try c.decodeIfPresent(Int.self, forKey: .maxQueue) ?? 0
        )
        try validate(path: PolicyConfigurationError.fieldPath(decoder.codingPath))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(maxConcurrent, forKey: .maxConcurrent)
        try c.encode(maxQueue, forKey: .maxQueue)
    }
}
