/// The endpoints behind one upstream host, with the traffic policy that applies to them: balancer, subsets,
/// connection-pool limits, outlier detection and Kong health checks. Built from a Kong upstream, an Istio
/// ServiceEntry or a plain `host:port`, and shaped by the DestinationRule for that host.
final class Cluster: Sendable {
    /// What a balancer hashes for a consistent hash.
    let name: String
    let endpoints: [UpstreamTarget]
    /// `host:port` of each endpoint: its key in the event loops' connection pools, built once.
    let poolKeys: [String]
    let all: EndpointSet
    let subsets: [String: EndpointSet]
    let balancer: TrafficPolicy.LoadBalancer
    let outlier: OutlierTracker?
    let budget: RequestBudget?
    let connectTimeout: Duration?
    /// The Kong upstream's `healthchecks` (nil for clusters that are not Kong upstreams).
    let kongHealthChecks: KongHealthChecks?
    /// Kong health state, when the upstream's health checks are on.
    let health: TargetHealth?
    /// Requests in flight per endpoint across event loops, when the balancer is least-request.
    let activeRequests: ActiveRequests?

    init(
        name: String,
        endpoints: [UpstreamTarget],
        rule: DestinationRule?,
        kongBalancer: TrafficPolicy.LoadBalancer?,
        healthChecks: KongHealthChecks? = nil
    ) {
        self.name = name
        self.kongHealthChecks = healthChecks
        self.health = healthChecks.flatMap { $0.isEnabled ? TargetHealth(checks: $0, weights: endpoints.map(\.weight)) : nil }
        self.endpoints = endpoints
        self.poolKeys = endpoints.map { "\($0.host):\($0.port)" }
        let weights = endpoints.map(\.weight)
        self.all = EndpointSet(members: Array(endpoints.indices), weights: weights)
        var subsets: [String: EndpointSet] = [:]
        for subset in rule?.subsets ?? [] {
            let members = endpoints.indices.filter { index in
                subset.labels.allSatisfy { endpoints[index].labels[$0.key] == $0.value }
            }
            subsets[subset.name] = EndpointSet(members: members, weights: weights)
        }
        self.subsets = subsets
        let policy = rule?.trafficPolicy
        self.balancer = policy?.loadBalancer ?? kongBalancer ?? .roundRobin
        self.activeRequests = self.balancer == .leastRequest ? ActiveRequests(endpointCount: endpoints.count) : nil
        self.outlier = policy?.outlierDetection.map { OutlierTracker(policy: $0, endpointCount: endpoints.count) }
        if let policy, policy.maxConnections != nil || policy.http1MaxPendingRequests != nil {
            self.budget = RequestBudget(
                maxInFlight: policy.maxConnections ?? Int(Int32.max),
                maxPending: policy.http1MaxPendingRequests ?? Int(Int32.max)
            )
        } else {
            self.budget = nil
        }
        self.connectTimeout = policy?.connectTimeout
    }

    /// The outcome of one proxied attempt: a response status, or how it failed. Feeds Istio outlier detection and
    /// Kong's passive health checks.
    func recordOutcome(endpoint: Int, status: Int?, failure: UpstreamFailure?) {
        outlier?.record(endpoint: endpoint, status: status)
        guard let health, health.checks.passive.isEnabled else { return }
        let outcome: HealthOutcome
        if let status, failure == nil {
            outcome = .status(status)
        } else {
            outcome = failure == .timeout ? .timeout : .tcpFailure
        }
        health.record(endpoint, outcome, from: .passive)
    }
}
