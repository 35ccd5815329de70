import NIOCore
import Testing

@testable import FlotillaGateway

/// The framer fed raw upstream bytes, whole, cut at every position and one byte at a time: where a response starts
/// and ends, what passes through as the body, and what is left for the next response.
@Suite("UpstreamResponseFramer: framing upstream responses from raw bytes")
struct UpstreamResponseFramerTests {
    // MARK: Content-Length

    static let fixed = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\n0123456789"

    @Test("Content-Length: exactly N body bytes, then .end; the bytes after it stay in the buffer")
    func contentLength() throws {
        var framer = FramerFeeding.framer()
        var buffer = ByteBuffer(string: Self.fixed + "HTTP/1.1 204")
        guard case .head(let head) = try framer.next(&buffer) else {
            Issue.record("no head")
            return
        }
        #expect(head.status == 200)
        #expect(head.framing == .length(10))
        guard case .body(let body) = try framer.next(&buffer) else {
            Issue.record("no body")
            return
        }
        #expect(String(buffer: body) == "0123456789")
        guard case .end = try framer.next(&buffer) else {
            Issue.record("no end")
            return
        }
        #expect(String(buffer: buffer) == "HTTP/1.1 204")
    }

    @Test("Content-Length: the same response at every split point and one byte at a time")
    func contentLengthSplit() throws {
        for pieces in FramerFeeding.everySplit(Self.fixed + "NEXT") {
            let framed = try FramerFeeding.frame(pieces)
            #expect(framed.heads.map(\.status) == [200])
            #expect(framed.text == "0123456789", "\(pieces.map(\.count))")
            #expect(framed.ended)
            #expect(String(decoding: framed.leftover, as: UTF8.self) == "NEXT", "\(pieces.map(\.count))")
            #expect(framed.unread == 0)
        }
        let bytewise = try FramerFeeding.frame(FramerFeeding.bytewise(Self.fixed))
        #expect(bytewise.bodyEvents == 10)
        #expect(bytewise.ended)
    }

    @Test("Content-Length: 0 ends right after the head; a body cut short has no end, not even at close")
    func emptyAndCutShort() throws {
        let empty = try FramerFeeding.frame("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nrest")
        #expect(empty.heads.count == 1)
        #expect(empty.body.isEmpty)
        #expect(empty.ended)
        #expect(empty.leftover == Array("rest".utf8))

        var framer = FramerFeeding.framer()
        let short = try FramerFeeding.feed([Array("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234".utf8)], to: &framer)
        #expect(short.text == "01234")
        #expect(!short.ended)
        #expect(!framer.endsAtClose)
        #expect(framer.connectionClosed() == nil)
    }

    @Test("a head ends at CRLF CRLF, LF LF, LF CRLF or CRLF LF, found at every split point", arguments: ["\r\n\r\n", "\n\n", "\n\r\n", "\r\n\n"])
    func headTerminators(_ end: String) throws {
        for pieces in FramerFeeding.everySplit("HTTP/1.1 200 OK\r\nContent-Length: 3" + end + "abcNEXT") {
            let framed = try FramerFeeding.frame(pieces)
            #expect(framed.heads.map(\.framing) == [.length(3)], "\(pieces.map(\.count))")
            #expect(framed.text == "abc", "\(pieces.map(\.count))")
            #expect(framed.leftover == Array("NEXT".utf8))
        }
    }

    // MARK: Chunked

    static let chunkedHead = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: Expires\r\n\r\n"
    /// Sizes in both cases, with leading zeros (15 digits), extensions (with a quoted string), an empty-looking
    /// chunk of CRLFs, bare LFs, and two trailer fields.
    static let chunkedBody =
        "4;name=value\r\nWiki\r\n5 ; quoted=\"a b\"\r\npedia\r\n00000000000000e\r\n in\r\n\r\nchunks.\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\n"
        + "3\nxyz\r\n0;last\r\nExpires: Wed, 21 Oct 2026 07:28:00 GMT\r\nX-Trailer: y\n\r\n"
    static let chunkedData = "Wikipedia in\r\n\r\nchunks.abcdefghijklmnopqrstuvwxyzxyz"

    @Test("chunked passthrough: the body parts are exactly the chunked wire bytes, at every split point")
    func chunkedPassthrough() throws {
        for pieces in FramerFeeding.everySplit(Self.chunkedHead + Self.chunkedBody + "HTTP/1.1") {
            let framed = try FramerFeeding.frame(pieces)
            #expect(framed.heads.map(\.framing) == [.chunked])
            #expect(framed.text == Self.chunkedBody, "\(pieces.map(\.count))")
            #expect(framed.ended)
            #expect(String(decoding: framed.leftover, as: UTF8.self) == "HTTP/1.1", "\(pieces.map(\.count))")
            #expect(framed.unread == 0)
        }
    }

