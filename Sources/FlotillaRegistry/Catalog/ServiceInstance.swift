/// One registered instance of a service: what `PUT /v1/agent/service/register` stores.
public struct ServiceInstance: Sendable, Equatable, Codable {
    /// The instance ID (defaults to the name).
    public var id: String
    /// The service name.
    public var name: String
    /// Tags, in registration order.
    public var tags: [String]
    /// The instance's address; empty means the node's.
    public var address: String
    /// The instance's port.
    public var port: Int
    /// Free-form metadata.
    public var meta: [String: String]
    /// DNS SRV weights by health.
    public var weights: Weights
    /// Consul's `EnableTagOverride`, kept and echoed.
    public var enableTagOverride: Bool
    /// The index that created the instance.
    public var createIndex: UInt64 = 0
    /// The index that last changed it.
    public var modifyIndex: UInt64 = 0

    /// Consul's `Weights`: `{"Passing": 1, "Warning": 1}` by default.
    public struct Weights: Sendable, Equatable, Codable {
        /// The weight while every check passes.
        public var passing: Int
        /// The weight while a check warns.
        public var warning: Int

        /// Creates weights.
        public init(passing: Int = 1, warning: Int = 1) {
            self.passing = passing
            self.warning = warning
        }
    }

    /// Creates an instance.
    public init(
        id: String,
        name: String,
        tags: [String] = [],
        address: String = "",
        port: Int = 0,
        meta: [String: String] = [:],
        weights: Weights = .init(),
        enableTagOverride: Bool = false
    ) {
        self.id = id
        self.name = name
        self.tags = tags
        self.address = address
        self.port = port
        self.meta = meta
        self.weights = weights
        self.enableTagOverride = enableTagOverride
    }
}
