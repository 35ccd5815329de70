/// The limits of a ``Bulkhead``.
public struct BulkheadConfiguration: Sendable, Hashable {
    /// Calls allowed to run at the same time.
    public var maxConcurrent: Int
    /// Calls allowed to wait (FIFO) for a slot; beyond that calls are rejected at once.
    public var maxQueue: Int

    /// Creates the limits.
    public init(maxConcurrent: Int, maxQueue: Int = 0) {
        self.maxConcurrent = maxConcurrent
        self.maxQueue = maxQueue
    }

    /// Checks both limits; throws ``PolicyConfigurationError`` naming the bad field.
    public func validate(path: String = "bulkhead") throws(PolicyConfigurationError) {
        func field(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }
        if maxConcurrent < 1 { throw PolicyConfigurationError(field: field("maxConcurrent"), message: "\(maxConcurrent) is not >= 1") }
        if maxQueue < 0 { throw PolicyConfigurationError(field: field("maxQueue"), message: "\(maxQueue) is not >= 0") }
    }
}
