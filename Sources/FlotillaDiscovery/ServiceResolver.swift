/// Finds the healthy instances of a service by name.
///
/// Three come with Flotilla, chosen by `DISCOVERY_MODE` (see ``Discovery/resolver(environment:)``):
/// ``RegistryResolver`` (Flotilla's registry or Consul, through cached blocking-query watches),
/// ``StaticResolver`` (fixed URLs) and ``DNSResolver`` (Kubernetes Service names).
public protocol ServiceResolver: Sendable {
    /// The instances of `service` that should receive traffic now (possibly the last known good set).
    func instances(of service: String) async throws -> [DiscoveredInstance]
}

/// Why discovery could not give an instance or could not be configured; the message names what to fix.
public struct DiscoveryError: Error, CustomStringConvertible, Sendable, Equatable {
    public var description: String

    /// Creates an error.
    public init(_ description: String) { self.description = description }

    /// No instance of `service` is known.
    public static func noInstances(_ service: String) -> Self { .init("no healthy instance of \(service) is known") }
}
