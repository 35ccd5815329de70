import NIOCore

/// Kong's active health checks for one upstream: every `healthy.interval` the targets currently healthy are probed,
/// every `unhealthy.interval` those currently unhealthy (an interval of 0 leaves that group alone), at most
/// `concurrency` probes at once. One prober per upstream, shared by all event loops; runs until cancelled.
struct UpstreamProber: Sendable {
    let cluster: Cluster
    let health: TargetHealth
    let group: any EventLoopGroup

    func run() async {
        let active = health.checks.active
        await withTaskGroup(of: Void.self) { tasks in
            if active.healthy.interval > .zero {
                tasks.addTask { await self.probeRepeatedly(healthy: true, every: active.healthy.interval) }
            }
            if active.unhealthy.interval > .zero {
                tasks.addTask { await self.probeRepeatedly(healthy: false, every: active.unhealthy.interval) }
            }
        }
    }

    private func probeRepeatedly(healthy: Bool, every interval: Duration) async {
        while true {
            do { try await Task.sleep(for: interval) } catch { return }
            await probe(health.endpoints(healthy: healthy))
        }
    }

    /// Probes `endpoints`, `concurrency` at a time, and counts each outcome.
    func probe(_ endpoints: [Int]) async {
        let active = health.checks.active
        let probe = HealthProbe(active)
        await withTaskGroup(of: Void.self) { tasks in
            var waiting = endpoints.makeIterator()
            var running = 0
            while let endpoint = waiting.next() {
                if running >= active.concurrency {
                    await tasks.next()
                    running -= 1
                }
                guard !Task.isCancelled else { break }
                let target = cluster.endpoints[endpoint]
                tasks.addTask {
                    let outcome = await probe.run(host: target.host, port: target.port, group: self.group)
                    guard !Task.isCancelled else { return }
                    self.health.record(endpoint, outcome, from: .active)
                }
                running += 1
            }
        }
    }
}
