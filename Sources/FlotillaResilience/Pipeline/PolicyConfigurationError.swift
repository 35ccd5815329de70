/// A configuration value is out of range or malformed; the message names the field,
/// e.g. `circuitBreaker.failureRateThreshold: 150 is not in 1...100`.
public struct PolicyConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The dotted path of the offending field, e.g. `retry.maxAttempts`.
    public var field: String
    /// What is wrong with it.
    public var message: String

    /// Creates an error for `field`.
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}

extension PolicyConfigurationError {
    /// The dotted path of a decoder's coding path, e.g. `payments.circuitBreaker`.
    public static func fieldPath(_ codingPath: [any CodingKey]) -> String {
        codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
}
