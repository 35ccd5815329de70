import Logging
import ServiceLifecycle

/// One call that sets up logs, metrics and traces for a service process from its configuration.
///
/// ```swift
/// let tracing = try Observability.bootstrap(configuration)
/// ```
public enum Observability {
    /// Bootstraps logging, metrics and tracing (each once per process) and returns the tracing
    /// service to run in the service group, if this call created it.
    public static func bootstrap(_ configuration: ServiceConfiguration) throws -> (any Service)? {
        LoggingBootstrap.bootstrap(service: configuration.serviceName, level: configuration.logLevel, format: configuration.logFormat)
        MetricsBootstrap.bootstrap()
        return try TracingBootstrap.bootstrap(serviceName: configuration.serviceName, otlpEndpoint: configuration.otlpEndpoint)
    }
}
