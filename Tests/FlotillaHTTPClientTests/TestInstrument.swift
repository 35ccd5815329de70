import FlotillaCore
import Instrumentation
import ServiceContextModule

/// The process-wide tracing of a Flotilla service (swift-otel, W3C trace context), as the kit sets it up.
enum TestTracing {
    /// Bootstraps tracing once per test process (shared with the other suites, which use the same call).
    static let bootstrapped: Void = {
        _ = try? TracingBootstrap.bootstrap(serviceName: "http-client-tests", otlpEndpoint: nil)
    }()

    /// A context carrying the remote span of `traceparent`, extracted by the bootstrapped propagator.
    static func context(traceparent: String) -> ServiceContext {
        var context = ServiceContext.topLevel
        InstrumentationSystem.instrument.extract(["traceparent": traceparent], into: &context, using: DictionaryExtractor())
        return context
    }
}

/// Reads headers from a dictionary.
struct DictionaryExtractor: Extractor {
    func extract(key: String, from carrier: [String: String]) -> String? { carrier[key] }
}
