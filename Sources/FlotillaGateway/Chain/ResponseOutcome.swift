/// What a data plane knows of a request once its response is sent, besides the exchange the plugins left: what the
/// log phase reads (Kong's `kong.response.get_source()`, `request_length`, `bytes_sent` and `latencies.proxy`).
struct ResponseOutcome: Sendable, Equatable {
    /// The status sent to the client.
    var status: Int
    /// Who made the response: the upstream, a plugin's exit, or the gateway itself (502, 504, 503, 400, 413...).
    var source: GatewayResponseSource
    /// Bytes read from the client for this request: request line, header fields and body.
    var requestBytes: Int
    /// Bytes sent to the client for this response: head and body.
    var responseBytes: Int
    /// From sending the request upstream to the upstream's response head; nil when no upstream answered.
    var upstreamLatency: Duration?
}
