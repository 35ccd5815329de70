import NIOCore

/// Runs the active health checks of the configuration that is serving: one `UpstreamProber` per Kong upstream with
/// active checks on. When a reload swaps the snapshot, the probers of the old one stop and the new one's start
/// (with every target healthy again, as Kong does for a changed upstream). Runs until cancelled.
public struct HealthCheckRunner: Sendable {
    let runtime: GatewayRuntime
    let group: any EventLoopGroup
    /// How often the runner looks for a new snapshot.
    let pollInterval: Duration

    public init(runtime: GatewayRuntime, group: any EventLoopGroup, pollInterval: Duration = .milliseconds(200)) {
        self.runtime = runtime
        self.group = group
        self.pollInterval = pollInterval
    }

    public func run() async {
        while !Task.isCancelled {
            let snapshot = runtime.snapshot
            let probers = snapshot.clusters.values.compactMap { cluster -> UpstreamProber? in
                guard let health = cluster.health, health.checks.active.isEnabled else { return nil }
                return UpstreamProber(cluster: cluster, health: health, group: group)
            }
            await withTaskGroup(of: Void.self) { tasks in
                for prober in probers { tasks.addTask { await prober.run() } }
                tasks.addTask {
                    while !Task.isCancelled, runtime.snapshot === snapshot {
                        try? await Task.sleep(for: pollInterval)
                    }
                }
                // The watcher ends first: on a new snapshot, or when the runner is cancelled.
                await tasks.next()
                tasks.cancelAll()
            }
        }
    }
}
