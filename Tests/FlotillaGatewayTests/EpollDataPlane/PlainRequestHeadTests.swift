import Testing

@testable import FlotillaGateway

/// The epoll data plane's request-head parser on a table: the shapes it takes (and what it reads from them, which
/// llhttp must read the same), one refusal per rule, and cut heads, which are never complete.
@Suite("PlainRequestHead: accepted shapes, one refusal per rule, cut heads")
struct PlainRequestHeadTests {
    /// A head the parser must take, with what it must read from it.
    struct Accepted: Sendable, CustomTestStringConvertible {
        let label: String
        let text: String
        var method = "GET"
        var uri = "/"
        var host = "example.com"
        var keepAlive = true
        var fields: [[String]]

        var testDescription: String { label }
    }

    /// A complete head the parser must hand to NIO, and the rule it breaks.
    struct Refused: Sendable, CustomTestStringConvertible {
        let rule: String
        let text: String

        var testDescription: String { rule }
    }

    static let accepted: [Accepted] = [
        Accepted(label: "GET", text: "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n", fields: [["Host", "example.com"]]),
        Accepted(
            label: "HEAD",
            text: "HEAD /items HTTP/1.1\r\nHost: example.com\r\n\r\n",
            method: "HEAD",
            uri: "/items",
            fields: [["Host", "example.com"]]
        ),
        Accepted(
            label: "query string with every visible character the target may hold",
            text: "GET /search?q=a%20b&x=[1]{2}|\"<>\\^`~!$'()*+,;=:@/? HTTP/1.1\r\nHost: example.com\r\n\r\n",
            uri: "/search?q=a%20b&x=[1]{2}|\"<>\\^`~!$'()*+,;=:@/?",
            fields: [["Host", "example.com"]]
        ),
        Accepted(
            label: "many fields, in order, names as written",
            text: "GET /a/b HTTP/1.1\r\nUser-Agent: curl/8.5.0\r\nHost: example.com\r\nAccept: */*\r\nx-request-id: r-1\r\n"
                + "Cookie: a=1; b=2\r\nAccept: text/html\r\nX-Weird-Token!#$%&'*+.^_`|~: ok\r\n\r\n",
            uri: "/a/b",
            fields: [
                ["User-Agent", "curl/8.5.0"], ["Host", "example.com"], ["Accept", "*/*"], ["x-request-id", "r-1"],
                ["Cookie", "a=1; b=2"], ["Accept", "text/html"], ["X-Weird-Token!#$%&'*+.^_`|~", "ok"],
            ]
        ),
        Accepted(
            label: "blanks before values are not part of them; inside they are",
            text: "GET / HTTP/1.1\r\nHost:example.com\r\nX-A: \t a \t b\r\nX-Empty:\r\nX-Blank:  \t \r\n\r\n",
            fields: [["Host", "example.com"], ["X-A", "a \t b"], ["X-Empty", ""], ["X-Blank", ""]]
        ),
        Accepted(
            label: "Connection: close",
            text: "GET / HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n",
            keepAlive: false,
            fields: [["Host", "example.com"], ["Connection", "close"]]
        ),
        Accepted(
            label: "Connection: keep-alive, CLOSE in any case and order",
            text: "GET / HTTP/1.1\r\nHost: example.com\r\nconnection: Keep-Alive , CLOSE\r\n\r\n",
            keepAlive: false,
            fields: [["Host", "example.com"], ["connection", "Keep-Alive , CLOSE"]]
        ),
        Accepted(
            label: "Connection: keep-alive",
            text: "GET / HTTP/1.1\r\nHost: example.com\r\nConnection: keep-alive\r\n\r\n",
            fields: [["Host", "example.com"], ["Connection", "keep-alive"]]
        ),
        Accepted(
            label: "Content-Length: 0",
            text: "GET / HTTP/1.1\r\nHost: example.com\r\nContent-Length: 0\r\n\r\n",
            fields: [["Host", "example.com"], ["Content-Length", "0"]]
        ),
        Accepted(
            label: "Host with a port",
            text: "HEAD /x?y HTTP/1.1\r\nhost: shop.example:8080\r\n\r\n",
            method: "HEAD",
            uri: "/x?y",
            host: "shop.example:8080",
            fields: [["host", "shop.example:8080"]]
        ),
        Accepted(
            label: "obs-text in a value",
            text: "GET / HTTP/1.1\r\nHost: example.com\r\nX-Name: caf\u{E9}\r\n\r\n",
            fields: [["Host", "example.com"], ["X-Name", "caf\u{E9}"]]
        ),
    ]

