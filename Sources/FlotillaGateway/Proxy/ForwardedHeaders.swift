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
        var wire = allocator.buffer(capacity: 256 + fields.fieldCount * 48)
        wire.writeString(method)
        wire.writeInteger(HeaderBytes.space)
        wire.writeString(uri)
        wire.writeStaticString(" HTTP/1.1\r\n")
        var originalHost: String?
        var forwardedFor: String?
        var hasRequestID = false
        var connectionTokens: [Substring] = []
        fields.forEachField { name, value in
            if name.utf8.count == 10, HeaderBytes.equalsIgnoringCase(name, "connection") {
                connectionTokens += value.split(separator: ",").map { $0.trimmingSpaces }
            }
        }
        fields.forEachField { name, value in
            switch name.utf8.count {
            case 4 where HeaderBytes.equalsIgnoringCase(name, "host"):
                originalHost = value
                return
            case 15 where HeaderBytes.equalsIgnoringCase(name, "x-forwarded-for"):
                forwardedFor = forwardedFor.map { "\($0), \(value)" } ?? value
                return
            case 12 where HeaderBytes.equalsIgnoringCase(name, "x-request-id"):
                hasRequestID = true
            case 17 where HeaderBytes.equalsIgnoringCase(name, "x-forwarded-proto"),
                16 where HeaderBytes.equalsIgnoringCase(name, "x-forwarded-host"),
                16 where HeaderBytes.equalsIgnoringCase(name, "x-forwarded-port"), 6 where HeaderBytes.equalsIgnoringCase(name, "expect"):
                return
            default:
                if isHopByHop(name) { return }
                if !connectionTokens.isEmpty, connectionTokens.contains(where: { HeaderBytes.equalsIgnoringCase(name, $0) }) { return }
            }
            wire.writeField(name, value)
        }
        wire.writeField("host", hostHeader ?? originalHost ?? "")
        wire.writeStaticString("x-forwarded-for: ")
        if let forwardedFor {
            wire.writeString(forwardedFor)
            wire.writeStaticString(", ")
        }
        wire.writeString(clientAddress)
        wire.writeStaticString("\r\nx-forwarded-proto: http\r\n")
        if let originalHost {
            let hostOnly = originalHost.firstIndex(of: ":").map { originalHost[..<$0] } ?? originalHost[...]
            wire.writeField("x-forwarded-host", hostOnly)
        }
        wire.writeField("x-forwarded-port", localPort)
        if !hasRequestID { wire.writeField("x-request-id", requestID) }
        if let upgrade {
            // An Upgrade (WebSocket) is offered hop by hop: the gateway offers it again to the upstream.
            wire.writeStaticString("connection: upgrade\r\n")
            wire.writeField("upgrade", upgrade)
        }
        wire.writeStaticString("\r\n")
        return wire
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
        case 2: return HeaderBytes.equalsIgnoringCase(name, "te")
        case 7: return HeaderBytes.equalsIgnoringCase(name, "upgrade") || HeaderBytes.equalsIgnoringCase(name, "trailer")
        case 10: return HeaderBytes.equalsIgnoringCase(name, "connection") || HeaderBytes.equalsIgnoringCase(name, "keep-alive")
        case 16: return HeaderBytes.equalsIgnoringCase(name, "proxy-connection")
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
