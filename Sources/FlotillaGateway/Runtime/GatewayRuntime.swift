import NIOConcurrencyHelpers

/// The configuration currently serving, swapped atomically on reload: requests already in flight keep the snapshot
/// they started with, new requests see the new one.
public final class GatewayRuntime: Sendable {
    private let current: NIOLockedValueBox<GatewaySnapshot>
    private let source: NIOLockedValueBox<String?>
    /// The JSON access log, when enabled.
    let accessLog: AccessLog?
    /// How plugins are built on reload and apply.
    public let plugins: PluginBuilding?

    public init(_ snapshot: GatewaySnapshot, configurationPath: String? = nil, accessLog: AccessLog? = nil, plugins: PluginBuilding? = nil) {
        self.current = NIOLockedValueBox(snapshot)
        self.source = NIOLockedValueBox(configurationPath)
        self.accessLog = accessLog
        self.plugins = plugins
    }

    public var snapshot: GatewaySnapshot { current.withLockedValue { $0 } }

    public var configurationPath: String? { source.withLockedValue { $0 } }

    /// Swaps in a new configuration.
    public func apply(_ snapshot: GatewaySnapshot) {
        current.withLockedValue { $0 = snapshot }
    }

    /// Loads the file again; on error the old configuration keeps serving and the error is thrown.
    @discardableResult
    public func reload() throws -> GatewaySnapshot {
        guard let path = configurationPath else { return snapshot }
        let snapshot = GatewaySnapshot(try GatewayConfigurationLoader.load(path: path, plugins: plugins))
        apply(snapshot)
        return snapshot
    }
}
