import NIOCore
import NIOHTTP1

/// The head of a proxied response as the client gets it: the upstream's lines plus the request id, the Connection
/// field and the plugins' response headers. Rebuilt through `HTTPResponseHead` only when a plugin filters headers or
/// sets one the upstream also sent; the body's framing always stays the upstream's.
enum ClientResponseHead {
    /// - Parameters:
    ///   - plugins: the plugins' outcome, when their access phase ran the usual way;
    ///   - wireFields: the response fields of an access phase that ran on bytes (``WireAccessState/responseFields``).
    static func bytes(
        _ head: inout UpstreamResponseHead,
        plugins: AppliedPlugins?,
        wireFields: WireResponseFields = WireResponseFields(),
        requestID: String?,
        connection: String?,
        upgrade: String? = nil,
        allocator: ByteBufferAllocator
    ) -> ByteBuffer {
        if let plugins, plugins.filtersHeaders || head.containsAny(of: plugins.exchange.responseHeaders.map(\.name.canonicalName)) {
            return rebuilt(head, requestID: requestID, connection: connection, upgrade: upgrade, allocator: allocator) { plugins.filter(&$0) }
        }
        if head.containsAnyField(of: wireFields) {
            return rebuilt(head, requestID: requestID, connection: connection, upgrade: upgrade, allocator: allocator) {
                wireFields.add(to: &$0.headers)
            }
        }
        let requestID = head.hasRequestID ? nil : requestID
        var room = 64 + (requestID?.utf8.count ?? 0) + (connection?.utf8.count ?? 0) + (upgrade?.utf8.count ?? 0) + wireFields.lines.count
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
            wireFields.lines.withUnsafeBytes { writer.write($0) }
            writer.write("\r\n")
        }
        return head.wire
    }

    /// The head rebuilt through `HTTPResponseHead`, with the plugins' fields applied by `applyPlugins`.
    private static func rebuilt(
        _ head: UpstreamResponseHead,
        requestID: String?,
        connection: String?,
        upgrade: String?,
        allocator: ByteBufferAllocator,
        applyPlugins: (inout HTTPResponseHead) -> Void
    ) -> ByteBuffer {
        var headers = head.headers
        if let requestID, !head.hasRequestID { headers.add(name: "x-request-id", value: requestID) }
        if let connection { headers.replaceOrAdd(name: "connection", value: connection) }
        if let upgrade { headers.add(name: "upgrade", value: upgrade) }
        var parsed = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: head.status), headers: headers)
        applyPlugins(&parsed)
        parsed.headers.remove(name: "content-length")
        parsed.headers.remove(name: "transfer-encoding")
        for (name, value) in head.framingFields { parsed.headers.add(name: name, value: value) }
        return ResponseHeadWriter.bytes(parsed, allocator: allocator)
    }
}
