import Logging
import OTel
import ServiceLifecycle
import Tracing

/// Sets up swift-distributed-tracing with swift-otel's tracer and the W3C trace-context propagator.
///
/// Traces are always extracted from and injected into `traceparent`, so ids flow through the fleet
/// and into the logs; spans are exported over OTLP/HTTP only when an endpoint is configured.
public enum TracingBootstrap {
    /// Bootstraps tracing once per process and returns the service that must run in the
    /// service group (it flushes and exports spans); `nil` when tracing was already set up.
    public static func bootstrap(serviceName: String, otlpEndpoint: String?) throws -> (any Service)? {
        var service: (any Service)?
        try ProcessBootstrap.once(.tracing) {
            var configuration = OTel.Configuration.default
            configuration.serviceName = serviceName
            configuration.logs.enabled = false
            configuration.metrics.enabled = false
            configuration.propagators = [.traceContext]
            if let otlpEndpoint {
                configuration.traces.exporter = .otlp
                // An explicitly set endpoint is used as-is, so add the signal path as the OTLP spec does for the variable.
                let base = otlpEndpoint.hasSuffix("/") ? String(otlpEndpoint.dropLast()) : otlpEndpoint
                configuration.traces.otlpExporter.endpoint = base.hasSuffix("/v1/traces") ? base : base + "/v1/traces"
                configuration.traces.otlpExporter.protocol = .httpProtobuf
            } else {
                configuration.traces.exporter = .none
                // Unexported spans still carry ids for propagation and logs; not recording them saves work.
                configuration.traces.sampler = .parentBasedAlwaysOff
            }
            let backend = try OTel.makeTracingBackend(configuration: configuration)
            InstrumentationSystem.bootstrap(backend.factory)
            service = backend.service
        }
        return service
    }
}
