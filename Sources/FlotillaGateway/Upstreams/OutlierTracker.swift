import NIOConcurrencyHelpers
import NIOCore

/// Istio outlier detection for one cluster: consecutive 5xx (or gateway errors) eject an endpoint for
/// `baseEjectionTime × times ejected`, never more than `maxEjectionPercent` of the endpoints at once.
final class OutlierTracker: Sendable {
    private struct State {
        var consecutive5xx: [Int]
        var consecutiveGateway: [Int]
        var ejectedUntil: [NIODeadline?]
        var ejections: [Int]
    }

    let policy: OutlierDetection
    private let endpointCount: Int
    private let state: NIOLockedValueBox<State>

    init(policy: OutlierDetection, endpointCount: Int) {
        self.policy = policy
        self.endpointCount = endpointCount
        let zeros = [Int](repeating: 0, count: endpointCount)
        self.state = NIOLockedValueBox(
            State(consecutive5xx: zeros, consecutiveGateway: zeros, ejectedUntil: .init(repeating: nil, count: endpointCount), ejections: zeros)
        )
    }

    func isEjected(_ endpoint: Int, now: NIODeadline = .now()) -> Bool {
        state.withLockedValue { state in
            guard let until = state.ejectedUntil[endpoint] else { return false }
            if until <= now {
                state.ejectedUntil[endpoint] = nil
                return false
            }
            return true
        }
    }

    /// Records an outcome: an HTTP status, or nil for a connect failure, reset or timeout (a gateway error).
    func record(endpoint: Int, status: Int?, now: NIODeadline = .now()) {
        state.withLockedValue { state in
            let isGatewayError = status == nil || status == 502 || status == 503 || status == 504
            let is5xx = status.map { $0 >= 500 } ?? true
            state.consecutive5xx[endpoint] = is5xx ? state.consecutive5xx[endpoint] + 1 : 0
            state.consecutiveGateway[endpoint] = isGatewayError ? state.consecutiveGateway[endpoint] + 1 : 0
            let trip5xx = policy.consecutive5xxErrors > 0 && state.consecutive5xx[endpoint] >= policy.consecutive5xxErrors
            let tripGateway = (policy.consecutiveGatewayErrors ?? 0) > 0 && state.consecutiveGateway[endpoint] >= policy.consecutiveGatewayErrors!
            guard trip5xx || tripGateway, state.ejectedUntil[endpoint].map({ $0 <= now }) ?? true else { return }
            let ejectedNow = state.ejectedUntil.filter { $0.map { $0 > now } ?? false }.count
            guard (ejectedNow + 1) * 100 <= policy.maxEjectionPercent * endpointCount else { return }
            state.ejections[endpoint] += 1
            let nanos = policy.baseEjectionTime.components.seconds * 1_000_000_000 + policy.baseEjectionTime.components.attoseconds / 1_000_000_000
            state.ejectedUntil[endpoint] = now + .nanoseconds(nanos * Int64(state.ejections[endpoint]))
            state.consecutive5xx[endpoint] = 0
            state.consecutiveGateway[endpoint] = 0
        }
    }

    /// Endpoints currently ejected, for the admin API and metrics.
    func ejected(now: NIODeadline = .now()) -> [Bool] {
        state.withLockedValue { state in state.ejectedUntil.map { $0.map { $0 > now } ?? false } }
    }
}
