/// A plugin whose log phase also runs for a request whose access phase ran on bytes, from what the epoll data plane
/// knows of it when it completes (``WireCompletion``), without the `GatewayExchange` the usual log phase reads.
/// ``wireLog(_:)`` records exactly what ``GatewayPlugin/log(_:response:latency:)`` records for the same request.
protocol WireLogPlugin: WireAccessPlugin {
    func wireLog(_ completion: WireCompletion)
}

/// A request whose plugins ran on bytes, as it completed: what a log phase reads of it.
struct WireCompletion {
    let routeName: String?
    let serviceName: String?
    /// Set by an authentication that ran on bytes.
    let consumer: GatewayConsumer?
    /// Status, source, bytes and upstream latency, as the usual log phase gets them.
    let outcome: ResponseOutcome
    /// From the request's start to its completion.
    let latency: Duration
}
