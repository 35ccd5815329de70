import Metrics
import Prometheus

/// The process's Prometheus registry, with swift-metrics bootstrapped to write into it.
///
/// Every `Counter`, `Timer` or `Recorder` created through swift-metrics after ``bootstrap()``
/// appears in ``render()``, which `GET /metrics` serves.
public enum MetricsBootstrap {
    /// The Prometheus content type for the text exposition format.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The registry every metric of this process is kept in.
    public static let registry = PrometheusCollectorRegistry()

    /// Bootstraps swift-metrics with the Prometheus factory once per process.
    public static func bootstrap() {
        ProcessBootstrap.once(.metrics) {
            var factory = PrometheusMetricsFactory(registry: registry)
            factory.defaultDurationHistogramBuckets = [
                .milliseconds(1), .milliseconds(2.5), .milliseconds(5), .milliseconds(10), .milliseconds(25),
                .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
                .milliseconds(2500), .seconds(5), .seconds(10),
            ]
            MetricsSystem.bootstrap(factory)
        }
    }

    /// The registry in Prometheus text format.
    public static func render() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(8192)
        registry.emit(into: &buffer)
        return buffer
    }
}
