import AsyncHTTPClient
import FlotillaTesting
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Testing

@testable import FlotillaGateway

extension RawResponse {
    /// The URI the test upstream says it received (its JSON answer escapes slashes).
    var upstreamURI: String? {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["uri"] as? String
    }
}

#if canImport(Glibc)
/// The epoll data plane next to the NIO plane: which requests it keeps, how a connection moves to NIO (its unread
/// bytes first), and that both planes' requests are counted. (Every other gateway suite runs on the plane
/// FLOTILLA_TEST_DATA_PLANE names, so both planes run all of them in CI.)
@Suite("Epoll data plane: plain requests without NIO's pipeline, everything else handed to NIO")
struct EpollDataPlaneTests {
    static func config(_ port: Int) -> String {
        """
        _format_version: "3.0"
        services:
          - name: backend
            url: http://127.0.0.1:\(port)
            routes:
              - name: plain
                paths: [/plain]
                strip_path: false
              - name: bytes
                paths: [/bytes]
                strip_path: false
              - name: limited
                paths: [/limited]
                strip_path: false
                plugins:
                  - name: rate-limiting
                    config: {hour: 1000}
        """
    }

    static func get(_ path: String, extra: String = "") -> String {
        "GET \(path) HTTP/1.1\r\nHost: gateway.test\r\n\(extra)\r\n"
    }

    static func start(_ port: Int, options: (inout GatewayServerOptions) -> Void = { _ in }) async throws -> GatewayFixture {
        try await GatewayFixture.start(config(port), threads: 2, plugins: .kong(PluginServices())) {
            $0.dataPlane = .epoll
            options(&$0)
        }
    }

    @Test("plain requests stay on the epoll plane, plugin routes too; a body moves the connection to NIO, which answers the rest")
    func handOffOnBody() async throws {
        let upstream = try await TestUpstream.start(name: "up")
        let gateway = try await Self.start(upstream.port)
        let client = try await RawClientConnection.connect(port: gateway.port)
        do {
            try await client.send(Self.get("/plain/one"))
            try await client.waitForResponses(1)
            try await client.send(Self.get("/plain/two"))
            let two = RawResponses.split(try await client.waitForResponses(2))
            #expect(two.map(\.status) == [200, 200])
            #expect(two.allSatisfy { $0.field("x-request-id")?.count == 32 })
            #expect(two.allSatisfy { $0.field("x-ratelimit-limit-hour") == nil })
            #expect(gateway.server.epollHandOffs == 0)

            try await client.send(Self.get("/limited/three"))
            let three = RawResponses.split(try await client.waitForResponses(3))
            #expect(three[2].status == 200)
            #expect(three[2].field("x-ratelimit-limit-hour") == "1000")
            #expect(three[2].field("x-ratelimit-remaining-hour") == "999")
            #expect(gateway.server.epollHandOffs == 0)

            try await client.send("POST /limited/body HTTP/1.1\r\nHost: gateway.test\r\nContent-Length: 4\r\n\r\nbody")
            let body = RawResponses.split(try await client.waitForResponses(4))
            #expect(body[3].status == 200)
            #expect(body[3].field("x-ratelimit-remaining-hour") == "998")
            #expect(gateway.server.epollHandOffs == 1)

            try await client.send(Self.get("/plain/five"))
            let five = RawResponses.split(try await client.waitForResponses(5))
            #expect(five[4].status == 200)
            #expect(five[4].upstreamURI == "/plain/five")
            #expect(gateway.server.epollHandOffs == 1)
            #expect(upstream.connections >= 1)

            let metrics = await gateway.server.metrics()
            let counted = metrics.requests.filter { $0.key.status == 200 }.values.reduce(0, +)
            #expect(counted == 5)
        } catch {
            Issue.record(error)
        }
        await client.close()
        try await gateway.stop()
    }

    @Test("pipelined requests in one write, plain and not, are answered in order")
    func pipelinedMixedRequests() async throws {
        let upstream = try await TestUpstream.start(name: "up")
        let gateway = try await Self.start(upstream.port)
        let client = try await RawClientConnection.connect(port: gateway.port)
        do {
            try await client.send(Self.get("/plain/a") + Self.get("/limited/b") + Self.get("/plain/c"))
            let responses = RawResponses.split(try await client.waitForResponses(3))
            #expect(responses.map(\.status) == [200, 200, 200])
            #expect(responses[0].upstreamURI == "/plain/a")
            #expect(responses[1].upstreamURI == "/limited/b")
            #expect(responses[1].field("x-ratelimit-limit-hour") == "1000")
            #expect(responses[2].upstreamURI == "/plain/c")
            #expect(responses[0].field("x-ratelimit-limit-hour") == nil)
        } catch {
            Issue.record(error)
        }
        await client.close()
        try await gateway.stop()
    }

