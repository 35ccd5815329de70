import NIOCore
import Testing

@testable import FlotillaGateway

/// The head the client gets (hop-by-hop fields removed, the status line re-written), what the head says about the
/// connection, and every kind of head the gateway refuses.
@Suite("UpstreamResponseFramer: response heads re-written and refused")
struct UpstreamResponseHeadTests {
    static func head(_ text: String, toHead: Bool = false, decodeChunks: Bool = false) throws -> UpstreamResponseHead {
        let framed = try FramerFeeding.frame(text, toHead: toHead, decodeChunks: decodeChunks)
        return try #require(framed.heads.first)
    }

    // MARK: Re-written heads

    @Test("hop-by-hop fields and the fields named in Connection are not passed on; the rest is, in order")
    func hopByHop() throws {
        let head = try Self.head(
            "HTTP/1.1 200 OK\r\nConnection: close, X-Secret\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\nTrailer: Expires\r\n"
                + "Upgrade: h2c\r\nProxy-Connection: keep-alive\r\nx-secret: s\r\nX-Kept: k\r\nconnection: Another\r\n"
                + "ANOTHER: a\r\nContent-Length: 0\r\n\r\n"
        )
        #expect(FramerFeeding.wire(head) == "HTTP/1.1 200 OK\r\nX-Kept: k\r\nContent-Length: 0\r\n")
        #expect(!head.keepAlive)
        #expect(head.fieldsOffset == "HTTP/1.1 200 OK\r\n".utf8.count)
        #expect(head.headers.map(\.name) == ["X-Kept", "Content-Length"])
    }

    @Test("the status line becomes HTTP/1.1 with the upstream's code and reason; values lose surrounding blanks")
    func statusLineAndValues() throws {
        let old = try Self.head("HTTP/1.0 404 Not Found\r\nX-A:   spaced  value \t\r\nX-Empty:\r\nContent-Length: 0\r\n\r\n")
        #expect(FramerFeeding.wire(old) == "HTTP/1.1 404 Not Found\r\nX-A: spaced  value\r\nX-Empty: \r\nContent-Length: 0\r\n")
        #expect(old.status == 404)
        let noReason = try Self.head("HTTP/1.1 201\r\nContent-Length: 0\r\n\r\n")
        #expect(FramerFeeding.wire(noReason) == "HTTP/1.1 201 \r\nContent-Length: 0\r\n")
        let bareLF = try Self.head("HTTP/1.1 200 OK\nX-A: b\nContent-Length: 0\n\n")
        #expect(FramerFeeding.wire(bareLF) == "HTTP/1.1 200 OK\r\nX-A: b\r\nContent-Length: 0\r\n")
        let obsText = try Self.head("HTTP/1.1 200 \u{E9}t\u{E9}\r\nX-A: caf\u{E9}\r\nContent-Length: 0\r\n\r\n")
        #expect(FramerFeeding.wire(obsText) == "HTTP/1.1 200 \u{E9}t\u{E9}\r\nX-A: caf\u{E9}\r\nContent-Length: 0\r\n")
    }

    @Test("a repeated identical Content-Length is passed on once")
    func repeatedContentLength() throws {
        let head = try Self.head("HTTP/1.1 200 OK\r\nContent-Length: 3\r\ncontent-length: 3\r\n\r\nabc")
        #expect(head.framing == .length(3))
        #expect(FramerFeeding.wire(head) == "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n")
    }

