import NIOConcurrencyHelpers

/// Kong's health state of one upstream's targets, shared by every event loop, the active prober and the admin API.
///
/// Counters follow Kong: a healthy status adds a success and clears the other counters; a TCP failure, timeout or
/// unhealthy status adds to its own counter and clears the successes. A counter reaching its threshold (0 = never)
/// flips the target, and a flip clears every counter. A new configuration starts with every target healthy.
final class TargetHealth: Sendable {
    /// Which checks an outcome came from (they have their own status lists and thresholds).
    enum Source { case active, passive }

    private struct Counters {
        var successes = 0
        var tcpFailures = 0
        var timeouts = 0
        var httpFailures = 0
    }

    private struct State {
        var unhealthy: [Bool]
        var unhealthyCount = 0
        var counters: [Counters]
    }

    let checks: KongHealthChecks
    private let weights: [Int]
    private let state: NIOLockedValueBox<State>

    init(checks: KongHealthChecks, weights: [Int]) {
        self.checks = checks
        self.weights = weights
        self.state = NIOLockedValueBox(
            State(unhealthy: Array(repeating: false, count: weights.count), counters: Array(repeating: Counters(), count: weights.count))
        )
    }

    /// The targets marked unhealthy, or nil when every target is healthy (the common case: one lock, no copy).
    func unhealthyTargets() -> [Bool]? {
        state.withLockedValue { $0.unhealthyCount == 0 ? nil : $0.unhealthy }
    }

    func isHealthy(_ endpoint: Int) -> Bool { state.withLockedValue { !$0.unhealthy[endpoint] } }

    /// Whether `members` can take traffic with these targets down: some healthy weight, and at least `threshold`
    /// percent of the weight healthy (Kong's upstream health).
    func canServe(_ members: [Int], unhealthy: [Bool]) -> Bool {
        var total = 0
        var healthy = 0
        for member in members {
            total += weights[member]
            if !unhealthy[member] { healthy += weights[member] }
        }
        guard healthy > 0 else { return false }
        return Double(healthy) * 100 >= checks.threshold * Double(total)
    }

    /// Endpoints in the given state, for the prober.
    func endpoints(healthy: Bool) -> [Int] {
        state.withLockedValue { state in state.unhealthy.indices.filter { state.unhealthy[$0] != healthy } }
    }

    /// Counts one outcome; returns the new health when it changed the target's state.
    @discardableResult
    func record(_ endpoint: Int, _ outcome: HealthOutcome, from source: Source) -> Bool? {
        let (healthy, unhealthy) =
            source == .active
            ? (checks.active.healthy, checks.active.unhealthy) : (checks.passive.healthy, checks.passive.unhealthy)
        let type = source == .active ? checks.active.type : checks.passive.type
        return state.withLockedValue { state in
            var counters = state.counters[endpoint]
            var flipTo: Bool?
            func failed(_ counter: WritableKeyPath<Counters, Int>, limit: Int) {
                counters.successes = 0
                counters[keyPath: counter] += 1
                if limit > 0, counters[keyPath: counter] >= limit { flipTo = false }
            }
            func succeeded() {
                counters = Counters(successes: counters.successes + 1)
                if healthy.successes > 0, counters.successes >= healthy.successes { flipTo = true }
            }
            switch outcome {
            case .connected: succeeded()
            case .status where type == .tcp: succeeded()
            case .status(let code) where healthy.httpStatuses.contains(code): succeeded()
            case .status(let code) where unhealthy.httpStatuses.contains(code): failed(\.httpFailures, limit: unhealthy.httpFailures)
            case .status: break  // neither list: Kong ignores it
            case .tcpFailure: failed(\.tcpFailures, limit: unhealthy.tcpFailures)
            case .timeout: failed(\.timeouts, limit: unhealthy.timeouts)
            }
            state.counters[endpoint] = counters
            // A flip only counts when it changes something (to healthy from unhealthy, or the other way).
            guard let flipTo, flipTo == state.unhealthy[endpoint] else { return nil }
            Self.set(&state, endpoint, healthy: flipTo)
            return flipTo
        }
    }

    /// Marks a target by hand (the admin API), as Kong's `/healthy` and `/unhealthy` do.
    func mark(_ endpoint: Int, healthy: Bool) {
        state.withLockedValue { Self.set(&$0, endpoint, healthy: healthy) }
    }

    private static func set(_ state: inout State, _ endpoint: Int, healthy: Bool) {
        state.counters[endpoint] = Counters()
        guard state.unhealthy[endpoint] == healthy else { return }
        state.unhealthy[endpoint] = !healthy
        state.unhealthyCount += healthy ? -1 : 1
    }
}
