import NIOCore

/// The gateway's listening socket, as `GatewayServer.start()` returns it: where it listens, and how to stop
/// accepting connections (those already open go on until the server shuts down).
public struct GatewayListener: Sendable {
    public let localAddress: SocketAddress?
    private let closeAction: @Sendable () async -> Void

    init(localAddress: SocketAddress?, close: @escaping @Sendable () async -> Void) {
        self.localAddress = localAddress
        self.closeAction = close
    }

    /// Stops accepting connections.
    public func close() async throws { await closeAction() }
}
