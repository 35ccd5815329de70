/// Thrown by a ``TimeoutPolicy`` when the operation did not finish in time.
public struct TimeoutError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The name of the call that timed out.
    public var operation: String
    /// The time limit that was exceeded.
    public var timeout: Duration

    /// Creates the error.
    public init(operation: String, timeout: Duration) {
        self.operation = operation
        self.timeout = timeout
    }

    public var description: String {
        "'\(operation)' timed out after \(timeout.secondsDouble)s"
    }
}
