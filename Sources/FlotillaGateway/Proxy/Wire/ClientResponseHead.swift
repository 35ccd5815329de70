import NIOCore
import NIOHTTP1

/// The head of a proxied response as the client gets it: the upstream's lines plus the request id, the Connection
/// field and the plugins' response headers. Rebuilt through `HTTPResponseHead` only when a plugin filters headers or
/// sets one the upstream also sent; the body's framing always stays the upstream's.
enum ClientResponseHead {
    static func bytes(
        _ head: inout UpstreamResponseHead,
        plugins: AppliedPlugins?,
        requestID: String?,
        connection: String?,
        upgrade: String? = nil,
        allocator: ByteBufferAllocator
    ) -> ByteBuffer {
        if let plugins, plugins.filtersHeaders || head.containsAny(of: plugins.exchange.responseHeaders.lazy.map(\.name.canonicalName)) {
            var headers = head.headers
            if let requestID, !head.hasRequestID { headers.add(name: "x-request-id", value: requestID) }
            if let connection { headers.replaceOrAdd(name: "connection", value: connection) }
            if let upgrade { headers.add(name: "upgrade", value: upgrade) }
            var parsed = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: head.status), headers: headers)
            plugins.filter(&parsed)
            parsed.headers.remove(name: "content-length")
            parsed.headers.remove(name: "transfer-encoding")
            for (name, value) in head.framingFields { parsed.headers.add(name: name, value: value) }
            return ResponseHeadWriter.bytes(parsed, allocator: allocator)
        }
        if let requestID, !head.hasRequestID { head.wire.writeField("x-request-id", requestID) }
        if let connection { head.wire.writeField("connection", connection) }
        if let upgrade { head.wire.writeField("upgrade", upgrade) }
        if let plugins {
            for field in plugins.exchange.responseHeaders { head.wire.writeField(field.name.rawName, field.value) }
        }
        head.wire.writeStaticString("\r\n")
        return head.wire
    }
}
