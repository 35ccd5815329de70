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

    func record(route: String, service: String, status: Int, since start: NIODeadline) {
        let nanos = (NIODeadline.now() - start).nanoseconds
        requests[Key(route: route, service: service, status: status), default: 0] += 1
        var bucket = Self.bucketNanos.count
        for (index, bound) in Self.bucketNanos.enumerated() where nanos <= bound {
            bucket = index
            break
        }
        // Changed in place (no copy of the bucket array per request).
        latencies[LatencyKey(route: route, service: service), default: Histogram()].add(nanos, bucket: bucket)
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
