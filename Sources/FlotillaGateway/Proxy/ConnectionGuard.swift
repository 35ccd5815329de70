import NIOCore

/// Bounds how long a client may take: a request head must arrive within `headerTimeout` of its first byte
/// (slowloris), and an idle kept-alive connection is closed after `idleTimeout`. Sits first in the pipeline and
/// only records deadlines; the event loop's ``LoopDeadlines`` tick calls ``check(now:)``.
final class ConnectionGuard: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let headerTimeout: TimeAmount
    private let idleTimeout: TimeAmount
    private var context: ChannelHandlerContext?
    private var deadline: NIODeadline?
    private var awaitingHead = true
    private var headDeadlineSet = false

    init(headerTimeout: TimeAmount, idleTimeout: TimeAmount) {
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { deadline = .now() + idleTimeout }
    }

    func channelActive(context: ChannelHandlerContext) {
        deadline = .now() + idleTimeout
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline = nil
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if awaitingHead, !headDeadlineSet {
            headDeadlineSet = true
            deadline = .now() + headerTimeout
        }
        context.fireChannelRead(data)
    }

    /// The request head is complete: the header deadline no longer applies.
    func requestHeadReceived() {
        awaitingHead = false
        headDeadlineSet = false
        deadline = nil
    }

    /// A response ended: wait for the next request, at most `idleTimeout`.
    func responseFinished() {
        awaitingHead = true
        headDeadlineSet = false
        deadline = .now() + idleTimeout
    }

    /// Closes the connection when the client let its deadline pass.
    func check(now: NIODeadline) {
        guard awaitingHead, let deadline, now >= deadline, let context else { return }
        self.deadline = nil
        context.close(promise: nil)
    }
}
