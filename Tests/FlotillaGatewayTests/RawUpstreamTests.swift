import NIOCore
import Testing

@testable import FlotillaGateway

/// The gateway's raw-bytes data plane end to end: a real gateway in front of a ``ScriptedUpstream`` that answers
/// with exactly the bytes a test chooses (broken ones too), and a raw client that sees exactly what the gateway
/// sends back. `read_timeout` is a minute, far beyond every wait here: an upstream's close the gateway failed to see
/// (its last bytes and its close reported in one edge-triggered event) would show as a test timing out, not be
/// covered by the read timeout closing the connection a little later.
@Suite("Raw upstream responses through the gateway")
struct RawUpstreamTests {
    static func config(_ port: Int) -> String {
        """
        _format_version: "3.0"
        services:
          - name: scripted
            url: http://127.0.0.1:\(port)
            read_timeout: 60000
            routes:
              - name: scripted-route
                paths: [/raw]
              - name: filtered-route
                paths: [/filtered]
                plugins:
                  - name: correlation-id
                    config:
                      header_name: X-Correlation-ID
                      echo_downstream: true
        """
    }

    static let kongBadGateway = #"{"message":"An invalid response was received from the upstream server"}"#
    static let chunkedBody =
        "4;name=value\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n1a\nabcdefghijklmnopqrstuvwxyz\n0\r\nExpires: never\r\nX-Trailer: y\r\n\r\n"
    static let chunkedData = "Wikipedia in\r\n\r\nchunks.abcdefghijklmnopqrstuvwxyz"

    /// Upstream answers that are not valid HTTP, by the path that asks for them.
    static let invalidAnswers: [String: String] = [
        "crlf": "HTTP/1.1 200 OK\r\nX-A: a\rSet-Cookie: injected=1\r\nContent-Length: 2\r\n\r\nok",
        "nul": "HTTP/1.1 200 OK\r\nX-A: a\u{0}b\r\nContent-Length: 2\r\n\r\nok",
        "badname": "HTTP/1.1 200 OK\r\nX A: b\r\nContent-Length: 2\r\n\r\nok",
        "fold": "HTTP/1.1 200 OK\r\nX-A: a\r\n folded\r\nContent-Length: 2\r\n\r\nok",
        "clte": "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
        "conflict": "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok",
        "badstatus": "HTTP/1.1 2OO OK\r\nContent-Length: 2\r\n\r\nok",
        "notHTTP": "SSH-2.0-OpenSSH_9.6\r\n\r\n",
        "badchunk": "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nok\r\n0\r\n\r\n",
    ]

