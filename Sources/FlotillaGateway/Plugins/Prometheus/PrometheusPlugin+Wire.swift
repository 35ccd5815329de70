/// prometheus on a plain request's bytes: nothing to do in the access phase, and the log phase from what the epoll
/// plane knows when the request completes, as the usual log phase records it there (an exchange the epoll plane makes
/// carries no body bytes, no upstream latency and `source` `service`). A route with prometheus, often configured
/// globally, so keeps its plugins on bytes.
extension PrometheusPlugin: WireLogPlugin {
    var acceptsWireAccess: Bool { true }
    var neverFallsBack: Bool { true }

    func wireAccess(_ request: WireRequest, _ state: WireAccessState) -> WireAccess { .proceed }

    func wireLog(_ completion: WireCompletion) {
        record(
            service: completion.serviceName,
            route: completion.routeName,
            consumer: completion.consumer,
            code: completion.status,
            source: GatewayResponseSource.service.rawValue,
            latency: completion.latency,
            upstreamLatency: nil,
            requestBodyBytes: 0,
            responseBodyBytes: 0
        )
    }
}
