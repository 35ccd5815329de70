import Foundation

/// Renders the gateway's metrics in the Prometheus text format: requests by route, service and status, latency
/// histograms by route and service, and upstream target health.
enum PrometheusText {
    static func render(server: GatewayServer) async -> String {
        let metrics = await server.metrics()
        var text = "# HELP flotilla_gateway_requests_total Requests by route, service and status.\n"
        text += "# TYPE flotilla_gateway_requests_total counter\n"
        for (key, count) in metrics.requests.sorted(by: {
            ($0.key.route, $0.key.service, $0.key.status) < ($1.key.route, $1.key.service, $1.key.status)
        }) {
            text +=
                "flotilla_gateway_requests_total{route=\"\(escape(key.route))\",service=\"\(escape(key.service))\",status=\"\(key.status)\"} \(count)\n"
        }
        text += "# HELP flotilla_gateway_request_duration_seconds Time from request head to response end.\n"
        text += "# TYPE flotilla_gateway_request_duration_seconds histogram\n"
        for (key, histogram) in metrics.latencies.sorted(by: { ($0.key.route, $0.key.service) < ($1.key.route, $1.key.service) }) {
            let labels = "route=\"\(escape(key.route))\",service=\"\(escape(key.service))\""
            var cumulative = 0
            for (index, bound) in LoopMetrics.buckets.enumerated() {
                cumulative += histogram.counts[index]
                text += "flotilla_gateway_request_duration_seconds_bucket{\(labels),le=\"\(bound)\"} \(cumulative)\n"
            }
            text += "flotilla_gateway_request_duration_seconds_bucket{\(labels),le=\"+Inf\"} \(histogram.count)\n"
            text += "flotilla_gateway_request_duration_seconds_sum{\(labels)} \(Double(histogram.sumNanos) / 1e9)\n"
            text += "flotilla_gateway_request_duration_seconds_count{\(labels)} \(histogram.count)\n"
        }
        text += "# HELP flotilla_gateway_upstream_target_health 1 when a target is healthy, 0 when ejected or unhealthy.\n"
        text += "# TYPE flotilla_gateway_upstream_target_health gauge\n"
        let snapshot = server.runtime.snapshot
        for (_, cluster) in snapshot.clusters.sorted(by: { $0.key < $1.key }) {
            let health = AdminAPI.targetHealth(cluster)
            for (index, target) in cluster.endpoints.enumerated() {
                text +=
                    "flotilla_gateway_upstream_target_health{upstream=\"\(escape(cluster.name))\",target=\"\(target.host):\(target.port)\"} \(health[index] == "UNHEALTHY" ? 0 : 1)\n"
            }
        }
        return text
    }

    private static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
