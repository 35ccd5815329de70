import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

@testable import FlotillaGateway

/// WebSocket upgrade passthrough, with the Python `websockets` library on both ends: the 101 handshake (and the
/// subprotocol) goes through the gateway, then every frame both ways, large and many, in order.
@Suite("WebSocket upgrade passthrough")
struct WebSocketTests {
    static func config(websocketPort: Int, httpPort: Int) -> String {
        """
        _format_version: "3.0"
        services:
          - name: chat
            url: http://127.0.0.1:\(websocketPort)
            routes:
              - name: chat-route
                paths: [/ws]
          - name: plain
            url: http://127.0.0.1:\(httpPort)
            routes:
              - name: plain-route
                paths: [/plain]
        """
    }

    @Test("a stock client and server talk through the gateway: handshake, subprotocol, 1 MiB frame, 200 frames in order")
    func echoThroughTheGateway() async throws {
        let server = try await PythonWebSockets.startServer()
        let upstream = try await TestUpstream.start(name: "plain")
        let gateway = try await GatewayFixture.start(Self.config(websocketPort: server.port, httpPort: upstream.port))
        do {
            for _ in 0..<2 {
                let report = try await PythonWebSockets.runClient("ws://127.0.0.1:\(gateway.port)/ws")
                #expect(report["subprotocol"] as? String == "chat")
                #expect(report["text"] as? String == "hello through the gateway")
                #expect(report["big"] as? Bool == true)
                #expect(report["ordered"] as? Bool == true)
                #expect(report["closed_cleanly"] as? Bool == true)
            }
            // Ordinary requests keep working beside the tunnels.
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            let reply = try await client.send(.GET, "\(gateway.base)/plain/after")
            #expect(reply.status == 200)
            try await client.shutdown()
        } catch {
            Issue.record(error)
        }
        try await gateway.stop()
        try await upstream.stop()
        server.stop()
    }

    @Test("a tunnel whose upstream stays silent for read_timeout is closed; one that talks is not")
    func idleTunnelsClose() async throws {
        let server = try await PythonWebSockets.startServer()
        let gateway = try await GatewayFixture.start(
            """
            _format_version: "3.0"
            services:
              - name: chat
                url: http://127.0.0.1:\(server.port)
                read_timeout: 600
                routes:
                  - name: chat-route
                    paths: [/ws]
            """
        )
        do {
            let idle = try await PythonWebSockets.runClient("ws://127.0.0.1:\(gateway.port)/ws", idleSeconds: 5)
            #expect(idle["closed"] as? Bool == true, "\(idle)")
            let after = idle["after"] as? Double ?? 99
            #expect(after > 0.4 && after < 3, "closed after \(after) s")
            // A conversation longer than read_timeout in total, each answer within it, stays open.
            let busy = try await PythonWebSockets.runClient("ws://127.0.0.1:\(gateway.port)/ws")
            #expect(busy["ordered"] as? Bool == true, "\(busy)")
        } catch {
            Issue.record(error)
        }
        try await gateway.stop()
        server.stop()
    }

    @Test("an upstream that refuses the upgrade: its answer reaches the client, then the connection closes")
    func refusedUpgrade() async throws {
        let upstream = try await TestUpstream.start(name: "plain")
        let gateway = try await GatewayFixture.start(Self.config(websocketPort: upstream.port, httpPort: upstream.port))
        do {
            let request =
                "GET /ws/socket HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
            let raw = try await RawTCP.exchange(port: gateway.port, Array(request.utf8), timeout: .seconds(5))
            #expect(raw.hasPrefix("HTTP/1.1 200 OK"), "\(raw)")
            #expect(raw.lowercased().contains("connection: close"), "\(raw)")
            // The upstream was offered the upgrade (hop-by-hop headers are re-offered, not dropped).
            #expect(raw.contains(#""upgrade":"websocket""#), "\(raw)")
        } catch {
            Issue.record(error)
        }
        try await gateway.stop()
        try await upstream.stop()
    }
}
