/// The endpoints behind one upstream host, with the traffic policy that applies to them: balancer, subsets,
/// connection-pool limits and outlier detection. Built from a Kong upstream, an Istio ServiceEntry or a plain
/// `host:port`, and shaped by the DestinationRule for that host.
final class Cluster: Sendable {
    /// What a balancer hashes for a consistent hash.
    let name: String
    let endpoints: [UpstreamTarget]
    let all: EndpointSet
    let subsets: [String: EndpointSet]
    let balancer: TrafficPolicy.LoadBalancer
    let outlier: OutlierTracker?
    let budget: RequestBudget?
    let connectTimeout: Duration?

    init(name: String, endpoints: [UpstreamTarget], rule: DestinationRule?, kongBalancer: TrafficPolicy.LoadBalancer?) {
        self.name = name
        self.endpoints = endpoints
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
}
