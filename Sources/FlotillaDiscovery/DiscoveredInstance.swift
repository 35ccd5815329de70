/// One healthy instance of a service, as the registry lists it.
public struct DiscoveredInstance: Sendable, Hashable {
    /// The instance ID.
    public var id: String
    /// The service name.
    public var service: String
    /// Where to reach it: the instance's address, or its node's when it registered none.
    public var host: String
    /// Its port.
    public var port: Int
    /// Its tags.
    public var tags: [String]
    /// Its metadata.
    public var meta: [String: String]
    /// Its share of traffic while passing (Consul's `Weights.Passing`, 1 unless registered otherwise).
    public var weight: Int

    /// Creates an instance.
    public init(
        id: String,
        service: String,
        host: String,
        port: Int,
        tags: [String] = [],
        meta: [String: String] = [:],
        weight: Int = 1
    ) {
        self.id = id
        self.service = service
        self.host = host
        self.port = port
        self.tags = tags
        self.meta = meta
        self.weight = weight
    }

    /// `http://host:port`.
    public var baseURL: String { "http://\(host.contains(":") ? "[\(host)]" : host):\(port)" }
}
