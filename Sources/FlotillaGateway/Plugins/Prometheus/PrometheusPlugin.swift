import HTTPTypes
import Prometheus
import Yams

/// Kong's prometheus plugin `config`: `per_consumer`, `status_code_metrics`, `latency_metrics`,
/// `bandwidth_metrics`, `upstream_health_metrics` (all false by default, as in Kong 3).
struct PrometheusPluginConfiguration: Sendable, Hashable {
    var perConsumer = false
    var statusCodeMetrics = false
    var latencyMetrics = false
    var bandwidthMetrics = false
    var upstreamHealthMetrics = false

    init(_ node: Yams.Node?) throws {
        let config = try PluginConfigReader(node)
        try config.rejectUnknownFields([
            "per_consumer", "status_code_metrics", "latency_metrics", "bandwidth_metrics", "upstream_health_metrics",
            "ai_metrics",
        ])
        perConsumer = try config.bool("per_consumer", default: false)
        statusCodeMetrics = try config.bool("status_code_metrics", default: false)
        latencyMetrics = try config.bool("latency_metrics", default: false)
        bandwidthMetrics = try config.bool("bandwidth_metrics", default: false)
        upstreamHealthMetrics = try config.bool("upstream_health_metrics", default: false)
        _ = try config.bool("ai_metrics", default: false)
    }
}

/// Kong's `prometheus` plugin: in the log phase, `kong_http_requests_total{service,route,code,source,workspace,consumer}`,
/// the `kong_request_latency_ms` / `kong_upstream_latency_ms` / `kong_kong_latency_ms` histograms and
/// `kong_bandwidth_bytes{direction}`, into the registry `/metrics` emits.
struct PrometheusPlugin: SynchronousGatewayPlugin {
    let name = "prometheus"
    let priority = 13
    let filtersHeaders = false
    let configuration: PrometheusPluginConfiguration
    let metrics: KongPrometheusMetrics

    func accessSynchronously(_ exchange: inout GatewayExchange) -> GatewayPluginResponse? { nil }

    func log(_ exchange: GatewayExchange, response: HTTPResponse, latency: Duration) {
        record(
            service: exchange.serviceName,
            route: exchange.routeName,
            consumer: exchange.consumer,
            code: response.status.code,
            source: exchange.responseSource.rawValue,
            latency: latency,
            upstreamLatency: exchange.upstreamLatency,
            requestBytes: exchange.requestBytes,
            responseBytes: exchange.responseBytes
        )
    }

    /// The metrics of one request, as its log phase records them (on either plane, or for a request that ran on bytes).
    func record(
        service serviceName: String?,
        route routeName: String?,
        consumer authenticated: GatewayConsumer?,
        code: Int,
        source: String,
        latency: Duration,
        upstreamLatency: Duration?,
        requestBytes: Int,
        responseBytes: Int
    ) {
        let service = serviceName ?? ""
        let route = routeName ?? ""
        let consumer = configuration.perConsumer ? (authenticated?.username ?? authenticated?.id ?? "") : ""
        if configuration.statusCodeMetrics {
            metrics.countRequest(service: service, route: route, code: code, source: source, consumer: consumer)
        }
        if configuration.latencyMetrics {
            let total = Self.milliseconds(latency)
            metrics.recordLatency("kong_request_latency_ms", service: service, route: route, milliseconds: total)
            if let upstreamLatency {
                let upstreamMs = Self.milliseconds(upstreamLatency)
                metrics.recordLatency("kong_upstream_latency_ms", service: service, route: route, milliseconds: upstreamMs)
                metrics.recordLatency("kong_kong_latency_ms", service: service, route: route, milliseconds: max(0, total - upstreamMs))
            } else {
                metrics.recordLatency("kong_kong_latency_ms", service: service, route: route, milliseconds: total)
            }
        }
        if configuration.bandwidthMetrics {
            metrics.countBandwidth(service: service, route: route, direction: "ingress", bytes: requestBytes, consumer: consumer)
            metrics.countBandwidth(service: service, route: route, direction: "egress", bytes: responseBytes, consumer: consumer)
        }
    }

    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1_000 + Double(attoseconds) / 1e15
    }
}
