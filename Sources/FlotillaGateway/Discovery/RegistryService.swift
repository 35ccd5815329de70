/// A service as the registry is asked for it: its name and the datacenter a host name gives (nil: the registry's
/// own). The gateway holds one blocking query and one list of instances per such service.
public struct RegistryService: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The service name, lowercased.
    public var name: String
    /// The datacenter passed to the registry as `?dc=`; nil asks the registry's own.
    public var datacenter: String?

    /// Creates a service reference.
    public init(name: String, datacenter: String? = nil) {
        self.name = name
        self.datacenter = datacenter
    }

    public var description: String { datacenter.map { "\(name) (datacenter \($0))" } ?? name }

    public static func < (lhs: RegistryService, rhs: RegistryService) -> Bool {
        (lhs.name, lhs.datacenter ?? "") < (rhs.name, rhs.datacenter ?? "")
    }
}
