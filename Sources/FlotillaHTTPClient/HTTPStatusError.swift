import FlotillaResilience
import NIOHTTP1

/// A 5xx response, thrown inside the resilience pipeline so the retry policy and the circuit
/// breaker see it as a failure. ``ResilientHTTPClient`` catches it after the pipeline and
/// returns the response; 4xx responses are never turned into this error.
public struct HTTPStatusError: Error, RetryClassifiable, CustomStringConvertible {
    /// The response that failed.
    public var response: ResilientHTTPResponse
    /// The delay its `Retry-After` header asked for, if any.
    public var retryAfter: Duration?

    /// Creates the error.
    public init(response: ResilientHTTPResponse, retryAfter: Duration?) {
        self.response = response
        self.retryAfter = retryAfter
    }

    /// 502, 503 and 504 are retried (after `Retry-After` if given); other statuses are not.
    public var retryDecision: RetryDecision {
        .forHTTPStatus(Int(response.status.code), retryAfter: retryAfter)
    }

    public var description: String { "HTTP \(response.status.code) \(response.status.reasonPhrase)" }
}