    @Test("a framing field named in Connection stays: the client needs it to find the end of the body")
    func framingFieldNamedInConnection() throws {
        let length = try Self.head("HTTP/1.1 200 OK\r\nConnection: content-length\r\nContent-Length: 2\r\n\r\nok")
        #expect(length.framing == .length(2))
        #expect(FramerFeeding.wire(length) == "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n")
        let chunked = try Self.head("HTTP/1.1 200 OK\r\nConnection: Transfer-Encoding\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        #expect(chunked.framing == .chunked)
        #expect(FramerFeeding.wire(chunked) == "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n")
    }

    @Test("X-Request-ID is noticed in any case, and kept")
    func requestID() throws {
        let upper = try Self.head("HTTP/1.1 200 OK\r\nX-Request-ID: abc\r\nContent-Length: 0\r\n\r\n")
        #expect(upper.hasRequestID)
        #expect(upper.containsAny(of: ["x-request-id"]))
        let lower = try Self.head("HTTP/1.1 200 OK\r\nx-request-id: abc\r\nContent-Length: 0\r\n\r\n")
        #expect(lower.hasRequestID)
        let none = try Self.head("HTTP/1.1 200 OK\r\nX-Request-IDs: abc\r\nX-Correlation-ID: d\r\nContent-Length: 0\r\n\r\n")
        #expect(!none.hasRequestID)
        #expect(!none.containsAny(of: ["x-request-id"]))
    }

    @Test("an X-Request-ID named in Connection is dropped and not counted as the upstream's (the gateway adds its own)")
    func requestIDNamedInConnection() throws {
        let head = try Self.head("HTTP/1.1 200 OK\r\nConnection: X-Request-ID\r\nX-Request-ID: r\r\nContent-Length: 0\r\n\r\n")
        #expect(!head.containsAny(of: ["x-request-id"]))
        #expect(!head.hasRequestID)
    }

    @Test("containsAny finds a field by its whole name in any case, never by a prefix, a value or the status line")
    func containsAny() throws {
        let head = try Self.head("HTTP/1.1 200 X-Status: 1\r\nX-Ab: has x-a: inside\r\nCache-Control: no-store\r\nContent-Length: 0\r\n\r\n")
        #expect(head.containsAny(of: ["cache-control"]))
        #expect(head.containsAny(of: ["x-nothing", "x-ab"]))
        #expect(head.containsAny(of: ["content-length", "x"]))
        #expect(!head.containsAny(of: ["x-a"]))
        #expect(!head.containsAny(of: ["x-abc", "cache", "x-status", "inside", ""]))
        #expect(!head.containsAny(of: [String]()))
        #expect(head.containsAny(of: ["x-ab"]))
    }

    @Test(
        "keepAlive follows the version, Connection, and whether the body ends at close",
        arguments: [
            ("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", true),
            ("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", false),
            ("HTTP/1.1 200 OK\r\nConnection: Keep-Alive, CLOSE\r\nContent-Length: 0\r\n\r\n", false),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", true),
            ("HTTP/1.1 200 OK\r\n\r\n", false),
            ("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", false),
            ("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", true),
            ("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\n", false),
        ]
    )
    func keepAlive(_ text: String, _ expected: Bool) throws {
        #expect(try Self.head(text).keepAlive == expected)
    }

    @Test("a head fed one byte at a time parses exactly as one fed whole")
    func headInPieces() throws {
        let text =
            "HTTP/1.0 200 Fine\r\nServer: upstream\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\nX-Request-ID: r\n"
            + "Set-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 4\r\n\r\nbody"
        let whole = try FramerFeeding.frame(text)
        let pieces = try FramerFeeding.frame(FramerFeeding.bytewise(text))
        let (a, b) = (try #require(whole.heads.first), try #require(pieces.heads.first))
        #expect(a.wire == b.wire)
        #expect(a.status == b.status)
        #expect(a.framing == b.framing)
        #expect(a.keepAlive == b.keepAlive)
        #expect(a.hasRequestID == b.hasRequestID)
        #expect(a.fieldsOffset == b.fieldsOffset)
        #expect(
            FramerFeeding.wire(b)
                == "HTTP/1.1 200 Fine\r\nServer: upstream\r\nX-Request-ID: r\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 4\r\n"
        )
        #expect(b.keepAlive && b.hasRequestID)
        #expect(whole.text == "body" && pieces.text == "body")
    }

    // MARK: Refused heads

    static let invalid: [String] = [
        // status line
        "HTTP/2.0 200 OK\r\n\r\n",
        "HTTP/1.2 200 OK\r\n\r\n",
        "HTTX/1.1 200 OK\r\n\r\n",
        "HTTP/1.1 2x0 OK\r\n\r\n",
        "HTTP/1.1 099 Low\r\n\r\n",
        "HTTP/1.1 200OK\r\n\r\n",
        "HTTP/1.1 20\r\n\r\n",
        "HTTP/1.1  200 OK\r\n\r\n",
        "<html>hello</html>\r\n\r\n",
        // reason phrase
        "HTTP/1.1 200 O\rK\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 O\u{0}K\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 O\u{7F}K\r\nContent-Length: 0\r\n\r\n",
        // field names
        "HTTP/1.1 200 OK\r\nX A: b\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX-A : b\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX-A\u{0}: b\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX(A): b\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\n: b\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nNoColonHere\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX-\u{E9}: b\r\nContent-Length: 0\r\n\r\n",
        // field values: CR injection, NUL, controls
        "HTTP/1.1 200 OK\r\nX-A: a\rSet-Cookie: evil=1\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX-A: a\r\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX-A: a\u{0}b\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX-A: a\u{1}b\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX-A: a\u{1B}b\r\nContent-Length: 0\r\n\r\n",
        // obsolete line folding
        "HTTP/1.1 200 OK\r\nX-A: a\r\n b\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX-A: a\r\n\tb\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\n X-A: a\r\nContent-Length: 0\r\n\r\n",
        // framing
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\nok",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\nok",
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok",
        "HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nok",
        "HTTP/1.1 200 OK\r\nContent-Length: -2\r\n\r\nok",
        "HTTP/1.1 200 OK\r\nContent-Length: 0x2\r\n\r\nok",
        "HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\nok",
        "HTTP/1.1 200 OK\r\nContent-Length: 9999999999999999999\r\n\r\nok",
    ]

    @Test("invalid heads throw, fed whole and one byte at a time", arguments: invalid)
    func refused(_ text: String) throws {
        #expect(throws: InvalidUpstreamResponse.self) { try FramerFeeding.frame(text) }
        #expect(throws: InvalidUpstreamResponse.self) { try FramerFeeding.frame(FramerFeeding.bytewise(text)) }
    }

    @Test("a head over 64 KiB throws, whether it ends or not; one just under passes")
    func headSizeLimit() throws {
        let filler = "X-Filler: " + String(repeating: "f", count: 64 * 1024) + "\r\n"
        #expect(throws: InvalidUpstreamResponse.self) { try FramerFeeding.frame("HTTP/1.1 200 OK\r\n" + filler + "Content-Length: 0\r\n\r\n") }
        // Never ending: refused once 64 KiB are buffered, in one read or in many.
        let endless = Array(("HTTP/1.1 200 OK\r\n" + filler + filler).utf8)
        #expect(throws: InvalidUpstreamResponse.self) { try FramerFeeding.frame([endless]) }
        let reads = stride(from: 0, to: endless.count, by: 1000).map { Array(endless[$0..<min($0 + 1000, endless.count)]) }
        #expect(throws: InvalidUpstreamResponse.self) { try FramerFeeding.frame(reads) }

        let fits = "HTTP/1.1 200 OK\r\nX-Filler: " + String(repeating: "f", count: 60 * 1024) + "\r\nContent-Length: 0\r\n\r\n"
        let framed = try FramerFeeding.frame(
            stride(from: 0, to: fits.utf8.count, by: 1000).map { Array(Array(fits.utf8)[$0..<min($0 + 1000, fits.utf8.count)]) }
        )
        #expect(framed.heads.count == 1)
        #expect(framed.ended)
    }
}
