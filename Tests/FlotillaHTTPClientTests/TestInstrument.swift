import Instrumentation
import ServiceContextModule

/// The W3C trace context of the current task, as a test instrument carries it.
enum TraceparentKey: ServiceContextKey {
    typealias Value = String
}

/// Injects `traceparent` from the service context, like a real tracer would.
struct TraceparentInstrument: Instrument {
    func inject<Carrier, Inject>(_ context: ServiceContext, into carrier: inout Carrier, using injector: Inject)
    where Inject: Injector, Carrier == Inject.Carrier {
        if let traceparent = context[TraceparentKey.self] {
            injector.inject(traceparent, forKey: "traceparent", into: &carrier)
        }
    }

    func extract<Carrier, Extract>(_ carrier: Carrier, into context: inout ServiceContext, using extractor: Extract)
    where Extract: Extractor, Carrier == Extract.Carrier {}

    /// Bootstraps the instrument once per test process.
    static let bootstrapped: Void = {
        InstrumentationSystem.bootstrap(TraceparentInstrument())
    }()
}
