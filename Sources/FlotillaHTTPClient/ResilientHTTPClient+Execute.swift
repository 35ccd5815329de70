import AsyncHTTPClient
import FlotillaCore
import FlotillaResilience
import Instrumentation
import NIOCore
import NIOHTTP1
import ServiceContextModule
import Synchronization

extension ResilientHTTPClient {
    /// Sends `request` to `downstream` through that downstream's pipeline.
    ///
    /// Returns the response for any status (a 5xx is returned once retries are exhausted);
    /// throws ``CircuitBreakerOpenError`` when the downstream's breaker is open (without
    /// sending anything), ``TimeoutError``, ``BulkheadFullError``, or the transport error.
    public func execute(_ request: ResilientHTTPRequest, downstream: String) async throws -> ResilientHTTPResponse {
        let headers = outgoingHeaders(for: request)
        let context = ResilienceContext(
            operationName: "\(request.method.rawValue) \(downstream) \(request.url)",
            isIdempotent: request.isIdempotent
        )
        let attempts = AttemptCounter()
        do {
            var response = try await pipeline(for: downstream).execute(context) {
                try await self.sendOnce(request, headers: headers, downstream: downstream, attempt: attempts.next())
            }
            response.attempts = attempts.value
            return response
        } catch let error as HTTPStatusError {
            var response = error.response
            response.attempts = attempts.value
            return response
        }
    }

    /// `GET url` on `downstream`.
    public func get(_ url: String, downstream: String, headers: HTTPHeaders = [:]) async throws -> ResilientHTTPResponse {
        try await execute(ResilientHTTPRequest(method: .GET, url: url, headers: headers), downstream: downstream)
    }

    /// The request's headers plus `X-Request-ID` and `Idempotency-Key`.
    ///
    /// `traceparent` is not added here: AsyncHTTPClient starts a client span for each request as a
    /// child of `ServiceContext.current` and injects that span's context itself (injecting here too
    /// sent the header twice).
    func outgoingHeaders(for request: ResilientHTTPRequest) -> HTTPHeaders {
        var headers = request.headers
        let serviceContext = ServiceContext.current ?? .topLevel
        if let requestID = serviceContext.requestID, !headers.contains(name: "X-Request-ID") {
            headers.add(name: "X-Request-ID", value: requestID)
        }
        if let key = request.idempotencyKey {
            headers.replaceOrAdd(name: "Idempotency-Key", value: key)
        }
        return headers
    }

    /// One HTTP attempt. 5xx → ``HTTPStatusError`` so retry and breaker see a failure.
    func sendOnce(
        _ request: ResilientHTTPRequest,
        headers: HTTPHeaders,
        downstream: String,
        attempt: Int
    ) async throws -> ResilientHTTPResponse {
        var httpRequest = HTTPClientRequest(url: request.url)
        httpRequest.method = request.method
        httpRequest.headers = headers
        if let body = request.body { httpRequest.body = .bytes(body) }
        let start = clock.now
        let response: ResilientHTTPResponse
        do {
            let raw = try await httpClient.execute(
                httpRequest,
                timeout: .nanoseconds(configuration.attemptTimeout.nanosecondsClamped),
                logger: logger
            )
            let body = try await raw.body.collect(upTo: configuration.maxResponseBodyBytes)
            response = ResilientHTTPResponse(status: raw.status, headers: raw.headers, body: body, attempts: attempt)
        } catch {
            metrics.record(downstream: downstream, method: request.method, status: "error", duration: start.duration(to: clock.now))
            logger.debug(
                "downstream request failed",
                metadata: [
                    "downstream": "\(downstream)", "attempt": "\(attempt)", "error": "\(error)",
                ]
            )
            throw error
        }
        metrics.record(
            downstream: downstream,
            method: request.method,
            status: String(response.status.code),
            duration: start.duration(to: clock.now)
        )
        if response.status.code >= 500 {
            let retryAfter = response.headers.first(name: "Retry-After").flatMap {
                RetryAfter.parse($0, nowUnixSeconds: UnixTime.now().secondsDouble)
            }
            throw HTTPStatusError(response: response, retryAfter: retryAfter)
        }
        return response
    }
}

/// Counts the HTTP attempts of one `execute` call across retries.
final class AttemptCounter: Sendable {
    private let count = Atomic<Int>(0)
    init() {}
    func next() -> Int { count.add(1, ordering: .relaxed).newValue }
    var value: Int { count.load(ordering: .relaxed) }
}
