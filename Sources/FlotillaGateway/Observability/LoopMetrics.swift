import NIOCore

/// Request counters and latency histograms of one event loop; the admin API sums all loops on scrape, so the hot
/// path takes no lock.
final class LoopMetrics {
    struct Key: Hashable, Sendable {
        var route: String
        var service: String
        var status: Int
    }
    struct LatencyKey: Hashable, Sendable {
        var route: String
        var service: String
    }
    /// Histogram bucket upper bounds, in seconds.
    static let buckets: [Double] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    private static let bucketNanos: [Int64] = buckets.map { Int64($0 * 1_000_000_000) }

    struct Histogram: Sendable {
        var counts = [Int](repeating: 0, count: LoopMetrics.buckets.count + 1)
        var sumNanos: Int64 = 0
        var count = 0

        mutating func add(_ nanos: Int64, bucket: Int) {
            counts[bucket] += 1
            sumNanos += nanos
            count += 1
        }
    }

    private(set) var requests: [Key: Int] = [:]
    private(set) var latencies: [LatencyKey: Histogram] = [:]

    /// Where the last request's counter and histogram are: the next request usually has the same route, service
    /// and status, and then neither key is hashed again. Indices stay valid until a key is added.
    private var lastKey: Key?
    private var lastRequestsIndex: [Key: Int].Index?
    private var lastLatenciesIndex: [LatencyKey: Histogram].Index?

    func record(route: String, service: String, status: Int, since start: NIODeadline, now: NIODeadline = .now()) {
        let nanos = (now - start).nanoseconds
        var bucket = Self.bucketNanos.count
        for (index, bound) in Self.bucketNanos.enumerated() where nanos <= bound {
            bucket = index
            break
        }
        let key = Key(route: route, service: service, status: status)
        if key == lastKey, let requestsIndex = lastRequestsIndex, let latenciesIndex = lastLatenciesIndex {
            requests.values[requestsIndex] += 1
            latencies.values[latenciesIndex].add(nanos, bucket: bucket)
            return
        }
        requests[key, default: 0] += 1
        // Changed in place (no copy of the bucket array per request).
        let latencyKey = LatencyKey(route: route, service: service)
        latencies[latencyKey, default: Histogram()].add(nanos, bucket: bucket)
        lastKey = key
        lastRequestsIndex = requests.index(forKey: key)
        lastLatenciesIndex = latencies.index(forKey: latencyKey)
    }

    /// A copy, to send off the event loop.
    var snapshot: MetricsSnapshot { MetricsSnapshot(requests: requests, latencies: latencies) }
}

/// Metrics of one or all event loops, summed.
struct MetricsSnapshot: Sendable {
    var requests: [LoopMetrics.Key: Int] = [:]
    var latencies: [LoopMetrics.LatencyKey: LoopMetrics.Histogram] = [:]

    mutating func add(_ other: MetricsSnapshot) {
        for (key, value) in other.requests { requests[key, default: 0] += value }
        for (key, value) in other.latencies {
            var histogram = latencies[key] ?? LoopMetrics.Histogram()
            for index in histogram.counts.indices { histogram.counts[index] += value.counts[index] }
            histogram.sumNanos += value.sumNanos
            histogram.count += value.count
            latencies[key] = histogram
        }
    }
}