    @Test("a head that arrives in pieces, a body, HTTP/1.0 and a malformed line all go to NIO and get its answers")
    func notPlainRequests() async throws {
        let upstream = try await TestUpstream.start(name: "up")
        let gateway = try await Self.start(upstream.port)
        do {
            let pieces = try await RawClientConnection.connect(port: gateway.port)
            try await pieces.send("GET /plain/pie")
            try await Task.sleep(for: .milliseconds(50))
            try await pieces.send("ces HTTP/1.1\r\nHost: gateway.test\r\n\r\n")
            let answer = RawResponses.split(try await pieces.waitForResponses(1))
            #expect(answer.first?.status == 200)
            #expect(answer.first?.upstreamURI == "/plain/pieces")
            await pieces.close()

            let http = HTTPClient(eventLoopGroupProvider: .singleton)
            let echoed = try await http.send(.POST, "\(gateway.base)/plain/echo", body: "a body for the upstream")
            #expect(echoed.status == 200)
            try await http.shutdown()

            let old = try await RawTCP.exchange(port: gateway.port, Array("GET /plain/old HTTP/1.0\r\n\r\n".utf8))
            #expect(old.hasPrefix("HTTP/1.1 200"))
            let bad = try await RawTCP.exchange(port: gateway.port, Array("GET /plain HTTP/1.1\r\nHost: x\r\nBad Name: 1\r\n\r\n".utf8))
            #expect(bad.hasPrefix("HTTP/1.1 400"))
            #expect(gateway.server.epollHandOffs == 4)
        } catch {
            Issue.record(error)
        }
        try await gateway.stop()
    }

    @Test(
        "a flood of pipelined requests, many reads long, is answered whole and in order: proxied ones, then ones a plugin refuses at once",
        arguments: [false, true]
    )
    func pipelinedFlood(refusedAtTheEnd: Bool) async throws {
        // The descriptors are edge-triggered: a read that fills its room is followed by another until the socket is
        // empty, or reads pause (64 KiB unanswered) and resume when the requests before are answered. A request
        // that is never read here would leave the client waiting.
        let upstream = try await TestUpstream.start(name: "up")
        let gateway = try await Self.start(upstream.port)
        let client = try await RawClientConnection.connect(port: gateway.port)
        do {
            // rate-limiting allows 1,000 an hour on /limited: the rest are refused on the loop, without waiting.
            let count = refusedAtTheEnd ? 1_400 : 2_000
            let path = refusedAtTheEnd ? "/limited/" : "/plain/"
            let requests = (0..<count).map { Self.get("\(path)\($0)") }.joined()
            #expect(requests.utf8.count > 64 * 1024)
            try await client.send(requests)
            let text = try await client.waitForStatusLines(count, timeout: .seconds(60))
            let responses = RawResponses.split(text)
            #expect(responses.count == count)
            let proxied = refusedAtTheEnd ? 1_000 : count
            #expect(responses.prefix(proxied).map(\.upstreamURI) == (0..<proxied).map { "\(path)\($0)" })
            #expect(responses.dropFirst(proxied).allSatisfy { $0.status == 429 })
            #expect(gateway.server.epollHandOffs == 0)
        } catch {
            Issue.record(error)
        }
        await client.close()
        try await gateway.stop()
    }

    /// An upstream that answers with a close-delimited body and closes, the body and the close in one TCP segment
    /// (`TCP_CORK` holds the bytes until `shutdown` sends them with the FIN): epoll reports the bytes and the close
    /// in one edge-triggered event.
    static let corkedUpstream = """
        import socket, sys
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", int(sys.argv[1])))
        server.listen(16)
        while True:
            connection, _ = server.accept()
            data = b""
            while b"\\r\\n\\r\\n" not in data:
                chunk = connection.recv(65536)
                if not chunk:
                    break
                data += chunk
            if data:
                connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 1)
                connection.sendall(b"HTTP/1.1 200 OK\\r\\nContent-Type: text/plain\\r\\n\\r\\nall of it")
                connection.shutdown(socket.SHUT_WR)
            connection.close()
        """

    @Test("an upstream's last bytes and its close in one segment: the body ends at the close, long before read_timeout")
    func closeInTheSameSegment() async throws {
        let port = try FreePort.next()
        let upstream = try await PythonServer.start(port: port, ["-c", Self.corkedUpstream, String(port)])
        let yaml = """
            _format_version: "3.0"
            services:
              - name: corked
                url: http://127.0.0.1:\(port)
                read_timeout: 60000
                routes:
                  - name: corked
                    paths: [/corked]
            """
        let gateway = try await GatewayFixture.start(yaml, threads: 2, plugins: .kong(PluginServices())) { $0.dataPlane = .epoll }
        do {
            for _ in 0..<3 {
                let client = try await RawClientConnection.connect(port: gateway.port)
                try await client.send(Self.get("/corked/x"))
                // Missed, the close would end the response only at read_timeout, a minute later.
                let text = try await client.waitForClose(timeout: .seconds(10))
                #expect(RawResponses.whole(text)?.body == "all of it", "\(text.debugDescription)")
                await client.close()
            }
            #expect(gateway.server.epollHandOffs == 0)
        } catch {
            Issue.record(error)
        }
        try await gateway.stop()
        upstream.stop()
    }

