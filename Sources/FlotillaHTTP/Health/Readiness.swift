import Synchronization

/// Whether a service should receive traffic: ready once its start-up work (database, migrations)
/// is done and its checks pass, and not ready again from the moment it starts shutting down.
public final class Readiness: Sendable {
    /// A named check run on every `GET /health/ready`; it throws when the dependency is not usable.
    public struct Check: Sendable {
        /// The name shown in the readiness report (`database`).
        public var name: String
        /// The check itself.
        public var run: @Sendable () async throws -> Void

        /// Creates a check.
        public init(name: String, run: @escaping @Sendable () async throws -> Void) {
            self.name = name
            self.run = run
        }
    }

    private struct State {
        var started = false
        var shuttingDown = false
        var checks: [Check] = []
        var startupFailure: String?
    }

    private let state = Mutex(State())

    /// Creates a readiness that is not yet started.
    public init() {}

    /// Whether start-up work has finished.
    public var hasStarted: Bool { state.withLock { $0.started } }
    /// Whether the service is shutting down.
    public var isShuttingDown: Bool { state.withLock { $0.shuttingDown } }

    /// Adds a check run on every readiness probe.
    public func addCheck(_ check: Check) { state.withLock { $0.checks.append(check) } }
    /// Marks start-up work as done.
    public func markStarted() {
        state.withLock {
            $0.started = true
            $0.startupFailure = nil
        }
    }
    /// Records why start-up has not finished yet (shown by `/health/ready`).
    public func noteStartupFailure(_ reason: String) { state.withLock { $0.startupFailure = reason } }
    /// Marks the service as shutting down: not ready from now on.
    public func markShuttingDown() { state.withLock { $0.shuttingDown = true } }

    /// The readiness report: overall status and each check's result.
    public func evaluate() async -> ReadinessReport {
        let (started, shuttingDown, checks, failure) = state.withLock { ($0.started, $0.shuttingDown, $0.checks, $0.startupFailure) }
        if shuttingDown { return .init(ready: false, status: "shutting down", checks: [:]) }
        if !started { return .init(ready: false, status: "starting", checks: failure.map { ["startup": $0] } ?? [:]) }
        var results: [String: String] = [:]
        var ready = true
        for check in checks {
            do {
                try await check.run()
                results[check.name] = "ok"
            } catch {
                results[check.name] = "failing: \(error)"
                ready = false
            }
        }
        return .init(ready: ready, status: ready ? "ready" : "not ready", checks: results)
    }
}

/// The body of `GET /health/ready`.
public struct ReadinessReport: Codable, Sendable, Equatable {
    /// Whether the service should receive traffic.
    public var ready: Bool
    /// `ready`, `not ready`, `starting` or `shutting down`.
    public var status: String
    /// Each check's result: `ok` or `failing: <reason>`.
    public var checks: [String: String]
}
