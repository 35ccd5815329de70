/// What one probe or one proxied attempt told about a target, in the terms of Kong's health counters.
enum HealthOutcome: Sendable, Equatable {
    /// An HTTP response with this status.
    case status(Int)
    /// A TCP check: the connection opened.
    case connected
    /// The connection failed or was reset before a response.
    case tcpFailure
    /// No answer in time.
    case timeout
}

/// How a proxied attempt failed before a usable response, as the proxy reports it to the cluster.
enum UpstreamFailure: Sendable {
    /// Connect failure or a reset before the response head.
    case connection
    /// The upstream did not answer in time.
    case timeout
}
