/// A configuration value that cannot be used; its description is the one line printed at start.
///
/// ```
/// PORT=abc is invalid: expected an integer from 1 to 65535
/// ```
public struct ConfigurationError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The environment variable the value came from (`PORT`).
    public var variable: String
    /// The value as given.
    public var value: String
    /// What is allowed.
    public var expected: String

    /// Creates an error for `variable=value`, which should have been `expected`.
    public init(variable: String, value: String, expected: String) {
        self.variable = variable
        self.value = value
        self.expected = expected
    }

    public var description: String {
        "\(variable)=\(value) is invalid: expected \(expected)"
    }
}
