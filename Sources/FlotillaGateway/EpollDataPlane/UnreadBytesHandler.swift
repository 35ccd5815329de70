import NIOCore

/// First in a connection the epoll data plane handed over: passes on the bytes that plane read and did not answer,
/// before anything read from the socket, then leaves the pipeline.
final class UnreadBytesHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private var unread: ByteBuffer?

    init(_ unread: ByteBuffer) { self.unread = unread }

    func channelActive(context: ChannelHandlerContext) {
        context.fireChannelActive()
        if let unread {
            self.unread = nil
            context.fireChannelRead(wrapInboundOut(unread))
            context.fireChannelReadComplete()
        }
        context.pipeline.syncOperations.removeHandler(self, promise: nil)
    }
}
