import Dispatch
import Hummingbird
import Metrics
import Synchronization

/// The RED metrics of a service: `http_requests_total` and `http_request_duration_seconds`,
/// labelled `service`, `method`, `route` (the route template, never the raw path) and `status`.
///
/// Metric handles are created once per label set and cached, so the hot path takes one lock and
/// allocates nothing for a label set it has seen.
public final class HTTPServerMetrics: Sendable {
    struct Key: Hashable {
        var method: HTTPRequest.Method
        var route: String
        var status: Int
    }

    struct Handles {
        var requests: Counter
        var duration: Metrics.Timer
    }

    private let service: String
    private let cache = Mutex<[Key: Handles]>([:])

    /// Creates the metrics for `service`.
    public init(service: String) {
        self.service = service
    }

    /// Records one finished request.
    public func record(method: HTTPRequest.Method, route: String, status: Int, nanoseconds: UInt64) {
        let handles = self.handles(for: Key(method: method, route: route, status: status))
        handles.requests.increment()
        handles.duration.recordNanoseconds(Int64(clamping: nanoseconds))
    }

    private func handles(for key: Key) -> Handles {
        cache.withLock { cache in
            if let handles = cache[key] { return handles }
            let dimensions = [
                ("service", service), ("method", key.method.rawValue), ("route", key.route), ("status", String(key.status)),
            ]
            let handles = Handles(
                requests: Counter(label: "http_requests_total", dimensions: dimensions),
                duration: Metrics.Timer(label: "http_request_duration_seconds", dimensions: dimensions, preferredDisplayUnit: .seconds)
            )
            cache[key] = handles
            return handles
        }
    }
}
