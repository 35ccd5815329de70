import NIOCore

/// Pipelines RESP commands on one connection: each write carries a promise; replies complete them in order.
/// When the connection closes or fails, every waiting promise fails.
final class RESPChannelHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = RESPCommand
    typealias OutboundOut = ByteBuffer

    private var waiting = CircularBuffer<EventLoopPromise<RESPValue>>()
    private var buffer = ByteBuffer()

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let command = unwrapOutboundIn(data)
        var out = context.channel.allocator.buffer(capacity: 64)
        RESPValue.writeCommand(command.arguments, into: &out)
        waiting.append(command.reply)
        context.write(wrapOutboundOut(out), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        buffer.writeBuffer(&incoming)
        do {
            while let value = try RESPValue.parse(&buffer) {
                guard let promise = waiting.popFirst() else { throw RESPValue.ProtocolError(description: "unexpected reply") }
                promise.succeed(value)
            }
            buffer.discardReadBytes()
        } catch {
            failAll(error)
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(RedisClientError.connectionClosed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAll(error)
        context.close(promise: nil)
    }

    private func failAll(_ error: any Error) {
        while let promise = waiting.popFirst() { promise.fail(error) }
    }
}

/// One command and the promise of its reply.
struct RESPCommand {
    var arguments: [String]
    var reply: EventLoopPromise<RESPValue>
}

/// What can go wrong talking to Redis.
enum RedisClientError: Error, CustomStringConvertible {
    case connectionClosed
    case timeout
    case server(String)
    case unexpectedReply(String)

    var description: String {
        switch self {
        case .connectionClosed: "redis connection closed"
        case .timeout: "redis timeout"
        case .server(let message): "redis error: \(message)"
        case .unexpectedReply(let text): "unexpected redis reply: \(text)"
        }
    }
}
