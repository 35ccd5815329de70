import NIOCore

/// The upstream request head for a plain request whose fields the proxy only passes on (no `X-Forwarded-*`, `TE`,
/// `Trailer` or `Keep-Alive` from the client): the bytes ``ForwardedHeaders/upstreamRequest`` writes, copied from the
/// client's head in one piece instead of through `HTTPHeaders` strings, then the proxy's own fields as
/// ``ForwardedHeaders/writeProxyFields(into:host:forwardedFor:clientAddress:originalHost:localPort:requestID:)``
/// writes them (a test holds the two heads equal).
enum PlainUpstreamRequest {
    /// - Parameters:
    ///   - bytes: starts with `head`, as it was parsed;
    ///   - addedFields: header lines written after the client's (an authentication's `X-Consumer-*` fields, as the
    ///     usual plugin phases append them).
    static func bytes(
        _ head: PlainRequestHead,
        in bytes: UnsafeRawBufferPointer,
        addedFields: [UInt8] = [],
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
            + localPort.utf8.count + requestID.utf8.count + addedFields.count + 160
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
            addedFields.withUnsafeBytes { writer.write($0) }
            ForwardedHeaders.writeProxyFields(
                into: &writer,
                host: host,
                forwardedFor: nil,
                clientAddress: clientAddress,
                originalHost: head.host,
                localPort: localPort,
                requestID: head.requestIDValue == nil ? requestID : nil
            )
            writer.write("\r\n")
        }
        return wire
    }
}
