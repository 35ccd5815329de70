import NIOCore

/// The only handler of an upstream connection: writes request heads and bodies as bytes, frames the responses
/// with an ``UpstreamResponseFramer`` and hands them to the exchange that owns the connection, and holds reads
/// while the client cannot take more (backpressure).
final class UpstreamHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private(set) var context: ChannelHandlerContext?
    /// The exchange using this connection; nil while the connection is idle in the pool.
    var exchange: ProxyExchange?
    /// Called once when the connection closes (the pool forgets it).
    var onClose: (() -> Void)?
    private var framer: UpstreamResponseFramer
    /// Whether the request going up has a chunked body (its parts are framed again here).
    private var chunkedRequest = false
    /// Bytes read after a 101 head: they belong to the tunnel that replaces this handler.
    private var afterSwitch: ByteBuffer?
    private var readsPaused = false
    private var pendingRead = false

    init(allocator: ByteBufferAllocator) {
        self.framer = UpstreamResponseFramer(allocator: allocator)
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        if afterSwitch != nil {
            afterSwitch!.writeBuffer(&buffer)
            return
        }
        do {
            while let event = try framer.next(&buffer) {
                switch consume event {
                case .head(var head):
                    if head.status == 101 { afterSwitch = buffer }
                    exchange?.upstreamResponseHead(&head)
                    if head.status == 101 { return }
                case .body(let part):
                    exchange?.upstreamResponseBody(part)
                case .end:
                    exchange?.upstreamResponseEnd(reusable: buffer.readableBytes == 0)
                }
                // The exchange may have let the connection go (an error, a retry): nothing more is read for it.
                if exchange == nil, buffer.readableBytes > 0 {
                    context.close(promise: nil)
                    return
                }
            }
        } catch {
            let exchange = self.exchange
            self.exchange = nil
            exchange?.upstreamResponseInvalid(String(describing: error))
            context.close(promise: nil)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        exchange?.upstreamReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        let exchange = self.exchange
        self.exchange = nil
        if let exchange {
            if framer.connectionClosed() != nil {
                exchange.upstreamResponseEnd(reusable: false)
            } else {
                exchange.upstreamClosed()
            }
        }
        onClose?()
        onClose = nil
        context.fireChannelInactive()
    }

    /// Leaving the pipeline for a tunnel: bytes read after the 101 go to the tunnel first.
    func removeHandler(context: ChannelHandlerContext, removalToken: ChannelHandlerContext.RemovalToken) {
        if let afterSwitch, afterSwitch.readableBytes > 0 {
            self.afterSwitch = nil
            context.fireChannelRead(wrapInboundOut(afterSwitch))
        }
        context.leavePipeline(removalToken: removalToken)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { exchange?.upstreamBecameWritable() }
        context.fireChannelWritabilityChanged()
    }

    func read(context: ChannelHandlerContext) {
        if readsPaused {
            pendingRead = true
        } else {
            context.read()
        }
    }

    func pauseReads() { readsPaused = true }

    func resumeReads() {
        readsPaused = false
        if pendingRead, let context {
            pendingRead = false
            context.read()
        }
    }

    // MARK: Sending a request

    /// Writes a request head (already bytes); its response is framed next.
    func sendHead(_ head: ByteBuffer, chunkedBody: Bool, isHEAD: Bool, decodeChunks: Bool) {
        chunkedRequest = chunkedBody
        framer.expectResponse(toHead: isHEAD, decodeChunks: decodeChunks)
        context?.write(wrapOutboundOut(head), promise: nil)
    }

    /// Writes a piece of the request body, chunk-framed when the request is chunked.
    func sendBody(_ part: ByteBuffer) {
        guard let context, part.readableBytes > 0 else { return }
        if chunkedRequest {
            var size = context.channel.allocator.buffer(capacity: 18)
            size.writeString(String(part.readableBytes, radix: 16))
            size.writeStaticString("\r\n")
            context.write(wrapOutboundOut(size), promise: nil)
            context.write(wrapOutboundOut(part), promise: nil)
            context.write(wrapOutboundOut(context.channel.allocator.buffer(staticString: "\r\n")), promise: nil)
        } else {
            context.write(wrapOutboundOut(part), promise: nil)
        }
    }

    /// The request body is complete.
    func sendEnd() {
        guard chunkedRequest, let context else { return }
        context.write(wrapOutboundOut(context.channel.allocator.buffer(staticString: "0\r\n\r\n")), promise: nil)
    }

    func flush() { context?.flush() }

    var isWritable: Bool { context?.channel.isWritable ?? false }

}
