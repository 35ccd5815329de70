import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A tiny HTTP/1.1 server on 127.0.0.1 (random port) that answers from a script and records
/// every request head it saw. Used to test the client against a real socket.
final class FlakyHTTPServer: Sendable {
    /// What to answer to request number `n` (1-based) with this head.
    typealias Script = @Sendable (_ n: Int, _ head: HTTPRequestHead) -> (status: HTTPResponseStatus, headers: HTTPHeaders, body: String)

    private let channel: any Channel
    private let log: RequestLog

    var port: Int { channel.localAddress!.port! }
    var baseURL: String { "http://127.0.0.1:\(port)" }
    var requestCount: Int { log.count }
    var seen: [HTTPRequestHead] { log.heads }

    private init(channel: any Channel, log: RequestLog) {
        self.channel = channel
        self.log = log
    }

    /// Starts a server answering by `script`.
    static func start(_ script: @escaping Script) async throws -> FlakyHTTPServer {
        let log = RequestLog()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(script: script, log: log))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return FlakyHTTPServer(channel: channel, log: log)
    }

    /// Answers `failures` requests with `status`, then 200 `ok`.
    static func failing(
        first failures: Int,
        with status: HTTPResponseStatus = .serviceUnavailable,
        headers: HTTPHeaders = [:]
    ) async throws -> FlakyHTTPServer {
        try await start { n, _ in n <= failures ? (status, headers, "fail \(n)") : (.ok, [:], "ok \(n)") }
    }

    func stop() async throws {
        try await channel.close()
    }

    /// Every request head the server received, in order.
    final class RequestLog: Sendable {
        private let storage = Mutex<[HTTPRequestHead]>([])
        init() {}
        /// Appends `head`; returns its 1-based number.
        func append(_ head: HTTPRequestHead) -> Int {
            storage.withLock {
                $0.append(head)
                return $0.count
            }
        }
        var count: Int { storage.withLock { $0.count } }
        var heads: [HTTPRequestHead] { storage.withLock { $0 } }
    }

    final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let script: Script
        let log: RequestLog
        var head: HTTPRequestHead?

        init(script: @escaping Script, log: RequestLog) {
            self.script = script
            self.log = log
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
            case .body:
                break
            case .end:
                guard let head else { return }
                let n = log.append(head)
                let (status, extraHeaders, body) = script(n, head)
                var headers = extraHeaders
                headers.replaceOrAdd(name: "Content-Length", value: String(body.utf8.count))
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                self.head = nil
            }
        }
    }
}
