/// The one node the registry presents itself as: every instance lives on it.
public struct RegistryNode: Sendable, Equatable {
    /// The node name (`flotilla`).
    public var name: String
    /// The registry's address, shown as the node's `Address`.
    public var address: String
    /// A fixed node ID.
    public var id: String
    /// The datacenter name Consul clients expect.
    public var datacenter: String

    /// Creates a node description.
    public init(
        name: String = "flotilla",
        address: String = "127.0.0.1",
        id: String = "a6d9b3f2-5c1e-4f7a-9d0b-f10711a00001",
        datacenter: String = "dc1"
    ) {
        self.name = name
        self.address = address
        self.id = id
        self.datacenter = datacenter
    }
}
