import Synchronization

/// Picks an instance of a service for each call: round robin, or the instance with the fewest calls in
/// flight (Envoy's LEAST_REQUEST), and keeps the count of calls in flight per instance.
///
/// ```swift
/// let balancer = LoadBalancer(resolver: resolver, strategy: .leastOutstanding)
/// let stock = try await balancer.withInstance(of: "inventory-service") { instance in
///     try await client.get(instance.baseURL + "/products/\(sku)", downstream: "inventory-service")
/// }
/// ```
public final class LoadBalancer: Sendable {
    /// How an instance is chosen.
    public enum Strategy: String, Sendable, CaseIterable {
        /// Each instance in turn.
        case roundRobin = "round_robin"
        /// The instance with the fewest calls in flight; ties go round robin.
        case leastOutstanding = "least_outstanding"
    }

    private struct State {
        var cursor = 0
        var outstanding: [String: Int] = [:]
    }

    private let resolver: any ServiceResolver
    private let strategy: Strategy
    private let state = Mutex(State())

    /// Creates a balancer over `resolver`.
    public init(resolver: any ServiceResolver, strategy: Strategy = .roundRobin) {
        self.resolver = resolver
        self.strategy = strategy
    }

    /// Runs `body` with a picked instance, counting it as in flight until `body` returns.
    public func withInstance<Result>(
        of service: String,
        _ body: (DiscoveredInstance) async throws -> Result
    ) async throws -> Result {
        let instance = try pick(from: try await resolver.instances(of: service), service: service)
        defer { finish(instance) }
        return try await body(instance)
    }

    /// Picks an instance and counts it as in flight; call ``finish(_:)`` when the call ends.
    public func pick(from instances: [DiscoveredInstance], service: String) throws(DiscoveryError) -> DiscoveredInstance {
        guard !instances.isEmpty else { throw .noInstances(service) }
        return state.withLock { state in
            defer { state.cursor &+= 1 }
            let chosen: DiscoveredInstance
            switch strategy {
            case .roundRobin:
                chosen = instances[state.cursor % instances.count]
            case .leastOutstanding:
                let fewest = instances.map { state.outstanding[$0.id, default: 0] }.min() ?? 0
                let candidates = instances.filter { state.outstanding[$0.id, default: 0] == fewest }
                chosen = candidates[state.cursor % candidates.count]
            }
            state.outstanding[chosen.id, default: 0] += 1
            return chosen
        }
    }

    /// Marks a call to `instance` as finished.
    public func finish(_ instance: DiscoveredInstance) {
        state.withLock { state in
            let remaining = state.outstanding[instance.id, default: 1] - 1
            state.outstanding[instance.id] = remaining > 0 ? remaining : nil
        }
    }

    /// Calls in flight per instance id (for metrics and tests).
    public var outstanding: [String: Int] { state.withLock { $0.outstanding } }
}