    @Test("accepted shapes are read as llhttp reads them", arguments: accepted)
    func acceptedShapes(_ example: Accepted) throws {
        let bytes = Array(example.text.utf8)
        let head = try #require(PlainRequestHead.parse(bytes: bytes).plainHead)
        #expect(head.method == example.method)
        #expect(head.isHEAD == (example.method == "HEAD"))
        #expect(head.uri == example.uri)
        #expect(head.host == example.host)
        #expect(head.keepAlive == example.keepAlive)
        #expect(bytes.withUnsafeBytes { head.headers(in: $0) }.map { [$0.name, $0.value] } == example.fields)
        #expect(head.length == bytes.count)
        LLHTTPReference.expectAgreement(with: head, in: bytes)
    }

    static let refused: [Refused] = [
        Refused(rule: "method POST", text: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n"),
        Refused(rule: "a space at the end of a value", text: "GET / HTTP/1.1\r\nHost: a \r\n\r\n"),
        Refused(rule: "a tab at the end of a value", text: "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\t\r\n\r\n"),
        Refused(rule: "Content-Length twice", text: "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\ncontent-length: 0\r\n\r\n"),
        Refused(rule: "Proxy-Connection", text: "GET / HTTP/1.1\r\nHost: a\r\nProxy-Connection: keep-alive\r\n\r\n"),
        Refused(rule: "a tab inside Connection", text: "GET / HTTP/1.1\r\nHost: a\r\nConnection: close,\tkeep-alive\r\n\r\n"),
        Refused(rule: "method OPTIONS", text: "OPTIONS / HTTP/1.1\r\nHost: a\r\n\r\n"),
        Refused(rule: "method in lower case", text: "get / HTTP/1.1\r\nHost: a\r\n\r\n"),
        Refused(rule: "blank line before the request line", text: "\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"),
        Refused(rule: "two spaces after the method", text: "GET  / HTTP/1.1\r\nHost: a\r\n\r\n"),
        Refused(rule: "two spaces before the version", text: "GET /  HTTP/1.1\r\nHost: a\r\n\r\n"),
        Refused(rule: "tab after the target", text: "GET /\tHTTP/1.1\r\nHost: a\r\n\r\n"),
        Refused(rule: "HTTP/1.0", text: "GET / HTTP/1.0\r\nHost: a\r\n\r\n"),
        Refused(rule: "HTTP/2.0", text: "GET / HTTP/2.0\r\nHost: a\r\n\r\n"),
        Refused(rule: "version in lower case", text: "GET / http/1.1\r\nHost: a\r\n\r\n"),
        Refused(rule: "space after the version", text: "GET / HTTP/1.1 \r\nHost: a\r\n\r\n"),
        Refused(rule: "no version", text: "GET /\r\nHost: a\r\n\r\n"),
        Refused(rule: "bare LF after the request line", text: "GET / HTTP/1.1\nHost: a\r\n\r\n"),
        Refused(rule: "bare LF after a field line", text: "GET / HTTP/1.1\r\nHost: a\nX-A: b\r\n\r\n"),
        Refused(rule: "obs-fold", text: "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n"),
        Refused(rule: "obs-fold with a tab", text: "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n\tc\r\n\r\n"),
        Refused(rule: "NUL in a value", text: "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\u{0}c\r\n\r\n"),
        Refused(rule: "DEL in a value", text: "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\u{7F}c\r\n\r\n"),
        Refused(rule: "another control byte in a value", text: "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\u{1B}c\r\n\r\n"),
        Refused(rule: "bare CR in a value", text: "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\rc\r\n\r\n"),
        Refused(rule: "space before the colon", text: "GET / HTTP/1.1\r\nHost : a\r\n\r\n"),
        Refused(rule: "tab before the colon", text: "GET / HTTP/1.1\r\nHost\t: a\r\n\r\n"),
        Refused(rule: "empty field name", text: "GET / HTTP/1.1\r\nHost: a\r\n: b\r\n\r\n"),
        Refused(rule: "no colon", text: "GET / HTTP/1.1\r\nHost: a\r\nX-A\r\n\r\n"),
        Refused(rule: "separator in a field name", text: "GET / HTTP/1.1\r\nHost: a\r\nX(A): b\r\n\r\n"),
        Refused(rule: "non-ASCII in a field name", text: "GET / HTTP/1.1\r\nHost: a\r\nX-\u{E9}: b\r\n\r\n"),
        Refused(rule: "two Hosts", text: "GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n"),
        Refused(rule: "no Host", text: "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n"),
        Refused(rule: "empty Host", text: "GET / HTTP/1.1\r\nHost: \r\n\r\n"),
        Refused(rule: "Content-Length: 5", text: "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"),
        Refused(rule: "Content-Length: 00", text: "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 00\r\n\r\n"),
        Refused(rule: "Content-Length: +0", text: "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: +0\r\n\r\n"),
        Refused(rule: "Content-Length: 0, 0", text: "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0, 0\r\n\r\n"),
        Refused(rule: "empty Content-Length", text: "GET / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n"),
        Refused(rule: "Transfer-Encoding: chunked", text: "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        Refused(rule: "Transfer-Encoding: identity", text: "GET / HTTP/1.1\r\nHost: a\r\ntransfer-encoding: identity\r\n\r\n"),
        Refused(rule: "Upgrade", text: "GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\n"),
        Refused(rule: "Expect", text: "GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n"),
        Refused(rule: "Connection: upgrade", text: "GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\n\r\n"),
        Refused(rule: "Connection: close, x-foo", text: "GET / HTTP/1.1\r\nHost: a\r\nConnection: close, x-foo\r\n\r\n"),
        Refused(rule: "Connection: TE", text: "GET / HTTP/1.1\r\nHost: a\r\nConnection: TE\r\n\r\n"),
        Refused(rule: "Connection tokens not split by commas", text: "GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive close\r\n\r\n"),
        Refused(rule: "absolute-form target", text: "GET http://a/ HTTP/1.1\r\nHost: a\r\n\r\n"),
        Refused(rule: "authority-form target", text: "GET a:80 HTTP/1.1\r\nHost: a\r\n\r\n"),
        Refused(rule: "asterisk-form target", text: "GET * HTTP/1.1\r\nHost: a\r\n\r\n"),
        Refused(rule: "non-ASCII in the target", text: "GET /caf\u{E9} HTTP/1.1\r\nHost: a\r\n\r\n"),
        Refused(rule: "DEL in the target", text: "GET /a\u{7F}b HTTP/1.1\r\nHost: a\r\n\r\n"),
        Refused(rule: "control byte in the target", text: "GET /a\u{1}b HTTP/1.1\r\nHost: a\r\n\r\n"),
        Refused(
            rule: "head longer than 16 KiB",
            text: "GET / HTTP/1.1\r\nHost: a\r\nX-Long: " + String(repeating: "x", count: PlainRequestHead.maximumLength) + "\r\n\r\n"
        ),
    ]

    @Test("each refusal rule hands the head to NIO", arguments: refused)
    func refusedHeads(_ example: Refused) {
        #expect(PlainRequestHead.parse(text: example.text).isNotPlain)
    }

    @Test("the longest plain head is 16 KiB; one byte more is not plain, even before its end arrives")
    func lengthLimit() throws {
        let start = "GET / HTTP/1.1\r\nHost: a\r\nX-Pad: "
        func head(length: Int) -> [UInt8] {
            Array((start + String(repeating: "p", count: length - start.utf8.count - 4) + "\r\n\r\n").utf8)
        }
        let longest = head(length: PlainRequestHead.maximumLength)
        let parsed = try #require(PlainRequestHead.parse(bytes: longest).plainHead)
        #expect(parsed.length == PlainRequestHead.maximumLength)
        LLHTTPReference.expectAgreement(with: parsed, in: longest)
        let tooLong = head(length: PlainRequestHead.maximumLength + 1)
        #expect(PlainRequestHead.parse(bytes: tooLong).isNotPlain)
        #expect(PlainRequestHead.parse(bytes: Array(tooLong.prefix(PlainRequestHead.maximumLength))).isNotPlain)
        #expect(PlainRequestHead.parse(bytes: Array(tooLong.prefix(PlainRequestHead.maximumLength - 1))).isIncomplete)
    }

    @Test("every prefix of a head shorter than it is incomplete, whether or not the head is plain")
    func cutHeads() {
        let heads =
            Self.accepted.map(\.text) + [
                "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: a\r\nX: \r\r\r\n\r\n",
            ]
        for text in heads {
            let bytes = Array(text.utf8)
            for cut in 0..<bytes.count {
                let outcome = PlainRequestHead.parse(bytes: Array(bytes[..<cut]))
                #expect(outcome.isIncomplete, "\(HeadMutator.escaped(bytes[..<cut]))")
            }
        }
    }

    @Test("bytes after the head (a pipelined request, a body) are not read: length ends at the blank line")
    func bytesAfterTheHead() throws {
        let first = "GET /one HTTP/1.1\r\nHost: a\r\n\r\n"
        for next in ["GET /two HTTP/1.1\r\nHost: a\r\n\r\n", "POST", "\r\n", "\u{0}\u{FF}garbage"] {
            let head = try #require(PlainRequestHead.parse(text: first + next).plainHead)
            #expect(head.length == first.utf8.count)
            #expect(head.uri == "/one")
        }
    }
}
