import NIOCore
import NIOPosix

/// One active probe, as Kong's health checker sends it: a fresh connection, and for `http` a
/// `GET <http_path> HTTP/1.0` whose status line decides; the whole probe must finish within `timeout`.
struct HealthProbe: Sendable {
    let type: KongHealthChecks.CheckType
    let path: String
    let headers: [String: [String]]
    let timeout: Duration

    init(_ active: KongHealthChecks.Active) {
        self.type = active.type
        self.path = active.httpPath
        self.headers = active.headers
        self.timeout = active.timeout
    }

    func run(host: String, port: Int, group: any EventLoopGroup) async -> HealthOutcome {
        let limit = TimeAmount(timeout)
        let deadline = NIODeadline.now() + limit
        let status = group.any().makePromise(of: Int.self)
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(limit)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(StatusLineReader(status: status)) }
                }
                .connect(host: host, port: port)
                .get()
        } catch {
            status.fail(error)
            if case ChannelError.connectTimeout = error { return .timeout }
            return NIODeadline.now() >= deadline ? .timeout : .tcpFailure
        }
        defer { channel.close(promise: nil) }
        guard type == .http else {
            status.fail(ChannelError.alreadyClosed)
            return .connected
        }
        let expiry = channel.eventLoop.scheduleTask(deadline: deadline) { status.fail(ProbeTimedOut()) }
        defer { expiry.cancel() }
        channel.writeAndFlush(ByteBuffer(string: request(host: host, port: port)), promise: nil)
        do {
            return .status(try await status.futureResult.get())
        } catch is ProbeTimedOut {
            return .timeout
        } catch {
            return .tcpFailure
        }
    }

    private func request(host: String, port: Int) -> String {
        var text = "GET \(path) HTTP/1.0\r\n"
        if !headers.keys.contains(where: { $0.lowercased() == "host" }) { text += "Host: \(port == 80 ? host : "\(host):\(port)")\r\n" }
        for (name, values) in headers.sorted(by: { $0.key < $1.key }) {
            for value in values { text += "\(name): \(value)\r\n" }
        }
        text += "User-Agent: flotilla-gateway-healthcheck\r\nConnection: close\r\n\r\n"
        return text
    }
}

private struct ProbeTimedOut: Error {}

/// Reads the status line of a response (`HTTP/1.1 200 OK`) and completes the promise with its code.
private final class StatusLineReader: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let status: EventLoopPromise<Int>
    private var received = ""

    init(status: EventLoopPromise<Int>) { self.status = status }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received += String(buffer: unwrapInboundIn(data))
        guard let end = received.range(of: "\r\n") else {
            if received.utf8.count > 8192 { status.fail(ChannelError.inputClosed) }
            return
        }
        let parts = received[..<end.lowerBound].split(separator: " ", maxSplits: 2)
        if parts.count >= 2, parts[0].hasPrefix("HTTP/"), let code = Int(parts[1]), (100...999).contains(code) {
            status.succeed(code)
        } else {
            status.fail(ChannelError.inputClosed)
        }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        status.fail(ChannelError.inputClosed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        status.fail(error)
        context.close(promise: nil)
    }
}
