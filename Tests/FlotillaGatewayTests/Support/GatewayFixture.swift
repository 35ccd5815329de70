import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

@testable import FlotillaGateway

/// A gateway running in-process on a free port, with the configuration given as YAML text.
struct GatewayFixture {
    let server: GatewayServer
    let channel: GatewayListener
    let port: Int
    let configurationPath: String

    var base: String { "http://127.0.0.1:\(port)" }

    static func start(
        _ yaml: String,
        threads: Int = 1,
        plugins: PluginBuilding? = nil,
        options: (inout GatewayServerOptions) -> Void = { _ in }
    ) async throws -> GatewayFixture {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-\(UUID().uuidString).yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        let configuration = try GatewayConfigurationLoader.load(path: path, plugins: plugins)
        let runtime = GatewayRuntime(GatewaySnapshot(configuration), configurationPath: path, plugins: plugins)
        var serverOptions = GatewayServerOptions(
            host: "127.0.0.1",
            port: 0,
            threads: threads,
            dataPlane: .forTests,
            sendsThroughIOUring: GatewayServerOptions.sendsThroughIOUringForTests
        )
        options(&serverOptions)
        let server = GatewayServer(runtime: runtime, options: serverOptions)
        let channel = try await server.start()
        return GatewayFixture(server: server, channel: channel, port: channel.localAddress!.port!, configurationPath: path)
    }

    func stop() async throws {
        try await channel.close()
        try await server.shutdown()
        try? FileManager.default.removeItem(atPath: configurationPath)
    }
}

extension GatewayServerOptions {
    /// Whether the epoll plane sends through io_uring in the gateway tests: FLOTILLA_TEST_IO_URING (on or off), else
    /// on (the command's default). CI runs the gateway suites with it off too (send(2) per socket, as in a
    /// container whose seccomp profile refuses io_uring).
    static var sendsThroughIOUringForTests: Bool { ProcessInfo.processInfo.environment["FLOTILLA_TEST_IO_URING"] != "off" }
}

extension GatewayDataPlane {
    /// The data plane the gateway tests run on: FLOTILLA_TEST_DATA_PLANE (nio or epoll), else epoll (the
    /// command's default). CI runs the gateway suites on both.
    static var forTests: GatewayDataPlane {
        ProcessInfo.processInfo.environment["FLOTILLA_TEST_DATA_PLANE"].flatMap(GatewayDataPlane.init(rawValue:)) ?? .epoll
    }
}

/// A response as the tests look at it.
struct TestReply {
    var status: Int
    var headers: HTTPHeaders
    var body: String
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:] }
}

extension HTTPClient {
    /// Sends a request and collects the whole response.
    func send(_ method: HTTPMethod = .GET, _ url: String, headers: [(String, String)] = [], body: String? = nil) async throws -> TestReply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return TestReply(status: Int(response.status.code), headers: response.headers, body: String(buffer: bytes))
    }
}

/// Sends raw bytes over TCP and returns what comes back until the server closes (or `timeout`).
enum RawTCP {
    static func exchange(port: Int, _ bytes: [UInt8], timeout: TimeAmount = .seconds(5)) async throws -> String {
        try await exchangeUntilClosed(port: port, bytes, timeout: timeout).text
    }

    /// Sends `bytes` and collects what comes back until the peer closes or `timeout` passes; `closedByPeer` tells
    /// which (a test of a server-side timeout asserts the close, not how fast it came).
    static func exchangeUntilClosed(port: Int, _ bytes: [UInt8], timeout: TimeAmount) async throws -> (text: String, closedByPeer: Bool) {
        let reply = try await exchangeTimed(port: port, bytes, timeout: timeout)
        return (reply.text, reply.closedByPeer)
    }

    /// As `exchangeUntilClosed`, and when the first bytes came and when the peer closed (from the send).
    static func exchangeTimed(
        port: Int,
        _ bytes: [UInt8],
        timeout: TimeAmount
    ) async throws -> (text: String, closedByPeer: Bool, firstBytesAfter: Duration?, closedAfter: Duration?) {
        let collector = ResponseCollector()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) } }
            .connect(host: "127.0.0.1", port: port)
            .get()
        let sent = ContinuousClock.now
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
        let deadline = NIODeadline.now() + timeout
        var firstBytesAfter: Duration?
        while channel.isActive, NIODeadline.now() < deadline {
            if firstBytesAfter == nil, !collector.text.isEmpty { firstBytesAfter = ContinuousClock.now - sent }
            try await Task.sleep(for: .milliseconds(20))
        }
        let closedByPeer = !channel.isActive
        let closedAfter = closedByPeer ? ContinuousClock.now - sent : nil
        if firstBytesAfter == nil, !collector.text.isEmpty { firstBytesAfter = closedAfter }
        try? await channel.close()
        return (collector.text, closedByPeer, firstBytesAfter, closedAfter)
    }
}

final class ResponseCollector: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    private let received = NIOLockedValueBoxString()
    var text: String { received.value }
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received.append(String(buffer: unwrapInboundIn(data)))
    }
}

final class NIOLockedValueBoxString: Sendable {
    private let box = NIOLockedValueBox("")
    var value: String { box.withLockedValue { $0 } }
    func append(_ text: String) { box.withLockedValue { $0 += text } }
}
