import Testing

@testable import FlotillaGateway

/// LEAST_REQUEST (Istio) / least-connections (Kong): the in-flight counts are the cluster's, shared by every event
/// loop, as Envoy shares a host's active requests across workers.
@Suite("Least-request balancing sees requests in flight on every event loop")
struct LeastRequestTests {
    static func cluster() -> Cluster {
        Cluster(
            name: "orders",
            endpoints: [
                UpstreamTarget(host: "10.0.0.1", port: 80), UpstreamTarget(host: "10.0.0.2", port: 80), UpstreamTarget(host: "10.0.0.3", port: 80),
            ],
            rule: nil,
            kongBalancer: .leastRequest
        )
    }

    @Test("a busy endpoint started on one loop is avoided by another loop's picks; finishing frees it again")
    func sharedCounts() {
        let cluster = Self.cluster()
        let firstLoop = LoopBalancer()
        let secondLoop = LoopBalancer()
        for _ in 0..<5 { firstLoop.started(cluster, endpoint: 0) }
        var picks: [Int: Int] = [:]
        for _ in 0..<300 {
            guard let endpoint = secondLoop.pick(cluster, cluster.all, hashKey: { nil }) else { continue }
            picks[endpoint, default: 0] += 1
        }
        #expect(picks[0] == nil, "the busy endpoint was picked: \(picks)")
        #expect((picks[1] ?? 0) > 50 && (picks[2] ?? 0) > 50, "\(picks)")

        for _ in 0..<5 { firstLoop.finished(cluster, endpoint: 0) }
        var afterwards: Set<Int> = []
        for _ in 0..<300 { if let endpoint = secondLoop.pick(cluster, cluster.all, hashKey: { nil }) { afterwards.insert(endpoint) } }
        #expect(afterwards == [0, 1, 2])
    }
}
