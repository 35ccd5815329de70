import Logging
import ServiceLifecycle

/// Runs the registry's health checking beside the server: every tick it expires TTL checks,
/// removes instances critical past `DeregisterCriticalServiceAfter`, and starts the HTTP and TCP
/// checks that are due, each with its own timeout, without waiting for slow ones.
///
/// Tests drive it by hand with ``tick()`` and a test clock on the ``Registry``.
public struct HealthCheckRunner: Service {
    /// The registry whose checks run.
    public let registry: Registry
    /// Runs the HTTP and TCP attempts.
    public let prober: any CheckProber
    /// How often due checks are looked for.
    public let tickInterval: Duration
    private let logger: Logger

    /// Creates a runner.
    public init(registry: Registry, prober: any CheckProber = NetworkProber(), tickInterval: Duration = .milliseconds(250), logger: Logger) {
        self.registry = registry
        self.prober = prober
        self.tickInterval = tickInterval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                while !Task.isCancelled {
                    for check in await sweep() {
                        group.addTask { await attempt(check) }
                    }
                    try? await Task.sleep(for: tickInterval)
                }
            }
        }
    }

    /// One pass, waiting for the attempts it starts (for tests).
    public func tick() async {
        let due = await sweep()
        await withTaskGroup(of: Void.self) { group in
            for check in due { group.addTask { await attempt(check) } }
        }
    }

    /// Expires, deregisters and returns the checks due now.
    func sweep() async -> [HealthCheck] {
        let now = registry.now()
        do {
            let sweep = try await registry.change { state in
                let sweep = state.sweep(now: now)
                return (sweep, sweep.changes)
            }
            for id in sweep.deregistered {
                logger.info("deregistered critical instance", metadata: ["service_id": .string(id)])
            }
            return sweep.due
        } catch {
            logger.error("health check sweep failed", metadata: ["error": .string(String(describing: error))])
            return []
        }
    }

    /// Runs one attempt of `check` and records its result.
    func attempt(_ check: HealthCheck) async {
        let (status, output) = await prober.probe(check.kind)
        let now = registry.now()
        do {
            try await registry.change { state in
                ((), state.recordResult(checkID: check.id, status: status, output: output, now: now))
            }
        } catch {
            logger.error("recording a check result failed", metadata: ["error": .string(String(describing: error))])
        }
    }
}
