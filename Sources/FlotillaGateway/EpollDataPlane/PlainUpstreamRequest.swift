import NIOCore

/// The upstream request head for a plain request whose fields the proxy only passes on (no `X-Forwarded-*`, `TE`,
/// `Trailer` or `Keep-Alive` from the client): the bytes ``ForwardedHeaders/upstreamRequest`` writes, copied from the
/// client's head in one piece instead of through `HTTPHeaders` strings (a test holds the two equal).
enum PlainUpstreamRequest {
    /// - Parameter bytes: starts with `head`, as it was parsed.
    static func bytes(
        _ head: PlainRequestHead,
        in bytes: UnsafeRawBufferPointer,
        uri: String,
        hostHeader: String?,
        clientAddress: String,
        localPort: String,
        requestID: String,
        allocator: ByteBufferAllocator
    ) -> ByteBuffer {
        let host = hostHeader ?? head.host
        // Each field line may grow by the one space after its colon; the rest is the proxy's own fields.
        let maximumLength =
            2 * head.length + uri.utf8.count + host.utf8.count + head.host.utf8.count + clientAddress.utf8.count
            + localPort.utf8.count + requestID.utf8.count + 160
        var wire = allocator.buffer(capacity: maximumLength)
        wire.writeHead(maximumLength: maximumLength) { writer in
            writer.write(head.isHEAD ? "HEAD " : "GET ")
            writer.write(uri)
            writer.write(" HTTP/1.1\r\n")
            head.forEachField(in: bytes) { name, value in
                // Host is the proxy's to write; Connection holds only close or keep-alive here (hop by hop).
                if name.count == 4, HeaderBytes.matches(name, "host") { return }
                if name.count == 10, HeaderBytes.matches(name, "connection") { return }
                writer.write(name)
                writer.write(": ")
                writer.write(value)
                writer.write("\r\n")
            }
            writer.write("host: ")
            writer.write(host)
            writer.write("\r\nx-forwarded-for: ")
            writer.write(clientAddress)
            writer.write("\r\nx-forwarded-proto: http\r\nx-forwarded-host: ")
            var hostOnly = head.host
            hostOnly.withUTF8 { utf8 in
                let end = utf8.firstIndex(of: HeaderBytes.colon) ?? utf8.count
                writer.write(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(utf8)[0..<end]))
            }
            writer.write("\r\nx-forwarded-port: ")
            writer.write(localPort)
            writer.write("\r\n")
            if head.requestIDValue == nil {
                writer.write("x-request-id: ")
                writer.write(requestID)
                writer.write("\r\n")
            }
            writer.write("\r\n")
        }
        return wire
    }
}
