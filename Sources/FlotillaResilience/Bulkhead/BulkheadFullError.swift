/// Thrown at once by a ``Bulkhead`` when every slot and every queue place is taken.
public struct BulkheadFullError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The bulkhead's name.
    public var name: String
    /// Its concurrency limit.
    public var maxConcurrent: Int
    /// Its queue limit.
    public var maxQueue: Int

    /// Creates the error.
    public init(name: String, maxConcurrent: Int, maxQueue: Int) {
        self.name = name
        self.maxConcurrent = maxConcurrent
        self.maxQueue = maxQueue
    }

    public var description: String {
        "bulkhead '\(name)' is full (\(maxConcurrent) running, \(maxQueue) queued)"
    }
}