    @Test("a large response reaches a client whole through the epoll plane (writes that do not fit wait for the client)")
    func largeResponse() async throws {
        let upstream = try await TestUpstream.start(name: "up")
        let gateway = try await Self.start(upstream.port)
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let reply = try await http.send(.GET, "\(gateway.base)/bytes/\(8 << 20)")
            #expect(reply.status == 200)
            #expect(reply.body.utf8.count == 8 << 20)
            #expect(gateway.server.epollHandOffs == 0)
        } catch {
            Issue.record(error)
        }
        try await http.shutdown()
        try await gateway.stop()
    }

    @Test("a kept-alive upstream connection found closed is replaced once, on the epoll plane; a new one closing is a 502")
    func staleUpstreamConnection() async throws {
        let seen = NIOLockedValueBox(0)
        let upstream = try await ScriptedUpstream.start { request in
            if request.path == "/plain/close-once" {
                let count = seen.withLockedValue { count in
                    count += 1
                    return count
                }
                if count == 1 { return ScriptedAnswer("", close: true) }
            }
            if request.path == "/plain/close-always" { return ScriptedAnswer("", close: true) }
            return ScriptedAnswer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        }
        let gateway = try await Self.start(upstream.port)
        let client = try await RawClientConnection.connect(port: gateway.port)
        do {
            try await client.send(Self.get("/plain/ok"))
            try await client.waitForResponses(1)
            try await client.send(Self.get("/plain/close-once"))
            try await client.waitForResponses(2)
            try await client.send(Self.get("/plain/close-always"))
            let responses = RawResponses.split(try await client.waitForResponses(3))
            #expect(responses.map(\.status) == [200, 200, 502])
            // close-always went first on the kept-alive connection of close-once's retry (stale: sent again), then on
            // a new one, which closing made the 502.
            #expect(
                upstream.requests.map(\.path) == [
                    "/plain/ok", "/plain/close-once", "/plain/close-once", "/plain/close-always", "/plain/close-always",
                ]
            )
            #expect(gateway.server.epollHandOffs == 0)
        } catch {
            Issue.record(error)
        }
        await client.close()
        try await gateway.stop()
    }

    @Test("an upstream host name is resolved in the background: its first request goes to NIO, later ones stay")
    func hostNames() async throws {
        let upstream = try await TestUpstream.start(name: "up")
        let gateway = try await GatewayFixture.start(
            Self.config(upstream.port).replacingOccurrences(of: "127.0.0.1", with: "localhost"),
            threads: 1,
            plugins: .kong(PluginServices())
        ) { $0.dataPlane = .epoll }
        // The test upstream listens on 127.0.0.1: if "localhost" first resolves to ::1 here, the epoll plane's
        // connect fails and that request, too, goes to NIO (which tries every address).
        let reachable = (try? SocketAddress.makeAddressResolvingHost("localhost", port: 0))?.protocol == .inet
        do {
            let first = try await RawTCP.exchange(port: gateway.port, Array(Self.get("/plain/one", extra: "Connection: close\r\n").utf8))
            #expect(first.hasPrefix("HTTP/1.1 200"))
            #expect(gateway.server.epollHandOffs == 1)
            try await Task.sleep(for: .milliseconds(300))
            let second = try await RawTCP.exchange(port: gateway.port, Array(Self.get("/plain/two", extra: "Connection: close\r\n").utf8))
            #expect(second.hasPrefix("HTTP/1.1 200"))
            #expect(gateway.server.epollHandOffs == (reachable ? 1 : 2))
        } catch {
            Issue.record(error)
        }
        try await gateway.stop()
    }

    @Test("an idle kept-alive connection on the epoll plane is closed after idleTimeout")
    func idleTimeout() async throws {
        let upstream = try await TestUpstream.start(name: "up")
        let gateway = try await Self.start(upstream.port) { $0.idleTimeout = .seconds(3) }
        let client = try await RawClientConnection.connect(port: gateway.port)
        do {
            try await client.send(Self.get("/plain/x"))
            try await client.waitForResponses(1)
            try await client.waitForClose(timeout: .seconds(10))
            #expect(client.isClosed)
        } catch {
            Issue.record(error)
        }
        await client.close()
        try await gateway.stop()
    }

    @Test("a second gateway on a port someone listens on fails to start, as on the NIO plane (SO_REUSEPORT shares only among its own loops)")
    func portInUse() async throws {
        let upstream = try await TestUpstream.start(name: "up")
        let first = try await Self.start(upstream.port)
        await #expect(throws: (any Error).self) {
            let second = try await Self.start(upstream.port) { $0.port = first.port }
            try await second.stop()
        }
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let reply = try await http.send(.GET, "\(first.base)/plain/still-mine")
        #expect(reply.status == 200)
        try await http.shutdown()
        try await first.stop()
    }

    @Test("after the listener closes, new connections are refused while the gateway stops")
    func closingTheListener() async throws {
        let upstream = try await TestUpstream.start(name: "up")
        let gateway = try await Self.start(upstream.port)
        try await gateway.channel.close()
        await #expect(throws: (any Error).self) {
            let client = try await RawClientConnection.connect(port: gateway.port)
            try await client.send(Self.get("/plain/late"))
            try await client.waitForResponses(1, headOnly: [])
        }
        try await gateway.server.shutdown()
    }
}
#endif
