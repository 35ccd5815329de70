import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// What a ``ScriptedUpstream`` answers to one request: raw bytes, written in parts with a pause between them (so
/// they reach the gateway in separate reads), then optionally the connection closes.
struct ScriptedAnswer: Sendable {
    var parts: [[UInt8]]
    var pause: TimeAmount = .milliseconds(50)
    var close = false

    init(_ text: String, close: Bool = false) {
        self.parts = [Array(text.utf8)]
        self.close = close
    }

    init(parts: [String], pause: TimeAmount = .milliseconds(50), close: Bool = false) {
        self.parts = parts.map { Array($0.utf8) }
        self.pause = pause
        self.close = close
    }
}

/// A request as a ``ScriptedUpstream`` read it (the head only: scripted upstreams serve requests without a body).
struct ScriptedRequest: Sendable {
    var method: String
    var path: String
    var head: String
}

/// A raw TCP upstream for tests of the gateway's wire layer: reads each request head and answers it with the bytes
/// its script gives (anything at all, valid HTTP or not), optionally closing. Counts connections and requests.
final class ScriptedUpstream: Sendable {
    let port: Int
    private let channel: any Channel
    private let counts: NIOLockedValueBox<Counts>

    struct Counts {
        var connections = 0
        var closed = 0
        var requests: [ScriptedRequest] = []
    }

    var connections: Int { counts.withLockedValue { $0.connections } }
    /// Connections closed so far (by either side).
    var closedConnections: Int { counts.withLockedValue { $0.closed } }
    var requests: [ScriptedRequest] { counts.withLockedValue { $0.requests } }

    static func start(_ script: @escaping @Sendable (ScriptedRequest) -> ScriptedAnswer) async throws -> ScriptedUpstream {
        let counts = NIOLockedValueBox(Counts())
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                counts.withLockedValue { $0.connections += 1 }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ScriptedUpstreamHandler(script: script, counts: counts))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return ScriptedUpstream(port: channel.localAddress!.port!, channel: channel, counts: counts)
    }

    private init(port: Int, channel: any Channel, counts: NIOLockedValueBox<Counts>) {
        self.port = port
        self.channel = channel
        self.counts = counts
    }

    func stop() async throws { try await channel.close() }
}

/// One connection of a ``ScriptedUpstream``: splits the bytes read into request heads and answers each.
private final class ScriptedUpstreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let script: @Sendable (ScriptedRequest) -> ScriptedAnswer
    private let counts: NIOLockedValueBox<ScriptedUpstream.Counts>
    private var received: [UInt8] = []

    init(script: @escaping @Sendable (ScriptedRequest) -> ScriptedAnswer, counts: NIOLockedValueBox<ScriptedUpstream.Counts>) {
        self.script = script
        self.counts = counts
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received += Array(unwrapInboundIn(data).readableBytesView)
        while let end = Self.endOfHead(received) {
            let head = String(decoding: received[..<end], as: UTF8.self)
            received.removeFirst(end)
            let requestLine = head.split(separator: "\r\n", maxSplits: 1).first.map { $0.split(separator: " ") } ?? []
            let request = ScriptedRequest(
                method: requestLine.first.map(String.init) ?? "",
                path: requestLine.count > 1 ? String(requestLine[1]) : "",
                head: head
            )
            counts.withLockedValue { $0.requests.append(request) }
            answer(script(request), context: context)
        }
    }

    private func answer(_ answer: ScriptedAnswer, context: ChannelHandlerContext, from index: Int = 0) {
        guard index < answer.parts.count else {
            if answer.close { context.close(promise: nil) }
            return
        }
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: answer.parts[index])), promise: nil)
        if index + 1 == answer.parts.count {
            self.answer(answer, context: context, from: index + 1)
            return
        }
        _ = context.eventLoop.assumeIsolated().scheduleTask(in: answer.pause) {
            self.answer(answer, context: context, from: index + 1)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        counts.withLockedValue { $0.closed += 1 }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private static func endOfHead(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4) where bytes[index..<index + 4].elementsEqual([13, 10, 13, 10]) { return index + 4 }
        return nil
    }
}
