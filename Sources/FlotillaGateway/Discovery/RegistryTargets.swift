import FlotillaDiscovery
import NIOConcurrencyHelpers

/// Keeps the clusters of registry hosts (`NAME.service.consul`, `_NAME._TAG.service.DC.consul`, ...) current: one
/// blocking query per service (and datacenter, passed as `?dc=`) the configuration names; each change of its passing
/// instances rebuilds the serving snapshot (requests in flight keep theirs). The watched services follow the configuration on reload and admin apply. When the registry cannot be
/// reached the last known instances keep serving and the query is retried with backoff.
///
/// ```swift
/// let targets = RegistryTargets(runtime: runtime, client: RegistryClient(baseURL: "127.0.0.1:8500"))
/// group.addTask { await targets.run() }
/// ```
public final class RegistryTargets: Sendable {
    private let runtime: GatewayRuntime
    private let client: RegistryClient
    private let wait: Duration
    private let report: @Sendable (String) -> Void
    /// The services watched, each with the generation of its watch (a watch whose generation is gone stops).
    private let watching = NIOLockedValueBox<(services: [RegistryService: Int], generation: Int)>(([:], 0))

    /// Creates the watcher; `wait` is how long one blocking query is held by the registry.
    public init(
        runtime: GatewayRuntime,
        client: RegistryClient,
        wait: Duration = .seconds(30),
        report: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.runtime = runtime
        self.client = client
        self.wait = wait
        self.report = report
    }

    /// Watches until the task is cancelled. Run it once per runtime: it reads the runtime's configuration changes.
    public func run() async {
        await withDiscardingTaskGroup { group in
            var changes = runtime.configurationChanges.makeAsyncIterator()
            repeat {
                for (service, generation) in follow(runtime.snapshot.configuration) {
                    group.addTask { await self.watch(service, generation: generation) }
                }
            } while await changes.next() != nil
            group.cancelAll()
        }
    }

    /// Starts watching the services `configuration` names and stops watching the others; returns the new watches.
    private func follow(_ configuration: GatewayConfiguration) -> [(RegistryService, Int)] {
        let wanted = RegistryReference.services(in: configuration)
        let (added, removed) = watching.withLockedValue { state -> ([(RegistryService, Int)], [RegistryService]) in
            let removed = state.services.keys.filter { !wanted.contains($0) }
            for service in removed { state.services[service] = nil }
            var added: [(RegistryService, Int)] = []
            for service in wanted.sorted() where state.services[service] == nil {
                state.generation += 1
                state.services[service] = state.generation
                added.append((service, state.generation))
            }
            return (added, removed)
        }
        for service in removed { runtime.forget(service: service) }
        return added
    }

    private func isCurrent(_ service: RegistryService, generation: Int) -> Bool {
        watching.withLockedValue { $0.services[service] == generation }
    }

    private func watch(_ service: RegistryService, generation: Int) async {
        var index: UInt64 = 0
        var backoff = Duration.milliseconds(100)
        var failing = false
        while !Task.isCancelled, isCurrent(service, generation: generation) {
            do {
                let answer = try await client.healthyInstances(of: service.name, datacenter: service.datacenter, index: index, wait: wait)
                guard isCurrent(service, generation: generation) else { return }
                if failing { report("registry answers again for \(service)") }
                failing = false
                backoff = .milliseconds(100)
                // An index that goes backwards (the registry was reset) starts over, as Consul's clients do.
                index = answer.index < index ? 0 : answer.index
                let instances = answer.instances.sorted { $0.id < $1.id }
                if instances != runtime.instances(of: service) {
                    runtime.update(service: service, instances: instances)
                    report("\(service): \(instances.count) passing instance(s) from the registry")
                }
                // A registry that gives no index cannot block: do not spin.
                if answer.index == 0 { try await Task.sleep(for: .seconds(1)) }
            } catch {
                if Task.isCancelled { return }
                if !failing { report("registry query for \(service) failed, keeping the last known instances: \(error)") }
                failing = true
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(5))
            }
        }
    }
}
