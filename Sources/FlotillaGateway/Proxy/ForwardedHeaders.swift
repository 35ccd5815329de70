import NIOCore
import NIOHTTP1

/// Builds the request head sent upstream: hop-by-hop headers removed, Host rewritten unless preserve_host,
/// X-Forwarded-For/-Proto/-Host/-Port and X-Request-ID set; traceparent and everything else passed through. The head
/// is written straight into bytes: its fields come from llhttp-checked input, HTTPTypes-checked plugin fields or
/// the configuration.
enum ForwardedHeaders {
    /// The request head for the upstream, written as bytes (request line, fields, blank line) ready to send.
    /// `fields` are the client's (or as the plugins left them); `requestID` is written unless they carry one.
    static func upstreamRequest(
        method: String,
        fields: some RequestFieldList,
        uri: String,
        hostHeader: String?,
        clientAddress: String,
        localPort: String,
        requestID: String,
        upgrade: String? = nil,
        allocator: ByteBufferAllocator
    ) -> ByteBuffer {
        var originalHost: String?
        var forwardedFor: String?
        var hasRequestID = false
        var connectionTokens: [Substring] = []
        // What the client's fields take written out (an upper bound: some are dropped), for one reserved write.
        var fieldsLength = 0
        fields.forEachField { name, value in
            fieldsLength += name.utf8.count + value.utf8.count + 4
            if HeaderBytes.matches(name, "connection") {
                connectionTokens += value.split(separator: ",").map { $0.trimmingSpaces }
            } else if HeaderBytes.matches(name, "host") {
                originalHost = value
            } else if HeaderBytes.matches(name, "x-forwarded-for") {
                forwardedFor = forwardedFor.map { "\($0), \(value)" } ?? value
            }
        }
        let host = hostHeader ?? originalHost ?? ""
        let maximumLength =
            fieldsLength + method.utf8.count + uri.utf8.count + host.utf8.count + (forwardedFor?.utf8.count ?? 0)
            + clientAddress.utf8.count + (originalHost?.utf8.count ?? 0) + localPort.utf8.count + requestID.utf8.count
            + (upgrade?.utf8.count ?? 0) + 200
        var wire = allocator.buffer(capacity: maximumLength)
        wire.writeHead(maximumLength: maximumLength) { writer in
            writer.write(method)
            writer.write(byte: HeaderBytes.space)
            writer.write(uri)
            writer.write(" HTTP/1.1\r\n")
            fields.forEachField { name, value in
                switch name.utf8.count {
                case 4 where HeaderBytes.matches(name, "host"), 15 where HeaderBytes.matches(name, "x-forwarded-for"):
                    return
                case 12 where HeaderBytes.matches(name, "x-request-id"):
                    hasRequestID = true
                case 17 where HeaderBytes.matches(name, "x-forwarded-proto"),
                    16 where HeaderBytes.matches(name, "x-forwarded-host") || HeaderBytes.matches(name, "x-forwarded-port"),
                    6 where HeaderBytes.matches(name, "expect"):
                    return
                default:
                    if isHopByHop(name) { return }
                    if !connectionTokens.isEmpty, connectionTokens.contains(where: { HeaderBytes.equalsIgnoringCase(name, $0) }) { return }
                }
                writer.write(name)
                writer.write(": ")
                writer.write(value)
                writer.write("\r\n")
            }
            writeProxyFields(
                into: &writer,
                host: host,
                forwardedFor: forwardedFor,
                clientAddress: clientAddress,
                originalHost: originalHost,
                localPort: localPort,
                requestID: hasRequestID ? nil : requestID
            )
            if let upgrade {
                // An Upgrade (WebSocket) is offered hop by hop: the gateway offers it again to the upstream.
                writer.write("connection: upgrade\r\n")
                writer.writeField("upgrade: ", upgrade)
            }
            writer.write("\r\n")
        }
        return wire
    }