    @Test("chunked passthrough keeps Transfer-Encoding in the head; decoding drops it")
    func chunkedHeadLines() throws {
        let passed = try FramerFeeding.frame(Self.chunkedHead + "0\r\n\r\n")
        #expect(FramerFeeding.wire(passed.heads[0]) == "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n")
        let decoded = try FramerFeeding.frame(Self.chunkedHead + "0\r\n\r\n", decodeChunks: true)
        #expect(FramerFeeding.wire(decoded.heads[0]) == "HTTP/1.1 200 OK\r\n")
        #expect(decoded.heads[0].framing == .chunked)
    }

    @Test("chunked decoding (HTTP/1.0 clients): exactly the data, at every split point")
    func chunkedDecoding() throws {
        for pieces in FramerFeeding.everySplit(Self.chunkedHead + Self.chunkedBody + "NEXT") {
            let framed = try FramerFeeding.frame(pieces, decodeChunks: true)
            #expect(framed.text == Self.chunkedData, "\(pieces.map(\.count))")
            #expect(framed.ended)
            #expect(String(decoding: framed.leftover, as: UTF8.self) == "NEXT", "\(pieces.map(\.count))")
            #expect(framed.unread == 0)
        }
    }

    @Test("trailers up to 64 KiB pass, larger ones throw")
    func trailerLimit() throws {
        let line = "X-Big: " + String(repeating: "t", count: 60 * 1024)
        let fits = try FramerFeeding.frame(Self.chunkedHead + "0\r\n\(line)\r\n\r\n")
        #expect(fits.ended)
        #expect(fits.text == "0\r\n\(line)\r\n\r\n")
        let tooLarge = line + String(repeating: "t", count: 5 * 1024)
        #expect(throws: InvalidUpstreamResponse.self) { try FramerFeeding.frame(Self.chunkedHead + "0\r\n\(tooLarge)\r\n\r\n") }
    }

    static let badChunks: [String] = [
        "zz\r\nab\r\n0\r\n\r\n",  // not hex
        "\r\nab\r\n0\r\n\r\n",  // no size
        "-2\r\nab\r\n0\r\n\r\n",  // sign
        "0000000000000001\r\na\r\n0\r\n\r\n",  // 16 digits
        "3\r\nabcd\r\n0\r\n\r\n",  // longer than its size
        "3\r\nabc0\r\n\r\n",  // no CRLF after the data
        "3\rabc\r\n0\r\n\r\n",  // CR without LF after the size
        "3;ext\u{01}\r\nabc\r\n0\r\n\r\n",  // control byte in an extension
        "3\r\nabc\r\n0\r\nX-T: a\u{00}b\r\n\r\n",  // NUL in a trailer
        "3\r\nabc\r\n0\r\n\rX",  // CR not followed by LF at the end
    ]

