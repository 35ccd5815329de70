import FlotillaResilience
import Metrics
import NIOHTTP1
import Synchronization

/// `http_client_requests_total{downstream,method,status}` (one count per HTTP attempt;
/// status is the code, or `error` when no response came) and
/// `http_client_request_duration_seconds{downstream}` (a swift-metrics `Timer`).
/// Handles are created once per label set and cached.
final class HTTPClientMetrics: Sendable {
    static let requestsLabel = "http_client_requests_total"
    static let durationLabel = "http_client_request_duration_seconds"

    private struct Key: Hashable {
        var downstream: String
        var method: String
        var status: String
    }

    private let factory: any MetricsFactory
    private let counters = Mutex<[Key: Counter]>([:])
    private let timers = Mutex<[String: Metrics.Timer]>([:])

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    func record(downstream: String, method: HTTPMethod, status: String, duration: Duration) {
        let key = Key(downstream: downstream, method: method.rawValue, status: status)
        let counter = counters.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = Counter(
                label: Self.requestsLabel,
                dimensions: [("downstream", downstream), ("method", key.method), ("status", status)],
                factory: factory
            )
            counters[key] = counter
            return counter
        }
        counter.increment()
        let timer = timers.withLock { timers in
            if let timer = timers[downstream] { return timer }
            let timer = Metrics.Timer(label: Self.durationLabel, dimensions: [("downstream", downstream)], factory: factory)
            timers[downstream] = timer
            return timer
        }
        timer.recordNanoseconds(duration.nanosecondsClamped)
    }
}
