import NIOCore
import NIOHTTP1

/// One end of a byte tunnel between a client connection and an upstream connection on the same event loop, once
/// an `Upgrade` (WebSocket) was accepted with 101: whatever one side reads, the other writes. Reads stop while the
/// other side cannot write (backpressure); a half-close or a close on one side reaches the other. When the upstream
/// sends nothing for the service's `read_timeout`, both close (as nginx's `proxy_read_timeout` ends an idle
/// WebSocket).
final class TunnelHandler: ChannelDuplexHandler, RemovableChannelHandler, DeadlineWatching {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var partner: TunnelHandler?
    private var context: ChannelHandlerContext?
    private var pendingRead = false
    /// On the upstream end: the silence allowed, and the loop's deadlines that check it.
    private let idleTimeout: TimeAmount?
    private let deadlines: LoopDeadlines?
    private var idleDeadline: NIODeadline?
    var deadlineSlot = -1

    private init(idleTimeout: TimeAmount? = nil, deadlines: LoopDeadlines? = nil) {
        self.idleTimeout = idleTimeout
        self.deadlines = deadlines
    }

    /// Two connected ends: the client's, and the upstream's, which closes both after `upstreamIdleTimeout` of
    /// silence from the upstream.
    static func pair(upstreamIdleTimeout: TimeAmount, deadlines: LoopDeadlines) -> (client: TunnelHandler, upstream: TunnelHandler) {
        let client = TunnelHandler()
        let upstream = TunnelHandler(idleTimeout: upstreamIdleTimeout, deadlines: deadlines)
        client.partner = upstream
        upstream.partner = client
        return (client, upstream)
    }

    /// Moves a pipeline to tunnelling: adds this end last, then removes the HTTP handlers, so bytes an HTTP decoder
    /// had read past the 101 exchange arrive here in order.
    func install(in pipeline: ChannelPipeline.SynchronousOperations, replacing handlers: [any RemovableChannelHandler]) throws {
        try pipeline.addHandler(self)
        for handler in handlers { pipeline.removeHandler(handler, promise: nil) }
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if let idleTimeout, let deadlines {
            idleDeadline = .now() + idleTimeout
            deadlines.add(self)
        }
        // Whatever stopped reading during the HTTP exchange, the tunnel reads from now on.
        if context.channel.isActive { context.read() }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadlines?.remove(self)
        self.context = nil
        partner = nil
    }

    func checkDeadlines(now: NIODeadline) {
        guard let idleDeadline, now >= idleDeadline, let context else { return }
        self.idleDeadline = nil
        context.close(promise: nil)
    }

    // MARK: Called by the partner

    private func partnerWrite(_ data: NIOAny) { context?.write(data, promise: nil) }

    private func partnerFlush() { context?.flush() }

    private func partnerWriteEOF() { context?.close(mode: .output, promise: nil) }

    private func partnerClosed() { context?.close(promise: nil) }

    private func partnerBecameWritable() {
        if pendingRead, let context {
            pendingRead = false
            context.read()
        }
    }

    private var isWritable: Bool { context?.channel.isWritable ?? false }

    // MARK: Channel events

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if let idleTimeout { idleDeadline = .now() + idleTimeout }
        partner?.partnerWrite(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) { partner?.partnerFlush() }

    func channelInactive(context: ChannelHandlerContext) {
        partner?.partnerClosed()
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, case .inputClosed = event {
            partner?.partnerWriteEOF()
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        partner?.partnerClosed()
        context.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { partner?.partnerBecameWritable() }
        context.fireChannelWritabilityChanged()
    }

    func read(context: ChannelHandlerContext) {
        if partner?.isWritable ?? false {
            context.read()
        } else {
            pendingRead = true
        }
    }
}
