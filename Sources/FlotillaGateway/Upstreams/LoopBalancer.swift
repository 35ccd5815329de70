import NIOCore

/// Balancing state of one event loop: round-robin positions. Each event loop balances on its own (no locks on the
/// hot path); least-request compares the cluster's in-flight counts, which all loops share (atomics).
final class LoopBalancer {
    private var positions: [ObjectIdentifier: Int] = [:]
    private var generation: ObjectIdentifier?

    /// Forgets state from an older configuration.
    func reset(for snapshot: GatewaySnapshot) {
        let id = ObjectIdentifier(snapshot)
        guard id != generation else { return }
        generation = id
        positions.removeAll(keepingCapacity: true)
    }

    /// Picks an endpoint of `set` in `cluster`, skipping ejected ones (unless all are ejected, as Envoy's panic mode)
    /// and targets Kong's health checks marked unhealthy (never used; nil, Kong's 503, when none is left or the
    /// healthy weight is under the upstream's `threshold`).
    func pick(_ cluster: Cluster, _ set: EndpointSet, hashKey: () -> String?, excluding excluded: Int? = nil) -> Int? {
        guard !set.schedule.isEmpty else { return nil }
        let now = NIODeadline.now()
        let unhealthy = cluster.health?.unhealthyTargets()
        if let unhealthy, let health = cluster.health, !health.canServe(set.members, unhealthy: unhealthy) { return nil }
        func healthy(_ endpoint: Int) -> Bool { unhealthy.map { !$0[endpoint] } ?? true }
        func usable(_ endpoint: Int) -> Bool {
            endpoint != excluded && healthy(endpoint) && !(cluster.outlier?.isEjected(endpoint, now: now) ?? false)
        }
        switch cluster.balancer {
        case .roundRobin:
            return roundRobin(set, usable: usable, healthy: healthy)
        case .random:
            for _ in 0..<4 {
                let endpoint = set.schedule[Int.random(in: 0..<set.schedule.count)]
                if usable(endpoint) { return endpoint }
            }
            return roundRobin(set, usable: usable, healthy: healthy)
        case .leastRequest:
            let candidates = set.members.filter(usable)
            guard !candidates.isEmpty else { return panicPick(set, healthy: healthy) }
            if candidates.count == 1 { return candidates[0] }
            // Power of two choices, as Envoy's LEAST_REQUEST does.
            let first = candidates[Int.random(in: 0..<candidates.count)]
            var second = candidates[Int.random(in: 0..<candidates.count)]
            if second == first { second = candidates[(candidates.firstIndex(of: first)! + 1) % candidates.count] }
            let firstLoad = cluster.activeRequests?.count(first) ?? 0
            let secondLoad = cluster.activeRequests?.count(second) ?? 0
            return firstLoad <= secondLoad ? first : second
        case .consistentHash:
            guard let key = hashKey() else { return roundRobin(set, usable: usable, healthy: healthy) }
            var hash = StableHash.of(key)
            for _ in 0..<set.members.count {
                if let endpoint = set.ringLookup(hash), usable(endpoint) { return endpoint }
                hash = StableHash.of(String(hash))
            }
            if let endpoint = set.ringLookup(StableHash.of(key)), healthy(endpoint) { return endpoint }
            return panicPick(set, healthy: healthy)
        }
    }

    private func roundRobin(_ set: EndpointSet, usable: (Int) -> Bool, healthy: (Int) -> Bool) -> Int? {
        let id = ObjectIdentifier(set)
        var position = positions[id] ?? Int.random(in: 0..<set.schedule.count)
        defer { positions[id] = position }
        for _ in 0..<min(set.schedule.count, 64) {
            let endpoint = set.schedule[position % set.schedule.count]
            position = (position + 1) % set.schedule.count
            if usable(endpoint) { return endpoint }
        }
        return panicPick(set, healthy: healthy, from: position)
    }

    /// Envoy's panic mode for outlier ejection: nothing usable, so take any target that Kong's health checks have
    /// not marked unhealthy (all of them when health checks are off).
    private func panicPick(_ set: EndpointSet, healthy: (Int) -> Bool, from start: Int = 0) -> Int? {
        for offset in 0..<set.schedule.count {
            let endpoint = set.schedule[(start + offset) % set.schedule.count]
            if healthy(endpoint) { return endpoint }
        }
        return nil
    }

    func started(_ cluster: Cluster, endpoint: Int) { cluster.activeRequests?.started(endpoint) }

    func finished(_ cluster: Cluster, endpoint: Int) { cluster.activeRequests?.finished(endpoint) }
}