    @Test("malformed chunking throws, whole and byte by byte, in both modes", arguments: badChunks)
    func badChunking(_ body: String) throws {
        for decode in [false, true] {
            #expect(throws: InvalidUpstreamResponse.self) { try FramerFeeding.frame(Self.chunkedHead + body, decodeChunks: decode) }
            #expect(throws: InvalidUpstreamResponse.self) {
                try FramerFeeding.frame(FramerFeeding.bytewise(Self.chunkedHead + body), decodeChunks: decode)
            }
        }
    }

    // MARK: Responses without a body

    @Test(
        "HEAD, 204 and 304 have no body even with Content-Length or chunked",
        arguments: [
            ("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", true),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", true),
            ("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n", false),
            ("HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\nETag: \"x\"\r\n\r\n", false),
            ("HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n", false),
        ]
    )
    func noBody(_ head: String, _ toHead: Bool) throws {
        let next = "HTTP/1.1 200 OK\r\n"
        let framed = try FramerFeeding.frame(head + next, toHead: toHead)
        #expect(framed.heads.map(\.framing) == [ResponseBodyFraming.none])
        #expect(framed.body.isEmpty)
        #expect(framed.ended)
        #expect(String(decoding: framed.leftover, as: UTF8.self) == next)
        #expect(framed.heads[0].keepAlive)
        // Content-Length stays in the head (a HEAD's answer says how long the GET's would be).
        #expect(FramerFeeding.wire(framed.heads[0]).lowercased().contains("content-length: 5\r\n") == head.contains("Content-Length"))
    }

    @Test("the same GET answer has its body: the no-body rule comes from the request and the status")
    func getHasBody() throws {
        let framed = try FramerFeeding.frame("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")
        #expect(framed.heads.map(\.framing) == [.length(5)])
        #expect(framed.text == "hello")
    }

    // MARK: 1xx and 101

    static let early =
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
        + "HTTP/1.1 102 Processing\n\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"

    @Test("100, 102 and 103 are skipped: only the final head comes out, at every split point")
    func interimResponses() throws {
        for pieces in FramerFeeding.everySplit(Self.early) {
            let framed = try FramerFeeding.frame(pieces)
            #expect(framed.heads.map(\.status) == [200], "\(pieces.map(\.count))")
            #expect(framed.text == "ok")
            #expect(framed.ended)
            #expect(framed.unread == 0)
        }
    }

    @Test("101: the head, then nothing more; the bytes after it stay in the buffer for the tunnel")
    func switchingProtocols() throws {
        var framer = FramerFeeding.framer()
        var buffer = ByteBuffer(string: "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\u{01}\u{05}hello")
        guard case .head(let head) = try framer.next(&buffer) else {
            Issue.record("no head")
            return
        }
        #expect(head.status == 101)
        #expect(head.upgrade == "websocket")
        #expect(head.framing == ResponseBodyFraming.none)
        #expect(FramerFeeding.wire(head) == "HTTP/1.1 101 Switching Protocols\r\n")
        #expect(try framer.next(&buffer) == nil)
        #expect(String(buffer: buffer) == "\u{01}\u{05}hello")
        var more = ByteBuffer(string: "HTTP/1.1 200 OK\r\n\r\n")
        #expect(try framer.next(&more) == nil)
        #expect(more.readableBytes == 19)
        #expect(framer.connectionClosed() == nil)
    }

    // MARK: Close-delimited bodies

    @Test(
        "no Content-Length nor chunked: the body runs until the connection closes",
        arguments: [
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n",
            "HTTP/1.0 200 OK\r\n\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
        ]
    )
    func closeDelimited(_ head: String) throws {
        var framer = FramerFeeding.framer()
        let framed = try FramerFeeding.feed(
            [Array((head + "first ").utf8), Array("second ".utf8), Array("HTTP/1.1 200 OK\r\n\r\n".utf8)],
            to: &framer
        )
        #expect(framed.heads.map(\.framing) == [.untilClose])
        #expect(framed.heads.first?.keepAlive == false)
        #expect(framed.text == "first second HTTP/1.1 200 OK\r\n\r\n")
        #expect(!framed.ended)
        #expect(framer.endsAtClose)
        guard case .end = framer.connectionClosed() else {
            Issue.record("no end at close")
            return
        }
        #expect(!framer.endsAtClose)
    }

    // MARK: Idle connection

    @Test("bytes while no request is outstanding throw: before any request and after a response ended")
    func dataWhileIdle() throws {
        var idle = UpstreamResponseFramer(allocator: FramerFeeding.allocator)
        var buffer = ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        #expect(throws: InvalidUpstreamResponse.self) { try idle.next(&buffer) }
        var empty = ByteBuffer()
        var quiet = UpstreamResponseFramer(allocator: FramerFeeding.allocator)
        #expect(try quiet.next(&empty) == nil)

        var framer = FramerFeeding.framer()
        var response = ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokX")
        while let event = try framer.next(&response) {
            if case .end = event { break }
        }
        #expect(String(buffer: response) == "X")
        #expect(throws: InvalidUpstreamResponse.self) { try framer.next(&response) }
    }

    @Test("a kept-alive connection frames one response after another")
    func responsesInSequence() throws {
        var framer = FramerFeeding.framer()
        let first = try FramerFeeding.feed([Array((Self.fixed).utf8)], to: &framer)
        #expect(first.ended)
        framer.expectResponse(toHead: true, decodeChunks: false)
        let second = try FramerFeeding.feed(FramerFeeding.bytewise("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n"), to: &framer)
        #expect(second.ended)
        #expect(second.body.isEmpty)
        framer.expectResponse(toHead: false, decodeChunks: false)
        let third = try FramerFeeding.feed([Array((Self.chunkedHead + Self.chunkedBody).utf8)], to: &framer)
        #expect(third.text == Self.chunkedBody)
        #expect(third.ended)
    }
}