    /// The fields the proxy adds to every upstream request head: Host, `X-Forwarded-*` and (unless the client sent
    /// one) `X-Request-ID`. Shared with ``PlainUpstreamRequest``, so both data planes write them alike.
    static func writeProxyFields(
        into writer: inout HeadBytesWriter,
        host: String,
        forwardedFor: String?,
        clientAddress: String,
        originalHost: String?,
        localPort: String,
        requestID: String?
    ) {
        writer.writeField("host: ", host)
        writer.write("x-forwarded-for: ")
        if let forwardedFor {
            writer.write(forwardedFor)
            writer.write(", ")
        }
        writer.write(clientAddress)
        writer.write("\r\nx-forwarded-proto: http\r\n")
        if let originalHost {
            writer.write("x-forwarded-host: ")
            // The host without its port, in lower case, as Kong sends nginx's `$host` (an IPv6 literal keeps its
            // brackets: `[::1]:8080` gives `[::1]`, where cutting at the first colon gave `[`).
            writer.write(DownstreamHandler.hostWithoutPort(originalHost))
            writer.write("\r\n")
        }
        writer.writeField("x-forwarded-port: ", localPort)
        if let requestID { writer.writeField("x-request-id: ", requestID) }
    }

    /// Whether the proxy rewrites or drops a client's field of this name besides Host and Connection: the
    /// `X-Forwarded-*` fields and the hop-by-hop `TE`, `Trailer` and `Keep-Alive`.
    static func isRewritten(_ name: UnsafeRawBufferPointer) -> Bool {
        switch name.count {
        case 2: HeaderBytes.matches(name, "te")
        case 7: HeaderBytes.matches(name, "trailer")
        case 10: HeaderBytes.matches(name, "keep-alive")
        case 15: HeaderBytes.matches(name, "x-forwarded-for")
        case 16: HeaderBytes.matches(name, "x-forwarded-host") || HeaderBytes.matches(name, "x-forwarded-port")
        case 17: HeaderBytes.matches(name, "x-forwarded-proto")
        default: false
        }
    }

    /// The request id: the client's `X-Request-ID` (the last one, as the upstream sees it last), or a new one.
    static func requestID(_ headers: HTTPHeaders, generator: RequestIDGenerator) -> String {
        var found: String?
        for (name, value) in headers where name.utf8.count == 12 && HeaderBytes.equalsIgnoringCase(name, "x-request-id") { found = value }
        return found ?? generator.make()
    }

    /// The protocol a request asks to upgrade to (`Upgrade: websocket` with `upgrade` among the Connection
    /// tokens), nil for an ordinary request.
    static func requestedUpgrade(_ headers: HTTPHeaders) -> String? {
        guard let upgrade = headers.first(name: "upgrade"), !upgrade.isEmpty else { return nil }
        for value in headers[canonicalForm: "connection"] where HeaderBytes.equalsIgnoringCase(value, "upgrade") { return upgrade }
        return nil
    }

    static func isHopByHop(_ name: String) -> Bool {
        switch name.utf8.count {
        case 2: return HeaderBytes.matches(name, "te")
        case 7: return HeaderBytes.matches(name, "upgrade") || HeaderBytes.matches(name, "trailer")
        case 10: return HeaderBytes.matches(name, "connection") || HeaderBytes.matches(name, "keep-alive")
        case 16: return HeaderBytes.matches(name, "proxy-connection")
        default: return false
        }
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var text = self
        while text.first == " " || text.first == "\t" { text = text.dropFirst() }
        while text.last == " " || text.last == "\t" { text = text.dropLast() }
        return text
    }
}

extension ByteBuffer {
    /// Writes `name: value` and CRLF.
    mutating func writeField(_ name: String, _ value: String) {
        writeString(name)
        writeStaticString(": ")
        writeString(value)
        writeStaticString("\r\n")
    }

    /// Writes `name: value` and CRLF.
    mutating func writeField(_ name: String, _ value: Substring) {
        writeString(name)
        writeStaticString(": ")
        writeSubstring(value)
        writeStaticString("\r\n")
    }
}
