import NIOConcurrencyHelpers
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
    #if canImport(Glibc)
    private let epollPlane = NIOLockedValueBox<EpollDataPlane?>(nil)
    #endif

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

    /// Starts listening; the listener's `localAddress` tells the port when `options.port` is 0. With the epoll data
    /// plane, its loops own the listening socket and hand the connections they do not proxy to the NIO event loops.
    public func start() async throws -> GatewayListener {
        #if canImport(Glibc)
        if options.dataPlane == .epoll {
            let contexts = self.contexts
            let runtime = self.runtime
            let options = self.options
            let group = self.group
            let handOff: @Sendable (Int32, ByteBuffer, AppliedPlugins?) -> Void = { fd, unread, plugins in
                Self.adopt(fd: fd, unread: unread, plugins: plugins, group: group, contexts: contexts, runtime: runtime, options: options)
            }
            let plane = try EpollDataPlane.start(runtime: runtime, options: options, threads: options.threads ?? System.coreCount, handOff: handOff)
            epollPlane.withLockedValue { $0 = plane }
            return GatewayListener(localAddress: plane.localAddress) { plane.closeListener() }
        }
        #endif
        let runtime = self.runtime
        let options = self.options
        let contexts = self.contexts
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 1024)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(ChannelOptions.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try Self.configureClientPipeline(channel, contexts: contexts, runtime: runtime, options: options)
                }
            }
            .bind(host: options.host, port: options.port)
            .get()
        return GatewayListener(localAddress: channel.localAddress) { try? await channel.close() }
    }

    /// The handlers of a client connection on the NIO data plane.
    private static func configureClientPipeline(
        _ channel: any Channel,
        contexts: [ObjectIdentifier: NIOLoopBound<LoopContext>],
        runtime: GatewayRuntime,
        options: GatewayServerOptions,
        adoptedPlugins: AppliedPlugins? = nil
    ) throws {
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
        try operations.addHandler(
            DownstreamHandler(runtime: runtime, loop: loop, options: options, guardHandler: guardHandler, adoptedPlugins: adoptedPlugins)
        )
    }

    /// Takes over a client connection from the epoll data plane: a NIO channel on the connected socket, fed first
    /// with the bytes the epoll plane read and did not answer, and with the access phase the epoll plane already ran
    /// for the first of them, if it did.
    private static func adopt(
        fd: Int32,
        unread: ByteBuffer,
        plugins: AppliedPlugins?,
        group: MultiThreadedEventLoopGroup,
        contexts: [ObjectIdentifier: NIOLoopBound<LoopContext>],
        runtime: GatewayRuntime,
        options: GatewayServerOptions
    ) {
        // No close on failure here: once NIO has wrapped the descriptor it closes it itself on any failure, and
        // closing it again could close another connection given the same number meanwhile. (Only if NIO cannot
        // wrap a valid, connected socket at all, which does not happen in practice, would it stay open.)
        _ = ClientBootstrap(group: group)
            .channelOption(ChannelOptions.maxMessagesPerRead, value: 16)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try Self.configureClientPipeline(channel, contexts: contexts, runtime: runtime, options: options, adoptedPlugins: plugins)
                    if unread.readableBytes > 0 {
                        try channel.pipeline.syncOperations.addHandler(UnreadBytesHandler(unread), position: .first)
                    }
                }
            }
            .withConnectedSocket(fd)
    }

    /// Request counters and latency histograms summed over all event loops.
    func metrics() async -> MetricsSnapshot {
        var total = MetricsSnapshot()
        #if canImport(Glibc)
        if let plane = epollPlane.withLockedValue({ $0 }) { total.add(plane.metrics) }
        #endif
        for (id, bound) in contexts {
            _ = id
            let loop = bound.eventLoop
            if let part = try? await loop.submit({ bound.value.metrics.snapshot }).get() { total.add(part) }
        }
        return total
    }

    /// Client connections the epoll data plane handed to the NIO plane (0 with the NIO plane alone).
    var epollHandOffs: Int {
        #if canImport(Glibc)
        return epollPlane.withLockedValue { $0 }?.shared.handOffs.load(ordering: .relaxed) ?? 0
        #else
        return 0
        #endif
    }

    /// Requests whose plugins the epoll data plane ran on their bytes (``WireAccessPlugin``; 0 with the NIO plane).
    var epollRequestsWithAccessOnBytes: Int {
        #if canImport(Glibc)
        return epollPlane.withLockedValue { $0 }?.requestsWithAccessOnBytes ?? 0
        #else
        return 0
        #endif
    }

    /// How the epoll data plane sends: "io_uring" or "send" (where io_uring is refused, or `--io-uring off`); nil
    /// with the NIO plane.
    var epollSends: String? {
        #if canImport(Glibc)
        return epollPlane.withLockedValue { $0 }?.sends
        #else
        return nil
        #endif
    }

    /// Idle upstream connections per endpoint, summed over event loops.
    func idleConnections() async -> [String: Int] {
        var total: [String: Int] = [:]
        #if canImport(Glibc)
        if let plane = epollPlane.withLockedValue({ $0 }) { total = plane.idleConnections }
        #endif
        for bound in contexts.values {
            if let part = try? await bound.eventLoop.submit({ bound.value.pool.idleCounts }).get() {
                total.merge(part, uniquingKeysWith: +)
            }
        }
        return total
    }

    public func shutdown() async throws {
        #if canImport(Glibc)
        if let plane = epollPlane.withLockedValue({ $0 }) { await plane.stop() }
        #endif
        for bound in contexts.values {
            try? await bound.eventLoop.submit {
                bound.value.pool.closeAll()
                bound.value.deadlines.stop()
            }.get()
        }
        if ownsGroup { try await group.shutdownGracefully() }
    }
}
