import NIOCore
import NIOHTTP1
import NIOPosix

/// The proxy: an HTTP/1.1 server on SwiftNIO whose event loops each keep their own upstream connection pool.
public final class GatewayServer: Sendable {
    public let runtime: GatewayRuntime
    public let options: GatewayServerOptions
    let group: MultiThreadedEventLoopGroup
    private let contexts: [ObjectIdentifier: NIOLoopBound<LoopContext>]
    private let ownsGroup: Bool

    public init(runtime: GatewayRuntime, options: GatewayServerOptions, group: MultiThreadedEventLoopGroup? = nil) {
        self.runtime = runtime
        self.options = options
        self.ownsGroup = group == nil
        let group = group ?? MultiThreadedEventLoopGroup(numberOfThreads: options.threads ?? System.coreCount)
        self.group = group
        var contexts: [ObjectIdentifier: NIOLoopBound<LoopContext>] = [:]
        for loop in group.makeIterator() {
            // Created here, off the loop; from now on only used on `loop` (NIOLoopBound checks it).
            contexts[ObjectIdentifier(loop)] = try! loop.submit { NIOLoopBound(LoopContext(eventLoop: loop), eventLoop: loop) }.wait()
        }
        self.contexts = contexts
    }

    /// Starts listening; returns the bound channel (its `localAddress` tells the port when `options.port` is 0).
    public func start() async throws -> any Channel {
        let runtime = self.runtime
        let options = self.options
        let contexts = self.contexts
        return try await ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 1024)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(ChannelOptions.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let loop = contexts[ObjectIdentifier(channel.eventLoop)]?.value else {
                        throw ChannelError.ioOnClosedChannel
                    }
                    let guardHandler = ConnectionGuard(headerTimeout: options.headerTimeout, idleTimeout: options.idleTimeout)
                    let operations = channel.pipeline.syncOperations
                    try operations.addHandler(guardHandler)
                    // The request decoder alone: responses leave as bytes (DownstreamHandler writes them), and no
                    // HTTPServerPipelineHandler (DownstreamHandler orders pipelined requests itself). The decoder
                    // forwards bytes left after an Upgrade (WebSocket passthrough).
                    try operations.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .forwardBytes)))
                    try operations.addHandler(DownstreamHandler(runtime: runtime, loop: loop, options: options, guardHandler: guardHandler))
                }
            }
            .bind(host: options.host, port: options.port)
            .get()
    }

    /// Request counters and latency histograms summed over all event loops.
    func metrics() async -> MetricsSnapshot {
        var total = MetricsSnapshot()
        for (id, bound) in contexts {
            _ = id
            let loop = bound.eventLoop
            if let part = try? await loop.submit({ bound.value.metrics.snapshot }).get() { total.add(part) }
        }
        return total
    }

    /// Idle upstream connections per endpoint, summed over event loops.
    func idleConnections() async -> [String: Int] {
        var total: [String: Int] = [:]
        for bound in contexts.values {
            if let part = try? await bound.eventLoop.submit({ bound.value.pool.idleCounts }).get() {
                total.merge(part, uniquingKeysWith: +)
            }
        }
        return total
    }

    public func shutdown() async throws {
        for bound in contexts.values {
            try? await bound.eventLoop.submit {
                bound.value.pool.closeAll()
                bound.value.deadlines.stop()
            }.get()
        }
        if ownsGroup { try await group.shutdownGracefully() }
    }
}
