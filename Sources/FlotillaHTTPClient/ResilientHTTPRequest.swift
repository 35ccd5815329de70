import NIOCore
import NIOHTTP1

/// A request for ``ResilientHTTPClient``. The body is a `ByteBuffer` so it can be re-sent on retry.
public struct ResilientHTTPRequest: Sendable {
    /// The HTTP method.
    public var method: HTTPMethod
    /// The absolute URL.
    public var url: String
    /// Headers to send (request id, trace context and idempotency key are added by the client).
    public var headers: HTTPHeaders
    /// The body, if any.
    public var body: ByteBuffer?
    /// Sent as `Idempotency-Key`; makes a non-idempotent method (POST, PATCH) retryable.
    public var idempotencyKey: String?

    /// Creates a request.
    public init(
        method: HTTPMethod = .GET,
        url: String,
        headers: HTTPHeaders = [:],
        body: ByteBuffer? = nil,
        idempotencyKey: String? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.idempotencyKey = idempotencyKey
    }

    /// Methods that are idempotent by definition (RFC 9110 §9.2.2).
    public static let idempotentMethods: [HTTPMethod] = [.GET, .HEAD, .PUT, .DELETE, .OPTIONS, .TRACE]

    /// Whether the request may be retried: an idempotent method, or an `Idempotency-Key`.
    public var isIdempotent: Bool {
        Self.idempotentMethods.contains(method) || idempotencyKey != nil || headers.contains(name: "Idempotency-Key")
    }
}