    static func answer(_ request: ScriptedRequest) -> ScriptedAnswer {
        let name = request.path.split(separator: "/").last.map(String.init) ?? ""
        if let invalid = invalidAnswers[name] { return ScriptedAnswer(invalid) }
        switch name {
        case "chunked":
            let whole = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: Expires\r\nX-Upstream: scripted\r\n\r\n" + chunkedBody
            let cuts = [40, 81, 97, 130]
            let bytes = Array(whole.utf8)
            let parts = zip([0] + cuts, cuts + [bytes.count]).map { String(decoding: bytes[$0..<$1], as: UTF8.self) }
            return ScriptedAnswer(parts: parts, pause: .milliseconds(20))
        case "close":
            return ScriptedAnswer(
                parts: ["HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall ", "of ", "it"],
                pause: .milliseconds(20),
                close: true
            )
        case "head":
            let head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n"
            return ScriptedAnswer(request.method == "HEAD" ? head : head + "hello")
        case "extra":
            return ScriptedAnswer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale")
        case "extra-later":
            return ScriptedAnswer(parts: ["HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale"])
        case "early":
            return ScriptedAnswer(
                parts: [
                    "HTTP/1.1 100 Continue\r\n\r\n",
                    "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\nX-Final: yes\r\nContent-Length: 2\r\n\r\nok",
                ],
                pause: .milliseconds(20)
            )
        case "badchunk-later":
            return ScriptedAnswer(
                parts: ["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n", "zz\r\nok\r\n0\r\n\r\n"],
                pause: .milliseconds(100)
            )
        case "unasked-upgrade":
            return ScriptedAnswer("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
        case "silent-close":
            return ScriptedAnswer(parts: [], close: true)
        case "cut-short":
            return ScriptedAnswer(parts: ["HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234"], close: true)
        case "head-chunked":
            return ScriptedAnswer(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + (request.method == "HEAD" ? "" : "5\r\nhello\r\n0\r\n\r\n")
            )
        case "named-request-id":
            return ScriptedAnswer("HTTP/1.1 200 OK\r\nConnection: X-Request-ID\r\nX-Request-ID: upstream-id\r\nContent-Length: 2\r\n\r\nok")
        case "gzip-close":
            return ScriptedAnswer(parts: ["HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nGZ", "DATA"], pause: .milliseconds(20), close: true)
        case "named-length":
            return ScriptedAnswer("HTTP/1.1 200 OK\r\nConnection: content-length\r\nContent-Length: 2\r\n\r\nok")
        default:
            return ScriptedAnswer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        }
    }

    /// A scripted upstream, a gateway in front of it, and one raw client connection to the gateway.
    static func withGateway(_ body: (ScriptedUpstream, GatewayFixture, RawClientConnection) async throws -> Void) async throws {
        let upstream = try await ScriptedUpstream.start(Self.answer)
        let gateway = try await GatewayFixture.start(Self.config(upstream.port), plugins: .kong(PluginServices()))
        let client = try await RawClientConnection.connect(port: gateway.port)
        do {
            try await body(upstream, gateway, client)
        } catch {
            Issue.record(error)
        }
        await client.close()
        try await gateway.stop()
        try await upstream.stop()
    }

    /// A new client connection gets `/raw/ok` answered over a second upstream connection (the broken one was not
    /// reused).
    static func expectNextClientServedOnANewUpstreamConnection(_ gateway: GatewayFixture, _ upstream: ScriptedUpstream) async throws {
        let next = try await RawClientConnection.connect(port: gateway.port)
        try await next.send(get("/raw/ok"))
        let ok = RawResponses.split(try await next.waitForResponses(1))
        #expect(ok.first?.body == "ok")
        #expect(upstream.connections == 2)
        await next.close()
    }

    static func get(_ path: String, method: String = "GET", version: String = "1.1") -> String {
        "\(method) \(path) HTTP/\(version)\r\nHost: gateway\r\n\r\n"
    }

    // MARK: Invalid upstream responses

    @Test(
        "an invalid upstream head is a 502 with Kong's body, not retried; the next request gets a new upstream connection",
        arguments: ["crlf", "nul", "badname", "fold", "clte", "conflict", "badstatus", "notHTTP"]
    )
    func invalidHead(_ name: String) async throws {
        try await Self.withGateway { upstream, gateway, client in
            try await client.send(Self.get("/raw/\(name)"))
            try await client.waitForResponses(1)
            try await client.send(Self.get("/raw/ok"))
            let responses = RawResponses.split(try await client.waitForResponses(2))
            #expect(responses.count == 2)
            #expect(responses[0].status == 502, "\(responses[0].head)")
            #expect(responses[0].body == Self.kongBadGateway)
            #expect(responses[0].field("content-type") == "application/json; charset=utf-8")
            #expect(!responses[0].head.lowercased().contains("injected"))
            #expect(responses[1].status == 200)
            #expect(responses[1].body == "ok")
            #expect(upstream.requests.map(\.path) == ["/\(name)", "/ok"])
            #expect(upstream.connections == 2)
            #expect(!client.isClosed)
        }
    }

    @Test("bad chunking in the same read as the head: the client gets Kong's 502, not a 200 cut short; the next request works")
    func badChunkInFirstRead() async throws {
        try await Self.withGateway { upstream, gateway, client in
            try await client.send(Self.get("/raw/badchunk"))
            let text = try await client.waitUntil { RawResponses.split($0).count == 1 || client.isClosed }
            #expect(!text.contains("200 OK"))
            #expect(!text.contains("zz"))
            // The head is still held (not written) when the chunk size is found bad in the same read, so the client
            // gets the 502 instead of a 200 cut short.
            let first = RawResponses.split(text).first
            #expect(first?.status == 502, "received: \(text.debugDescription), closed: \(client.isClosed)")
            #expect(first?.body == Self.kongBadGateway)
            try await Self.expectNextClientServedOnANewUpstreamConnection(gateway, upstream)
        }
    }

    @Test("bad chunking after the head went out: the client connection closes with the body cut short; the next request works")
    func badChunkLater() async throws {
        try await Self.withGateway { upstream, gateway, client in
            try await client.send(Self.get("/raw/badchunk-later"))
            let text = try await client.waitForClose()
            #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(text.debugDescription)")
            #expect(text.hasSuffix("\r\n\r\n4\r\nWiki\r\n"), "\(text.debugDescription)")
            #expect(!text.contains("zz"))
            try await Self.expectNextClientServedOnANewUpstreamConnection(gateway, upstream)
        }
    }

    // MARK: Bodies

    @Test("a chunked response reaches an HTTP/1.1 client byte for byte, chunk framing and trailers kept")
    func chunkedToHTTP11() async throws {
        try await Self.withGateway { upstream, gateway, client in
            try await client.send(Self.get("/raw/chunked"))
            let text = try await client.waitUntil { $0.hasSuffix(Self.chunkedBody) }
            let head = try #require(RawResponses.whole(text))
            #expect(head.body == Self.chunkedBody)
            #expect(head.statusLine == "HTTP/1.1 200 OK")
            #expect(head.field("transfer-encoding") == "chunked")
            #expect(head.field("x-upstream") == "scripted")
            #expect(head.field("trailer") == nil)
            #expect(head.field("connection") == nil)
            // The connection is still in step: the next response follows.
            try await client.send(Self.get("/raw/ok"))
            let after = try await client.waitUntil { $0.hasSuffix("\r\n\r\nok") }
            #expect(after.count > text.count)
            #expect(String(after.dropFirst(text.count)).hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(upstream.connections == 1)
        }
    }

    @Test("a chunked response reaches an HTTP/1.0 client decoded, with Connection: close")
    func chunkedToHTTP10() async throws {
        try await Self.withGateway { _, _, client in
            try await client.send(Self.get("/raw/chunked", version: "1.0"))
            let text = try await client.waitForClose()
            let head = try #require(RawResponses.whole(text))
            #expect(head.body == Self.chunkedData)
            #expect(head.status == 200)
            #expect(head.field("transfer-encoding") == nil)
            #expect(head.field("connection") == "close")
            #expect(head.field("x-upstream") == "scripted")
        }
    }

    @Test("a close-delimited body reaches the client whole, and the client connection closes after it")
    func closeDelimited() async throws {
        try await Self.withGateway { upstream, gateway, client in
            try await client.send(Self.get("/raw/close"))
            let text = try await client.waitForClose()
            let head = try #require(RawResponses.whole(text))
            #expect(head.body == "all of it")
            #expect(head.field("connection") == "close")
            #expect(head.field("content-length") == nil)
            #expect(upstream.connections == 1)
        }
    }

    // MARK: HEAD

    @Test("HEAD to an upstream answering with Content-Length: no body, and the connections stay usable")
    func headRequest() async throws {
        try await Self.withGateway { upstream, gateway, client in
            try await client.send(Self.get("/raw/head", method: "HEAD"))
            let first = try await client.waitUntil { $0.contains("\r\n\r\n") }
            try await client.send(Self.get("/raw/head"))
            let text = try await client.waitForResponses(2, headOnly: [0])
            let responses = RawResponses.split(text, headOnly: [0])
            #expect(responses.count == 2)
            #expect(responses[0].status == 200)
            #expect(responses[0].field("content-length") == "5")
            #expect(text.hasPrefix(responses[0].head + "\r\n\r\nHTTP/1.1 200 OK\r\n"), "\(first.debugDescription)")
            #expect(responses[1].body == "hello")
            #expect(text.hasSuffix("\r\n\r\nhello"))
            #expect(upstream.requests.map(\.method) == ["HEAD", "GET"])
            #expect(upstream.connections == 1)
        }
    }

    @Test("the gateway's own error answering HEAD (404 no route) has no body")
    func gatewayErrorOnHead() async throws {
        try await Self.withGateway { _, _, client in
            try await client.send(Self.get("/nowhere", method: "HEAD"))
            try await client.waitUntil { $0.contains("\r\n\r\n") }
            try await client.send(Self.get("/nowhere"))
            let text = try await client.waitForResponses(2, headOnly: [0])
            let responses = RawResponses.split(text, headOnly: [0])
            #expect(responses.count == 2)
            #expect(responses[0].status == 404)
            #expect(text.hasPrefix(responses[0].head + "\r\n\r\nHTTP/1.1 404 "), "\(text.debugDescription)")
            #expect(responses[1].body == #"{"message":"no Route matched with those values"}"#)
            #expect(responses[0].field("content-length") == String(responses[1].body.utf8.count))
            #expect(!client.isClosed)
        }
    }

    // MARK: Connection reuse

    @Test("bytes after a complete response: the client gets just the response, and that upstream connection is not reused")
    func extraBytesSameRead() async throws {
        try await Self.withGateway { upstream, gateway, client in
            try await client.send(Self.get("/raw/ok"))
            try await client.waitForResponses(1)
            try await client.send(Self.get("/raw/ok"))
            try await client.waitForResponses(2)
            #expect(upstream.connections == 1)
            try await client.send(Self.get("/raw/extra"))
            try await client.waitForResponses(3)
            try await client.send(Self.get("/raw/ok"))
            let text = try await client.waitForResponses(4)
            let responses = RawResponses.split(text)
            #expect(responses.map(\.body) == ["ok", "ok", "ok", "ok"])
            #expect(!text.contains("stale"))
            #expect(upstream.connections == 2)
            #expect(upstream.requests.count == 4)
        }
    }

    @Test("bytes arriving on an idle pooled connection: it is closed and the next request uses a new one")
    func extraBytesWhileIdle() async throws {
        try await Self.withGateway { upstream, gateway, client in
            try await client.send(Self.get("/raw/extra-later"))
            try await client.waitForResponses(1)
            _ = try await client.waitUntil { _ in upstream.closedConnections == 1 }
            try await client.send(Self.get("/raw/ok"))
            let text = try await client.waitForResponses(2)
            #expect(RawResponses.split(text).map(\.body) == ["ok", "ok"])
            #expect(!text.contains("stale"))
            #expect(upstream.connections == 2)
        }
    }

    // MARK: Interim responses

    @Test("100 Continue and 103 Early Hints before the final response are not forwarded")
    func interimResponses() async throws {
        try await Self.withGateway { _, _, client in
            try await client.send(Self.get("/raw/early"))
            try await client.waitForResponses(1)
            try await client.send(Self.get("/raw/ok"))
            let text = try await client.waitForResponses(2)
            let responses = RawResponses.split(text)
            #expect(responses.map(\.status) == [200, 200])
            #expect(responses[0].field("x-final") == "yes")
            #expect(responses[0].field("link") == nil)
            #expect(responses.map(\.body) == ["ok", "ok"])
            #expect(!text.contains("100 Continue"))
            #expect(!text.contains("Early Hints"))
        }
    }

    // MARK: Framing fields

    @Test("Content-Length named in the upstream's Connection field still reaches the client")
    func framingFieldNamedInConnection() async throws {
        try await Self.withGateway { _, _, client in
            try await client.send(Self.get("/raw/named-length"))
            try await client.send(Self.get("/raw/ok"))
            let text = try await client.waitForResponses(2)
            let responses = RawResponses.split(text)
            #expect(responses.first?.field("content-length") == "2")
            #expect(responses.map(\.body) == ["ok", "ok"])
        }
    }

    @Test("an X-Request-ID the upstream's Connection field names is dropped, and the client gets the gateway's id")
    func requestIDNamedInConnection() async throws {
        try await Self.withGateway { upstream, _, client in
            try await client.send(Self.get("/raw/named-request-id"))
            let response = try #require(RawResponses.split(try await client.waitForResponses(1)).first)
            let sentUp = try #require(upstream.requests.first)
            let upstreamSaw = sentUp.head.components(separatedBy: "\r\n").first { $0.lowercased().hasPrefix("x-request-id:") }
            #expect(response.field("x-request-id") != "upstream-id")
            #expect(response.field("x-request-id").map { "x-request-id: \($0)" } == upstreamSaw?.lowercased())
            #expect(response.body == "ok")
        }
    }

    // MARK: More upstream failures

    @Test("a 101 to a request that asked for no upgrade is a 502; the next request works")
    func unaskedUpgrade() async throws {
        try await Self.withGateway { upstream, _, client in
            try await client.send(Self.get("/raw/unasked-upgrade"))
            try await client.waitForResponses(1)
            try await client.send(Self.get("/raw/ok"))
            let responses = RawResponses.split(try await client.waitForResponses(2))
            #expect(responses.map(\.status) == [502, 200])
            #expect(responses.first?.body == Self.kongBadGateway)
            #expect(upstream.connections == 2)
        }
    }

    @Test("an upstream closing without an answer is a 502")
    func silentClose() async throws {
        try await Self.withGateway { _, _, client in
            try await client.send(Self.get("/raw/silent-close"))
            try await client.send(Self.get("/raw/ok"))
            let responses = RawResponses.split(try await client.waitForResponses(2))
            #expect(responses.map(\.status) == [502, 200])
            #expect(responses.first?.body == Self.kongBadGateway)
        }
    }

    @Test("an upstream closing inside a Content-Length body: the client connection closes with the body short")
    func cutShort() async throws {
        try await Self.withGateway { _, _, client in
            try await client.send(Self.get("/raw/cut-short"))
            let text = try await client.waitForClose()
            if let response = RawResponses.whole(text) {
                #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
                let body = response.body
                #expect(body.count < 10 && "0123456789".hasPrefix(body), "\(text.debugDescription)")
            } else {
                #expect(text.isEmpty, "\(text.debugDescription)")
            }
        }
    }

    @Test("HEAD to an upstream answering chunked: no body, and the connection stays usable")
    func headChunked() async throws {
        try await Self.withGateway { upstream, _, client in
            try await client.send(Self.get("/raw/head-chunked", method: "HEAD"))
            try await client.waitUntil { $0.contains("\r\n\r\n") }
            try await client.send(Self.get("/raw/head-chunked"))
            let text = try await client.waitUntil { $0.hasSuffix("5\r\nhello\r\n0\r\n\r\n") }
            let parts = text.components(separatedBy: "\r\n\r\n")
            // HEAD's head, GET's head, the chunked body (its last chunk and the end of its trailers), nothing after.
            #expect(parts.count == 4, "\(text.debugDescription)")
            #expect(parts.dropFirst(2) == ["5\r\nhello\r\n0", ""])
            #expect(parts.first?.hasPrefix("HTTP/1.1 200 OK\r\n") == true)
            #expect(parts.dropFirst().first?.hasPrefix("HTTP/1.1 200 OK\r\n") == true, "\(text.debugDescription)")
            #expect(upstream.connections == 1)
        }
    }

    // MARK: Heads rebuilt by a header-filtering plugin

    @Test("through a header-filtering plugin, a chunked body still reaches an HTTP/1.1 client byte for byte")
    func chunkedThroughPluginHTTP11() async throws {
        try await Self.withGateway { _, _, client in
            try await client.send("GET /filtered/chunked HTTP/1.1\r\nHost: gateway\r\nX-Correlation-ID: corr-1\r\n\r\n")
            let text = try await client.waitUntil { $0.hasSuffix(Self.chunkedBody) }
            let head = try #require(RawResponses.whole(text))
            #expect(head.body == Self.chunkedBody)
            #expect(head.field("x-correlation-id") == "corr-1")
            #expect(head.field("transfer-encoding") == "chunked")
            #expect(head.field("content-length") == nil)
            #expect(head.field("trailer") == nil)
            try await client.send(Self.get("/filtered/ok"))
            let after = try await client.waitUntil { $0.hasSuffix("\r\n\r\nok") }
            #expect(String(after.dropFirst(text.count)).hasPrefix("HTTP/1.1 200 OK\r\n"))
        }
    }

    @Test("through a header-filtering plugin, a chunked body reaches an HTTP/1.0 client decoded")
    func chunkedThroughPluginHTTP10() async throws {
        try await Self.withGateway { _, _, client in
            try await client.send("GET /filtered/chunked HTTP/1.0\r\nHost: gateway\r\nX-Correlation-ID: corr-2\r\n\r\n")
            let text = try await client.waitForClose()
            let head = try #require(RawResponses.whole(text))
            #expect(head.body == Self.chunkedData)
            #expect(head.field("x-correlation-id") == "corr-2")
            #expect(head.field("transfer-encoding") == nil)
            #expect(head.field("connection") == "close")
        }
    }

    @Test("through a header-filtering plugin, a close-delimited body keeps its Transfer-Encoding (gzip) and the connection closes")
    func closeDelimitedCodingThroughPlugin() async throws {
        try await Self.withGateway { _, _, client in
            try await client.send("GET /filtered/gzip-close HTTP/1.1\r\nHost: gateway\r\nX-Correlation-ID: corr-3\r\n\r\n")
            let text = try await client.waitForClose()
            let head = try #require(RawResponses.whole(text))
            #expect(head.body == "GZDATA")
            #expect(head.field("x-correlation-id") == "corr-3")
            #expect(head.field("transfer-encoding") == "gzip")
            #expect(head.field("connection") == "close")
        }
    }
}
