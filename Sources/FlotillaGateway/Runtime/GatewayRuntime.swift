import FlotillaDiscovery
import NIOConcurrencyHelpers
import Synchronization

/// The configuration currently serving, swapped atomically on reload: requests already in flight keep the snapshot
/// they started with, new requests see the new one. Snapshots built here (reload, ``install(_:file:)``, a change of
/// registry instances) combine the current configuration with the latest instances from the registry.
public final class GatewayRuntime: Sendable {
    private let current: NIOLockedValueBox<GatewaySnapshot>
    /// Counts swaps: a data-plane thread keeps the snapshot it read and reads it again only when this moved
    /// (``SnapshotCache``), so a request costs one atomic load, not a lock every thread takes.
    private let generation = Atomic<Int>(0)
    private let source: NIOLockedValueBox<String?>
    /// Registry instances by service (and datacenter); held while a snapshot is built, so builds never interleave.
    private let discovered = NIOLockedValueBox<[RegistryService: [DiscoveredInstance]]>([:])
    private let changes: AsyncStream<Void>.Continuation
    /// The JSON access log, when enabled.
    let accessLog: AccessLog?
    /// Where the data plane reports what an operator must see (an upstream that answers with invalid HTTP), as
    /// nginx's error log does; nil to stay silent.
    let errorLog: (@Sendable (String) -> Void)?
    /// How plugins are built on reload and apply.
    public let plugins: PluginBuilding?
    /// Whether a registry answers `NAME.service.consul` hosts; without one such a configuration is rejected.
    public let usesRegistry: Bool
    /// Yields after each installed configuration (reload or admin apply), for the one task that follows the
    /// registry names it uses (``RegistryTargets``).
    public let configurationChanges: AsyncStream<Void>

    public init(
        _ snapshot: GatewaySnapshot,
        configurationPath: String? = nil,
        accessLog: AccessLog? = nil,
        plugins: PluginBuilding? = nil,
        usesRegistry: Bool = false,
        errorLog: (@Sendable (String) -> Void)? = nil
    ) {
        self.errorLog = errorLog
        self.current = NIOLockedValueBox(snapshot)
        self.source = NIOLockedValueBox(configurationPath)
        self.accessLog = accessLog
        self.plugins = plugins
        self.usesRegistry = usesRegistry
        (self.configurationChanges, self.changes) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    deinit { changes.finish() }

    public var snapshot: GatewaySnapshot { current.withLockedValue { $0 } }

    public var configurationPath: String? { source.withLockedValue { $0 } }

    /// Swaps in a snapshot as it is (without the registry's instances unless it was built with them).
    public func apply(_ snapshot: GatewaySnapshot) {
        current.withLockedValue { $0 = snapshot }
        generation.add(1, ordering: .releasing)
    }

    /// How many snapshots were swapped in so far.
    var snapshotGeneration: Int { generation.load(ordering: .acquiring) }

    /// Rejects a configuration naming registry hosts when there is no registry; `file` is named in the error.
    public func check(_ configuration: GatewayConfiguration, file: String) throws {
        if !usesRegistry { try RegistryReference.requireRegistry(configuration, file: file) }
    }

    /// Checks `configuration`, compiles it with the latest registry instances and swaps it in.
    @discardableResult
    public func install(_ configuration: GatewayConfiguration, file: String) throws -> GatewaySnapshot {
        try check(configuration, file: file)
        let snapshot = discovered.withLockedValue { instances in
            let snapshot = GatewaySnapshot(configuration, discovered: instances)
            apply(snapshot)
            return snapshot
        }
        changes.yield()
        return snapshot
    }

    /// Loads the file again; on error the old configuration keeps serving and the error is thrown.
    @discardableResult
    public func reload() throws -> GatewaySnapshot {
        guard let path = configurationPath else { return snapshot }
        return try install(try GatewayConfigurationLoader.load(path: path, plugins: plugins), file: path)
    }

    /// Records the registry's current instances of `service` and rebuilds the serving snapshot with them.
    func update(service: RegistryService, instances: [DiscoveredInstance]) {
        discovered.withLockedValue { discovered in
            discovered[service] = instances
            apply(GatewaySnapshot(snapshot.configuration, discovered: discovered))
        }
    }

    /// Drops what is known of a service the configuration no longer uses.
    func forget(service: RegistryService) {
        discovered.withLockedValue { _ = $0.removeValue(forKey: service) }
    }

    /// The instances known for `service` (nil before the registry's first answer).
    func instances(of service: RegistryService) -> [DiscoveredInstance]? {
        discovered.withLockedValue { $0[service] }
    }
}
