import NIOCore
import Testing

@testable import FlotillaGateway

/// The epoll plane copies a plain request's fields into the upstream head byte by byte; the NIO plane writes it
/// through `ForwardedHeaders` from `HTTPHeaders`. The upstream must get the same bytes either way (and plugins the
/// same fields).
@Suite("PlainUpstreamRequest writes the bytes ForwardedHeaders writes; plugins see the same fields on both planes")
struct PlainUpstreamRequestTests {
    /// Records an issue unless the copied head equals `ForwardedHeaders`' for the same fields (with and without a
    /// Host override), and unless the head's notes about its fields (request id, forwarding fields) are right.
    static func expectSameBytes(_ head: PlainRequestHead, in bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        let allocator = ByteBufferAllocator()
        bytes.withUnsafeBytes { raw in
            let headers = head.headers(in: raw)
            let lastRequestID = headers[canonicalForm: "x-request-id"].last.map(String.init)
            #expect(head.requestID(in: raw) == lastRequestID, sourceLocation: sourceLocation)
            // The plugins' view, made straight from the bytes, is the one the NIO plane makes from HTTPHeaders.
            #expect(Array(head.fields(in: raw)) == Array(HTTPTypesBridge.fields(headers)), sourceLocation: sourceLocation)
            let forwarding = headers.contains { name, _ in
                ["x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-port", "te", "trailer", "keep-alive"]
                    .contains(name.lowercased())
            }
            #expect(head.hasForwardingFields == forwarding, sourceLocation: sourceLocation)
            guard !head.hasForwardingFields else { return }
            for hostHeader in [nil, "upstream.internal:8080"] {
                let expected = ForwardedHeaders.upstreamRequest(
                    method: head.method,
                    fields: headers,
                    uri: "/upstream/path?x=1",
                    hostHeader: hostHeader,
                    clientAddress: "192.0.2.7",
                    localPort: "8080",
                    requestID: "generated-id",
                    allocator: allocator
                )
                let copied = PlainUpstreamRequest.bytes(
                    head,
                    in: raw,
                    uri: "/upstream/path?x=1",
                    hostHeader: hostHeader,
                    clientAddress: "192.0.2.7",
                    localPort: "8080",
                    requestID: "generated-id",
                    allocator: allocator
                )
                #expect(
                    String(buffer: copied) == String(buffer: expected),
                    "\(HeadMutator.escaped(bytes[..<head.length]))",
                    sourceLocation: sourceLocation
                )
            }
        }
    }

    static let heads =
        PlainRequestHeadTests.accepted.map(\.text) + PlainRequestHeadDifferentialTests.seeds + [
            "GET / HTTP/1.1\r\nHost: a\r\nX-Request-ID: one\r\nx-request-id: two\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: [::1]:8080\r\nX-Forwarded-For: 10.0.0.1\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nTE: trailers\r\nKeep-Alive: timeout=5\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: b\r\nX-Forwarded-Port: 1\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nX:\r\nY:z\r\n\r\n",
        ]

    @Test("X-Forwarded-Host is the client's host without its port, in lower case; an IPv6 literal keeps its brackets")
    func forwardedHost() throws {
        for (host, forwarded) in [("[::1]:8080", "[::1]"), ("[2001:db8::7]", "[2001:db8::7]"), ("Shop.Example:8080", "shop.example")] {
            let bytes = Array("GET / HTTP/1.1\r\nHost: \(host)\r\n\r\n".utf8)
            let head = try #require(PlainRequestHead.parse(bytes: bytes).plainHead)
            let wire = bytes.withUnsafeBytes { raw in
                PlainUpstreamRequest.bytes(
                    head,
                    in: raw,
                    uri: "/",
                    hostHeader: nil,
                    clientAddress: "192.0.2.7",
                    localPort: "8080",
                    requestID: "id",
                    allocator: ByteBufferAllocator()
                )
            }
            #expect(String(buffer: wire).contains("\r\nx-forwarded-host: \(forwarded)\r\n"), "\(host)")
        }
    }

    @Test("same bytes for the table's heads", arguments: heads)
    func sameBytes(_ text: String) throws {
        let bytes = Array(text.utf8)
        let head = try #require(PlainRequestHead.parse(bytes: bytes).plainHead)
        Self.expectSameBytes(head, in: bytes)
    }
}
