import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// A small in-process HTTP upstream for proxy tests. Answers:
/// - `/status/{code}` with that status; `/slow/{ms}` after a delay; `/bytes/{n}` with n bytes, streamed;
/// - `/echo` streams the request body back; anything else: JSON with its name, the method, uri and headers.
/// `failing = true` makes every answer a 500. Counts connections and requests.
final class TestUpstream: Sendable {
    let name: String
    let port: Int
    private let channel: any Channel
    private let state: NIOLockedValueBox<State>

    struct State {
        var connections = 0
        var requests = 0
        var failing = false
    }

    var connections: Int { state.withLockedValue { $0.connections } }
    var requests: Int { state.withLockedValue { $0.requests } }
    var failing: Bool {
        get { state.withLockedValue { $0.failing } }
        set { state.withLockedValue { $0.failing = newValue } }
    }

    static func start(name: String) async throws -> TestUpstream {
        let shared = NIOLockedValueBox(State())
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                shared.withLockedValue { $0.connections += 1 }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(TestUpstreamHandler(name: name, state: shared))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return TestUpstream(name: name, port: channel.localAddress!.port!, channel: channel, state: shared)
    }

    private init(name: String, port: Int, channel: any Channel, state: NIOLockedValueBox<State>) {
        self.name = name
        self.port = port
        self.channel = channel
        self.state = state
    }

    func stop() async throws { try await channel.close() }
}

final class TestUpstreamHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let name: String
    let state: NIOLockedValueBox<TestUpstream.State>
    private var head: HTTPRequestHead?
    private var echoing = false
    private var received = 0

    init(name: String, state: NIOLockedValueBox<TestUpstream.State>) {
        self.name = name
        self.state = state
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            received = 0
            let failing = state.withLockedValue { state -> Bool in
                state.requests += 1
                return state.failing
            }
            echoing = head.uri.hasPrefix("/echo") && !failing
            if echoing {
                var headers = HTTPHeaders()
                headers.add(name: "transfer-encoding", value: "chunked")
                headers.add(name: "x-upstream", value: name)
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
            }
        case .body(let buffer):
            received += buffer.readableBytes
            if echoing { context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil) }
        case .end:
            guard let head else { return }
            if echoing {
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                return
            }
            respond(head, context: context)
        }
    }

    private func respond(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = head.uri.split(separator: "?").first.map(String.init) ?? head.uri
        let parts = path.split(separator: "/").map(String.init)
        if state.withLockedValue({ $0.failing }) {
            send(context, status: .internalServerError, body: "{\"name\":\"\(name)\",\"failing\":true}")
            return
        }
        if parts.count == 2, parts[0] == "status", let code = Int(parts[1]) {
            send(context, status: HTTPResponseStatus(statusCode: code), body: "{\"name\":\"\(name)\",\"status\":\(code)}")
            return
        }
        if parts.count == 2, parts[0] == "slow", let ms = Int64(parts[1]) {
            _ = context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(ms)) {
                self.send(context, status: .ok, body: "{\"name\":\"\(self.name)\",\"slow\":\(ms)}")
            }
            return
        }
        if parts.count == 2, parts[0] == "bytes", let count = Int(parts[1]) {
            var headers = HTTPHeaders()
            headers.add(name: "content-length", value: String(count))
            headers.add(name: "x-upstream", value: name)
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
            var remaining = count
            let chunk = ByteBuffer(repeating: UInt8(ascii: "x"), count: 64 * 1024)
            while remaining > 0 {
                let size = min(remaining, chunk.readableBytes)
                context.write(wrapOutboundOut(.body(.byteBuffer(chunk.getSlice(at: 0, length: size)!))), promise: nil)
                remaining -= size
            }
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            return
        }
        var headers: [String: String] = [:]
        for (headerName, value) in head.headers { headers[headerName.lowercased()] = value }
        let object: [String: Any] = ["name": name, "method": head.method.rawValue, "uri": head.uri, "headers": headers, "received": received]
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        send(context, status: .ok, body: String(decoding: data, as: UTF8.self))
    }

    private func send(_ context: ChannelHandlerContext, status: HTTPResponseStatus, body: String) {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/json")
        headers.add(name: "content-length", value: String(body.utf8.count))
        headers.add(name: "x-upstream", value: name)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
