import Synchronization

/// Requests in flight per endpoint of a cluster, shared by every event loop (as Envoy keeps a host's active
/// request count across its workers), for LEAST_REQUEST / least-connections. Relaxed atomics: a pick may read a
/// count a request or two old, which only nudges the choice.
final class ActiveRequests: Sendable {
    private final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    private let counters: [Counter]

    init(endpointCount: Int) {
        counters = (0..<endpointCount).map { _ in Counter() }
    }

    func count(_ endpoint: Int) -> Int {
        endpoint < counters.count ? counters[endpoint].value.load(ordering: .relaxed) : 0
    }

    func started(_ endpoint: Int) {
        guard endpoint < counters.count else { return }
        counters[endpoint].value.add(1, ordering: .relaxed)
    }

    func finished(_ endpoint: Int) {
        guard endpoint < counters.count else { return }
        counters[endpoint].value.subtract(1, ordering: .relaxed)
    }
}
