import Logging
import ServiceLifecycle
import Synchronization

/// The healthy instances of one service, kept current by a blocking query and picked round-robin.
///
/// Run it as a `Service` (beside the service kit) or with ``run()`` in a task. Each change in the
/// registry reaches it at once; when the registry cannot be reached it keeps serving the last
/// list it had (last known good) and retries with backoff.
///
/// ```swift
/// let inventory = InstanceWatch(service: "inventory-service", client: RegistryClient(baseURL: registryURL))
/// kit.addService(inventory)
/// let target = inventory.next()?.baseURL
/// ```
public final class InstanceWatch: Service, Sendable {
    private struct State {
        var instances: [DiscoveredInstance] = []
        var index: UInt64 = 0
        var cursor = 0
        var lastError: String?
        var loaded = false
    }

    /// The service watched.
    public let service: String
    private let client: RegistryClient
    private let wait: Duration
    private let logger: Logger
    private let state = Mutex(State())

    /// Creates a watch of `service`'s healthy instances.
    public init(service: String, client: RegistryClient, wait: Duration = .seconds(60), logger: Logger = Logger(label: "flotilla.discovery")) {
        self.service = service
        self.client = client
        self.wait = wait
        self.logger = logger
    }

    /// The last known healthy instances.
    public var instances: [DiscoveredInstance] { state.withLock { $0.instances } }

    /// Whether a first answer arrived.
    public var isLoaded: Bool { state.withLock { $0.loaded } }

    /// The last error, if the latest query failed.
    public var lastError: String? { state.withLock { $0.lastError } }

    /// The next instance, round-robin; `nil` when none is known.
    public func next() -> DiscoveredInstance? {
        state.withLock { state in
            guard !state.instances.isEmpty else { return nil }
            defer { state.cursor &+= 1 }
            return state.instances[state.cursor % state.instances.count]
        }
    }

    /// Refreshes once, blocking while nothing changed (up to the wait); keeps the old list on error.
    public func refresh() async {
        let index = state.withLock { $0.index }
        do {
            let answer = try await client.healthyInstances(of: service, index: index, wait: wait)
            state.withLock { state in
                // An index that goes backwards (the registry was reset) starts over.
                state.index = answer.index < state.index ? 0 : answer.index
                state.instances = answer.instances.sorted { $0.id < $1.id }
                state.loaded = true
                state.lastError = nil
            }
        } catch {
            state.withLock { $0.lastError = String(describing: error) }
            logFailure(error)
        }
    }

    private func logFailure(_ error: any Error) {
        logger.warning(
            "registry query failed; keeping the last known instances",
            metadata: [
                "service": .string(service), "error": .string(String(describing: error)),
            ]
        )
    }

    /// Watches until cancelled or the service group shuts down.
    public func run() async throws {
        await cancelWhenGracefulShutdown { [self] in
            var backoff = Duration.milliseconds(100)
            while !Task.isCancelled {
                await refresh()
                if lastError == nil {
                    backoff = .milliseconds(100)
                } else {
                    try? await Task.sleep(for: backoff)
                    backoff = min(backoff * 2, .seconds(5))
                }
            }
        }
    }
}
