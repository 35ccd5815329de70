import Logging
import ServiceLifecycle

/// Resolves through the registry (Flotilla's or Consul): one ``InstanceWatch`` per service, each a
/// cached blocking query that keeps the last known good set while the registry is unreachable.
///
/// Run it in the service group so its watches run and stop with the service.
public final class RegistryResolver: ServiceResolver, Service {
    private let watches: [String: InstanceWatch]

    /// Creates watches for the services this process calls.
    public init(client: RegistryClient, services: [String], wait: Duration = .seconds(60), logger: Logger = Logger(label: "flotilla.discovery")) {
        var watches: [String: InstanceWatch] = [:]
        for service in services { watches[service] = InstanceWatch(service: service, client: client, wait: wait, logger: logger) }
        self.watches = watches
    }

    public func instances(of service: String) async throws -> [DiscoveredInstance] {
        guard let watch = watches[service] else {
            throw DiscoveryError("\(service) is not among the services this resolver watches (\(watches.keys.sorted()))")
        }
        if !watch.isLoaded { await watch.refresh() }
        return watch.instances
    }

    /// Runs every watch until shutdown.
    public func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            for watch in watches.values { group.addTask { try await watch.run() } }
        }
    }
}
