import HTTPTypes
import NIOCore
import NIOHTTP1

/// The plugins whose access phase ran for one request, and the exchange as they left it: what the later phases (the
/// response headers they asked for, the header filter, the log phase) need. Both data planes use it, so a response
/// leaves either one with the same fields. A class: it is handed along with the request (a struct this size would be
/// copied, and its many references retained and released, at every step).
final class AppliedPlugins: Sendable {
    let exchange: GatewayExchange
    let ran: [PluginChain.Scoped]

    init(exchange: GatewayExchange, ran: [PluginChain.Scoped]) {
        self.exchange = exchange
        self.ran = ran
    }

    /// Whether a plugin that ran filters response headers (else its response headers are added as they are).
    var filtersHeaders: Bool { ran.contains { $0.plugin.filtersHeaders } }

    /// The plugins' response headers and header filter, applied to a response the gateway made whole.
    func filter(_ head: inout HTTPResponseHead) {
        if !filtersHeaders {
            for field in exchange.responseHeaders { head.headers.replaceOrAdd(name: field.name.rawName, value: field.value) }
            return
        }
        var response = HTTPTypesBridge.response(head)
        for field in exchange.responseHeaders { response.headerFields[field.name] = field.value }
        for scoped in ran { scoped.plugin.headerFilter(exchange, response: &response) }
        head.status = HTTPResponseStatus(statusCode: response.status.code)
        head.headers = HTTPTypesBridge.headers(response.headerFields)
    }

    /// The head of a response a plugin chose instead of proxying (Content-Length set, `Connection: close` unless
    /// `keepAlive`), after the header filter.
    func head(of response: GatewayPluginResponse, keepAlive: Bool) -> HTTPResponseHead {
        var headers = HTTPTypesBridge.headers(response.headers)
        headers.replaceOrAdd(name: "content-length", value: String(response.body.readableBytes))
        if !keepAlive { headers.replaceOrAdd(name: "connection", value: "close") }
        var head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: response.status.code), headers: headers)
        filter(&head)
        return head
    }

    /// The log phase, once the response is sent.
    func log(status: Int) {
        let response = HTTPResponse(status: HTTPResponse.Status(code: status))
        let latency = exchange.startedAt.duration(to: .now)
        for scoped in ran { scoped.plugin.log(exchange, response: response, latency: latency) }
    }
}

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
