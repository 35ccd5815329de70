import NIOCore
import NIOHTTP1
import NIOPosix

/// Serves the admin API over HTTP/1.1 (bodies up to 4 MiB).
public enum AdminServer {
    public static func start(api: AdminAPI, host: String, port: Int, group: any EventLoopGroup) async throws -> any Channel {
        try await ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(AdminHandler(api: api))
                }
            }
            .bind(host: host, port: port)
            .get()
    }
}

/// Collects one admin request and answers it.
final class AdminHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let api: AdminAPI
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    private static let maxBody = 4 << 20

    init(api: AdminAPI) { self.api = api }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = context.channel.allocator.buffer(capacity: 0)
        case .body(var part):
            if (body?.readableBytes ?? 0) + part.readableBytes > Self.maxBody {
                context.close(promise: nil)
                return
            }
            body?.writeBuffer(&part)
        case .end:
            guard let head else { return }
            let text = body.map { String(buffer: $0) } ?? ""
            let api = self.api
            let promise = context.eventLoop.makePromise(of: AdminAPI.Response.self)
            promise.completeWithTask { await api.handle(method: head.method, path: head.uri, body: text) }
            let keepAlive = head.isKeepAlive
            promise.futureResult.assumeIsolated().whenSuccess { response in
                var headers = HTTPHeaders()
                if response.status != .noContent {
                    headers.add(name: "content-type", value: response.contentType)
                    headers.add(name: "content-length", value: String(response.body.utf8.count))
                }
                if !keepAlive { headers.add(name: "connection", value: "close") }
                context.write(
                    self.wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: response.status, headers: headers))),
                    promise: nil
                )
                context.write(self.wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: response.body)))), promise: nil)
                let done = context.writeAndFlush(self.wrapOutboundOut(.end(nil)))
                if !keepAlive { done.assumeIsolated().whenComplete { _ in context.close(promise: nil) } }
            }
            self.head = nil
            body = nil
        }
    }
}
