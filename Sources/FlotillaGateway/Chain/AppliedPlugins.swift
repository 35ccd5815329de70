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

    /// The log phase, once the response is sent: the plugins read the exchange with what the data plane measured.
    func log(_ outcome: ResponseOutcome) {
        let response = HTTPResponse(status: HTTPResponse.Status(code: outcome.status))
        let latency = exchange.startedAt.duration(to: .now)
        var completed = exchange
        completed.responseSource = outcome.source
        completed.requestBytes = outcome.requestBytes
        completed.responseBytes = outcome.responseBytes
        completed.upstreamLatency = outcome.upstreamLatency
        for scoped in ran { scoped.plugin.log(completed, response: response, latency: latency) }
    }
}
