import HTTPTypes
import NIOCore

/// One request as the plugins see it, and what they add to it.
public struct GatewayExchange: Sendable {
    /// The downstream request head (method, scheme, authority, path with query, header fields). Plugins may change
    /// headers here; the proxy sends this head upstream.
    public var request: HTTPRequest
    /// The client's address as the gateway saw it (IP string, no port).
    public var clientAddress: String
    /// The declared request body length (Content-Length), nil when chunked/unknown.
    public var declaredBodyLength: Int?
    /// Names of the matched route and service (Kong `name`, or id), nil when unnamed.
    public var routeName: String?
    public var serviceName: String?
    /// The authenticated consumer, set by jwt/key-auth.
    public var consumer: GatewayConsumer?
    /// The credential that authenticated the request (jwt `key`, key-auth credential id), set by jwt/key-auth;
    /// rate-limiting's `limit_by: credential` counts by it.
    public var credentialIdentifier: String?
    /// Headers to add to the response sent downstream (e.g. RateLimit-*, X-Correlation-ID echo, CORS).
    public var responseHeaders: HTTPFields
    /// When the request started (for latency in the log phase).
    public var startedAt: ContinuousClock.Instant
    /// The largest request body the proxy may forward, in bytes (request-size-limiting sets it). The proxy enforces
    /// it while streaming a body without Content-Length: past it, answer 413 `{"message":"Request size limit exceeded"}`.
    public var maximumBodyBytes: Int?
    /// Filled by the proxy before the log phase, as Kong's `request_length` and `bytes_sent`: the bytes read from the
    /// client for the request (request line, header fields and body) and sent to it for the response (head and body).
    public var requestBytes: Int = 0
    public var responseBytes: Int = 0
    /// Filled by the proxy before the log phase: from sending the request upstream to the upstream's response head
    /// (Kong's `latencies.proxy`), nil when no upstream answered.
    public var upstreamLatency: Duration?
    /// Who produced the response (Kong's `source` label): set by the proxy/chain before the log phase.
    public var responseSource: GatewayResponseSource = .service

    public init(
        request: HTTPRequest,
        clientAddress: String,
        declaredBodyLength: Int?,
        routeName: String?,
        serviceName: String?
    ) {
        self.request = request
        self.clientAddress = clientAddress
        self.declaredBodyLength = declaredBodyLength
        self.routeName = routeName
        self.serviceName = serviceName
        self.consumer = nil
        self.credentialIdentifier = nil
        self.responseHeaders = [:]
        self.startedAt = .now
        self.maximumBodyBytes = nil
    }
}

/// Who produced a response, as Kong's prometheus `source` label names it.
public enum GatewayResponseSource: String, Sendable, Hashable {
    /// The upstream service answered.
    case service
    /// A plugin stopped the request (`kong.response.exit`: 401, 429, 413…).
    case exit
    /// The gateway itself answered (upstream unreachable, a timeout, a request it refused…): Kong's `error`.
    case error
}

/// A response a plugin sends instead of proxying (401, 403, 413, 429, a CORS preflight 200/204...).
public struct GatewayPluginResponse: Sendable {
    public var status: HTTPResponse.Status
    public var headers: HTTPFields
    public var body: ByteBuffer

    public init(status: HTTPResponse.Status, headers: HTTPFields = [:], body: ByteBuffer = ByteBuffer()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// Kong's JSON error body: `{"message":"..."}` with content-type application/json; charset=utf-8.
    public static func kongError(_ status: HTTPResponse.Status, message: String, headers: HTTPFields = [:]) -> Self {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        var body = ByteBuffer()
        body.writeString("{\"message\":")
        body.writeString(jsonQuoted(message))
        body.writeString("}")
        return Self(status: status, headers: fields, body: body)
    }

    /// `text` as a JSON string literal.
    static func jsonQuoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let s where s.value < 0x20:
                let hex = String(s.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// A gateway plugin, as Kong defines them: phases run in priority order (higher first).
public protocol GatewayPlugin: Sendable {
    /// Kong's plugin name, e.g. "rate-limiting".
    var name: String { get }
    /// Kong's priority (correlation-id 100001, cors 2000, jwt 1450, key-auth 1250, request-size-limiting 951,
    /// rate-limiting 910, prometheus 13).
    var priority: Int { get }
    /// Access phase, before proxying. Return a response to stop here.
    func access(_ exchange: inout GatewayExchange) async -> GatewayPluginResponse?
    /// The access phase on the event loop, for a plugin that can decide at once (the usual case: a cached token, a
    /// local counter). Return ``ImmediateAccess/suspend`` — without having changed `exchange` — when it needs to
    /// wait (a JWKS fetch, a Redis counter); the proxy then calls ``access(_:)`` from a task. The default suspends.
    func accessWithoutSuspending(_ exchange: inout GatewayExchange) -> ImmediateAccess
    /// Header-filter phase: adjust the response head going downstream (status and headers).
    func headerFilter(_ exchange: GatewayExchange, response: inout HTTPResponse)
    /// Whether ``headerFilter(_:response:)`` may change anything (true by default). A plugin without a header
    /// filter says false, so that when no plugin of a request filters headers the proxy adds
    /// `GatewayExchange.responseHeaders` to the response head without converting it to HTTPTypes and back.
    var filtersHeaders: Bool { get }
    /// Log phase, after the response is sent.
    func log(_ exchange: GatewayExchange, response: HTTPResponse, latency: Duration)
}

/// What ``GatewayPlugin/accessWithoutSuspending(_:)`` decided.
public enum ImmediateAccess: Sendable {
    /// Go on to the next plugin.
    case proceed
    /// Stop and send this response.
    case respond(GatewayPluginResponse)
    /// The plugin has to wait for something: run its asynchronous ``GatewayPlugin/access(_:)``.
    case suspend
}

/// A plugin whose access phase never waits: it implements ``accessSynchronously(_:)`` and gets both
/// ``GatewayPlugin/access(_:)`` and ``GatewayPlugin/accessWithoutSuspending(_:)`` from it.
public protocol SynchronousGatewayPlugin: GatewayPlugin {
    /// The access phase. Return a response to stop here.
    func accessSynchronously(_ exchange: inout GatewayExchange) -> GatewayPluginResponse?
}

extension SynchronousGatewayPlugin {
    public func access(_ exchange: inout GatewayExchange) async -> GatewayPluginResponse? { accessSynchronously(&exchange) }

    public func accessWithoutSuspending(_ exchange: inout GatewayExchange) -> ImmediateAccess {
        accessSynchronously(&exchange).map(ImmediateAccess.respond) ?? .proceed
    }
}

extension GatewayPlugin {
    public func accessWithoutSuspending(_ exchange: inout GatewayExchange) -> ImmediateAccess { .suspend }

    public func headerFilter(_ exchange: GatewayExchange, response: inout HTTPResponse) {}
    public var filtersHeaders: Bool { true }
    public func log(_ exchange: GatewayExchange, response: HTTPResponse, latency: Duration) {}
}
