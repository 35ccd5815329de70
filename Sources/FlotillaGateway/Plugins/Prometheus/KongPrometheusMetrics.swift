import Prometheus

/// Kong's Prometheus metric names over a swift-prometheus registry. The proxy may use
/// ``setTargetHealth(upstream:target:address:state:)`` for `kong_upstream_target_health`.
public struct KongPrometheusMetrics: Sendable {
    /// Kong's default latency buckets (milliseconds).
    public static let latencyBuckets: [Double] = [
        1, 2, 5, 7, 10, 15, 20, 25, 30, 40, 50, 60, 70, 80, 90, 100, 200, 300, 400, 500, 1_000, 2_000, 5_000, 10_000,
        30_000, 60_000,
    ]
    /// The states Kong reports for a target.
    public static let targetStates = ["healthy", "unhealthy", "dns_error", "healthchecks_off"]

    public let registry: PrometheusCollectorRegistry

    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    func countRequest(service: String, route: String, code: Int, source: String, consumer: String) {
        let labels = [
            ("service", service), ("route", route), ("code", String(code)), ("source", source), ("workspace", "default"),
            ("consumer", consumer),
        ]
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                metricName: "kong_http_requests_total",
                unitName: "",
                helpText: "HTTP status codes per consumer/service/route in Kong"
            ),
            labels: labels
        ).increment()
    }

    func recordLatency(_ name: String, service: String, route: String, milliseconds: Double) {
        registry.makeValueHistogram(
            descriptor: MetricNameDescriptor(
                metricName: name,
                unitName: "",
                helpText: "Latency added by Kong, total request time and upstream latency"
            ),
            labels: [("service", service), ("route", route), ("workspace", "default")],
            buckets: Self.latencyBuckets
        ).record(milliseconds)
    }

    func countBandwidth(service: String, route: String, direction: String, bytes: Int, consumer: String) {
        guard bytes > 0 else { return }
        let labels = [
            ("service", service), ("route", route), ("direction", direction), ("workspace", "default"), ("consumer", consumer),
        ]
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                metricName: "kong_bandwidth_bytes",
                unitName: "",
                helpText: "Total bandwidth (ingress/egress) throughput in bytes"
            ),
            labels: labels
        ).increment(by: Int64(bytes))
    }

    /// `kong_upstream_target_health{upstream,target,address,state,subsystem}`: 1 for the target's current state, 0
    /// for the others, as Kong reports it.
    public func setTargetHealth(upstream: String, target: String, address: String, state: String) {
        for candidate in Self.targetStates {
            registry.makeGauge(
                descriptor: MetricNameDescriptor(
                    metricName: "kong_upstream_target_health",
                    unitName: "",
                    helpText: "Health status of targets of upstream."
                ),
                labels: [("upstream", upstream), ("target", target), ("address", address), ("state", candidate), ("subsystem", "http")]
            ).set(candidate == state ? 1.0 : 0.0)
        }
    }
}
