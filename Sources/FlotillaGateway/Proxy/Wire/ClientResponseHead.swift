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
        if let plugins, plugins.filtersHeaders || head.containsAny(of: plugins.exchange.responseHeaders.map(\.name.canonicalName)) {
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
        let requestID = head.hasRequestID ? nil : requestID
        var room = 64 + (requestID?.utf8.count ?? 0) + (connection?.utf8.count ?? 0) + (upgrade?.utf8.count ?? 0)
        if let plugins {
            for field in plugins.exchange.responseHeaders { room += field.name.rawName.utf8.count + field.value.utf8.count + 4 }
        }
        head.wire.writeHead(maximumLength: room) { writer in
            if let requestID { writer.writeField("x-request-id: ", requestID) }
            if let connection { writer.writeField("connection: ", connection) }
            if let upgrade { writer.writeField("upgrade: ", upgrade) }
            if let plugins {
                for field in plugins.exchange.responseHeaders {
                    writer.write(field.name.rawName)
                    writer.write(": ")
                    writer.write(field.value)
                    writer.write("\r\n")
                }
            }
            writer.write("\r\n")
        }
        return head.wire
    }
}
