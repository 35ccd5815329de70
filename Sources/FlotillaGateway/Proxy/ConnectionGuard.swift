import NIOCore

/// Bounds how long a client may take: a request head must arrive within `headerTimeout` of its first byte
/// (slowloris), and an idle kept-alive connection is closed after `idleTimeout`. Sits first in the pipeline.
final class ConnectionGuard: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let headerTimeout: TimeAmount
    private let idleTimeout: TimeAmount
    private var context: ChannelHandlerContext?
    private var timer: Scheduled<Void>?
    private var awaitingHead = true
    private var headTimerRunning = false

    init(headerTimeout: TimeAmount, idleTimeout: TimeAmount) {
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { armIdle() }
    }

    func channelActive(context: ChannelHandlerContext) {
        armIdle()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if awaitingHead, !headTimerRunning {
            headTimerRunning = true
            arm(headerTimeout)
        }
        context.fireChannelRead(data)
    }

    /// The request head is complete: the header deadline no longer applies.
    func requestHeadReceived() {
        awaitingHead = false
        headTimerRunning = false
        timer?.cancel()
        timer = nil
    }

    /// A response ended: wait for the next request, at most `idleTimeout`.
    func responseFinished() {
        awaitingHead = true
        headTimerRunning = false
        armIdle()
    }

    private func armIdle() { arm(idleTimeout) }

    private func arm(_ timeout: TimeAmount) {
        timer?.cancel()
        guard let context else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [weak self] in
            guard let self, self.awaitingHead, let context = self.context else { return }
            context.close(promise: nil)
        }
    }
}
