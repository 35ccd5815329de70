import NIOCore

/// Listening address and the limits the proxy enforces on clients.
public struct GatewayServerOptions: Sendable {
    public var host: String
    public var port: Int
    /// Largest request body accepted (413 beyond); nil for no limit (Kong's default).
    public var maxRequestBodySize: Int?
    /// How long a client may take to send a whole request head once it started (slowloris bound).
    public var headerTimeout: TimeAmount
    /// How long an idle kept-alive client connection stays open.
    public var idleTimeout: TimeAmount
    /// Event loop threads; nil for one per core.
    public var threads: Int?
    /// Which data plane accepts connections (see ``GatewayDataPlane``).
    public var dataPlane: GatewayDataPlane
    /// The epoll plane sends what each wake of a loop answered in one io_uring call (see `EndOfWakeWrites`); false
    /// for a send(2) per socket. Where the kernel refuses io_uring (a seccomp profile such as Docker's default,
    /// `kernel.io_uring_disabled`), send(2) either way.
    public var sendsThroughIOUring: Bool

    public init(
        host: String = "0.0.0.0",
        port: Int = 8080,
        maxRequestBodySize: Int? = nil,
        headerTimeout: TimeAmount = .seconds(10),
        idleTimeout: TimeAmount = .seconds(60),
        threads: Int? = nil,
        dataPlane: GatewayDataPlane = .nio,
        sendsThroughIOUring: Bool = true
    ) {
        self.host = host
        self.port = port
        self.maxRequestBodySize = maxRequestBodySize
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.threads = threads
        self.dataPlane = dataPlane
        self.sendsThroughIOUring = sendsThroughIOUring
    }
}

/// How the gateway moves requests. `nio`: every connection on SwiftNIO's channel pipeline. `epoll` (Linux): plain
/// requests on plain routes go through threads of raw epoll (no channel pipeline, about a third of NIO's CPU per
/// request); every other connection is handed to the NIO plane, which answers it as with `nio`.
public enum GatewayDataPlane: String, Sendable, CaseIterable {
    case nio
    case epoll
}
