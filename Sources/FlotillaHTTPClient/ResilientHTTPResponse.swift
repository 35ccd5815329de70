import NIOCore
import NIOHTTP1

/// A response from ``ResilientHTTPClient`` with its body collected (up to the configured limit).
public struct ResilientHTTPResponse: Sendable {
    /// The status.
    public var status: HTTPResponseStatus
    /// The headers.
    public var headers: HTTPHeaders
    /// The whole body.
    public var body: ByteBuffer
    /// How many HTTP attempts were made to get it.
    public var attempts: Int

    /// Creates a response.
    public init(status: HTTPResponseStatus, headers: HTTPHeaders, body: ByteBuffer, attempts: Int = 1) {
        self.status = status
        self.headers = headers
        self.body = body
        self.attempts = attempts
    }

    /// The body as UTF-8 text.
    public var bodyString: String { String(buffer: body) }
}
