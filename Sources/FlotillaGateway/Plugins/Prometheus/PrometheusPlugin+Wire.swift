/// prometheus on a plain request's bytes: nothing to do in the access phase, and the log phase from what the epoll
/// plane knows when the request completes (``ResponseOutcome``), as the usual log phase records it. A route with
/// prometheus, often configured globally, so keeps its plugins on bytes.
extension PrometheusPlugin: WireLogPlugin {
    var acceptsWireAccess: Bool { true }
    var neverFallsBack: Bool { true }

    func wireAccess(_ request: WireRequest, _ state: WireAccessState) -> WireAccess { .proceed }

    func wireLog(_ completion: WireCompletion) {
        record(
            service: completion.serviceName,
            route: completion.routeName,
            consumer: completion.consumer,
            code: completion.outcome.status,
            source: completion.outcome.source.rawValue,
            latency: completion.latency,
            upstreamLatency: completion.outcome.upstreamLatency,
            requestBytes: completion.outcome.requestBytes,
            responseBytes: completion.outcome.responseBytes
        )
    }
}
