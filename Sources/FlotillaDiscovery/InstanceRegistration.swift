/// What a service registers about itself (`PUT /v1/agent/service/register`).
public struct InstanceRegistration: Sendable, Equatable, Encodable {
    /// How the registry checks the instance.
    public enum Check: Sendable, Equatable {
        /// The registry requests `url` every `interval`.
        case http(url: String, interval: Duration, timeout: Duration = .seconds(5))
        /// The instance calls ``RegistryClient/pass(checkID:note:)`` at least every `ttl`.
        case ttl(Duration)
    }

    /// The instance ID (unique per instance: `order-service-9003`).
    public var id: String
    /// The service name.
    public var name: String
    /// The address others should use.
    public var address: String
    /// The port.
    public var port: Int
    /// Tags (`v2`, `canary`).
    public var tags: [String]
    /// Metadata.
    public var meta: [String: String]
    /// The health check, if any.
    public var check: Check?
    /// Remove the instance after its check has been critical this long.
    public var deregisterCriticalAfter: Duration?

    /// Creates a registration.
    public init(
        id: String,
        name: String,
        address: String,
        port: Int,
        tags: [String] = [],
        meta: [String: String] = [:],
        check: Check? = nil,
        deregisterCriticalAfter: Duration? = .seconds(60)
    ) {
        self.id = id
        self.name = name
        self.address = address
        self.port = port
        self.tags = tags
        self.meta = meta
        self.check = check
        self.deregisterCriticalAfter = deregisterCriticalAfter
    }

    /// The check's ID in the registry.
    public var checkID: String { "service:\(id)" }

    private enum CodingKeys: String, CodingKey { case ID, Name, Address, Port, Tags, Meta, Check }
    private enum CheckKeys: String, CodingKey { case CheckID, HTTP, Interval, Timeout, TTL, DeregisterCriticalServiceAfter }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .ID)
        try container.encode(name, forKey: .Name)
        try container.encode(address, forKey: .Address)
        try container.encode(port, forKey: .Port)
        try container.encode(tags, forKey: .Tags)
        try container.encode(meta, forKey: .Meta)
        guard let check else { return }
        var nested = container.nestedContainer(keyedBy: CheckKeys.self, forKey: .Check)
        try nested.encode(checkID, forKey: .CheckID)
        switch check {
        case .http(let url, let interval, let timeout):
            try nested.encode(url, forKey: .HTTP)
            try nested.encode(Self.go(interval), forKey: .Interval)
            try nested.encode(Self.go(timeout), forKey: .Timeout)
        case .ttl(let ttl):
            try nested.encode(Self.go(ttl), forKey: .TTL)
        }
        if let deregisterCriticalAfter {
            try nested.encode(Self.go(deregisterCriticalAfter), forKey: .DeregisterCriticalServiceAfter)
        }
    }

    /// A duration as Go reads it, in milliseconds (`1500ms`).
    static func go(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return "\(seconds * 1000 + attoseconds / 1_000_000_000_000_000)ms"
    }
}
