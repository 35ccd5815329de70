import NIOCore
import NIOHTTP1
import NIOPosix

/// One kept-alive HTTP/1.1 connection to an upstream endpoint.
final class UpstreamConnection {
    let key: String
    let channel: any Channel
    let handler: UpstreamHandler
    /// True once it has served a request (a reused connection may have been closed by the upstream meanwhile).
    var reused = false

    init(key: String, channel: any Channel, handler: UpstreamHandler) {
        self.key = key
        self.channel = channel
        self.handler = handler
    }
}

/// Upstream connections of one event loop, kept alive between requests. Only ever touched from its event loop,
/// so a request never hops threads to find a connection.
final class UpstreamConnectionPool {
    let eventLoop: any EventLoop
    let maxIdlePerEndpoint: Int
    private var idle: [String: [UpstreamConnection]] = [:]

    init(eventLoop: any EventLoop, maxIdlePerEndpoint: Int = 256) {
        self.eventLoop = eventLoop
        self.maxIdlePerEndpoint = maxIdlePerEndpoint
    }

    /// An idle, still open connection to the endpoint whose pool key is `key` ("host:port"), if there is one.
    func takeIdle(key: String) -> UpstreamConnection? {
        while let connection = idle[key]?.popLast() {
            if connection.channel.isActive {
                connection.reused = true
                return connection
            }
        }
        return nil
    }

    /// A new connection to `host:port` (pool key `key`); `completion` runs on this event loop.
    func connect(
        key: String,
        host: String,
        port: Int,
        connectTimeout: TimeAmount,
        completion: @escaping (Result<UpstreamConnection, any Error>) -> Void
    ) {
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(connectTimeout)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // One handler: request heads go up as bytes, responses are framed by UpstreamResponseFramer.
                    try channel.pipeline.syncOperations.addHandler(UpstreamHandler(allocator: channel.allocator))
                }
            }
        let future: EventLoopFuture<any Channel>
        if let address = try? SocketAddress(ipAddress: host, port: port) {
            future = bootstrap.connect(to: address)
        } else {
            future = bootstrap.connect(host: host, port: port)
        }
        future.hop(to: eventLoop).assumeIsolated().whenComplete { result in
            switch result {
            case .success(let channel):
                do {
                    let handler = try channel.pipeline.syncOperations.handler(type: UpstreamHandler.self)
                    let connection = UpstreamConnection(key: key, channel: channel, handler: handler)
                    // Weak: an exchange may drop a connection it closed before the close arrives here; such a
                    // connection is not in the idle list (the list would keep it alive).
                    handler.onClose = { [weak self, weak connection] in
                        if let connection { self?.forget(connection) }
                    }
                    completion(.success(connection))
                } catch {
                    channel.close(promise: nil)
                    completion(.failure(error))
                }
            case .failure(let error):
                completion(.failure(error))
            }
        }
    }

    /// Returns a connection for reuse, or closes it when the pool for its endpoint is full.
    func release(_ connection: UpstreamConnection) {
        connection.handler.exchange = nil
        guard connection.channel.isActive else { return }
        // Appended in place: copying the endpoint's list out and back would copy it on every request.
        let added = Self.append(connection, to: &idle[connection.key, default: []], limit: maxIdlePerEndpoint)
        if !added { connection.channel.close(promise: nil) }
    }

    private static func append(_ connection: UpstreamConnection, to list: inout [UpstreamConnection], limit: Int) -> Bool {
        guard list.count < limit else { return false }
        list.append(connection)
        return true
    }

    /// A closed connection leaves the idle list (if it is in it).
    private func forget(_ connection: UpstreamConnection) {
        idle[connection.key]?.removeAll { $0 === connection }
    }

    /// Idle connections per endpoint, for the admin API.
    var idleCounts: [String: Int] { idle.mapValues(\.count) }

    func closeAll() {
        for list in idle.values { for connection in list { connection.channel.close(promise: nil) } }
        idle.removeAll()
    }
}
