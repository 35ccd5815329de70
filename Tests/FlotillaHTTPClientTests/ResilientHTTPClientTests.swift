import AsyncHTTPClient
import FlotillaCore
import FlotillaResilience
import Foundation
import MetricsTestKit
import NIOCore
import NIOHTTP1
import ServiceContextModule
import Testing

@testable import FlotillaHTTPClient

@Suite("ResilientHTTPClient", .serialized)
struct ResilientHTTPClientTests {
    init() {
        TestTracing.bootstrapped
    }

    /// AsyncHTTPClient takes its tracer when an `HTTPClient` is created, so the clients here are made
    /// after tracing is bootstrapped (`HTTPClient.shared` may have been created earlier by another suite).
    static let tracedHTTPClient: HTTPClient = {
        TestTracing.bootstrapped
        return HTTPClient(eventLoopGroupProvider: .singleton)
    }()

    /// A client whose retries sleep on an auto-advancing test clock (no real waiting).
    static func client(
        _ policy: ResiliencePolicyConfiguration,
        metrics: TestMetrics = TestMetrics()
    ) -> ResilientHTTPClient {
        ResilientHTTPClient(
            configuration: .init(downstreams: ["svc": policy], attemptTimeout: .seconds(10)),
            httpClient: tracedHTTPClient,
            clock: TestClock(autoAdvance: true),
            random: .constant(0.5),
            metricsFactory: metrics
        )
    }

    static let retrying = ResiliencePolicyConfiguration(
        retry: .init(maxAttempts: 4, baseDelay: .milliseconds(10), maxDelay: .milliseconds(100)),
        circuitBreaker: .init(consecutiveFailures: 10, failureRateThreshold: nil)
    )

    @Test func retriesAGetUntilItSucceeds() async throws {
        let server = try await FlakyHTTPServer.failing(first: 2)
        let metrics = TestMetrics()
        let client = Self.client(Self.retrying, metrics: metrics)
        let response = try await client.get("\(server.baseURL)/items", downstream: "svc")
        #expect(response.status == .ok)
        #expect(response.bodyString == "ok 3")
        #expect(response.attempts == 3)
        #expect(server.requestCount == 3)
        #expect(
            metrics.counterTotal(label: "http_client_requests_total", dimensions: [("downstream", "svc"), ("method", "GET"), ("status", "503")]) == 2
        )
        #expect(
            metrics.counterTotal(label: "http_client_requests_total", dimensions: [("downstream", "svc"), ("method", "GET"), ("status", "200")]) == 1
        )
        #expect(try metrics.expectTimer("http_client_request_duration_seconds", [("downstream", "svc")]).values.count == 3)
        try await server.stop()
    }

    @Test func returnsTheLast5xxWhenRetriesAreExhausted() async throws {
        let server = try await FlakyHTTPServer.failing(first: 100, with: .badGateway)
        let response = try await Self.client(Self.retrying).get(server.baseURL, downstream: "svc")
        #expect(response.status == .badGateway)
        #expect(server.requestCount == 4)
        try await server.stop()
    }

    @Test func doesNotRetryAPostWithoutIdempotencyKey() async throws {
        let server = try await FlakyHTTPServer.failing(first: 1)
        let client = Self.client(Self.retrying)
        let response = try await client.execute(
            .init(method: .POST, url: server.baseURL, body: ByteBuffer(string: "{}")),
            downstream: "svc"
        )
        #expect(response.status == .serviceUnavailable)
        #expect(server.requestCount == 1)
        try await server.stop()
    }

    @Test func retriesAPostWithIdempotencyKeyAndSendsIt() async throws {
        let server = try await FlakyHTTPServer.failing(first: 1)
        let client = Self.client(Self.retrying)
        let response = try await client.execute(
            .init(method: .POST, url: server.baseURL, body: ByteBuffer(string: "{}"), idempotencyKey: "order-7"),
            downstream: "svc"
        )
        #expect(response.status == .ok)
        #expect(server.requestCount == 2)
        #expect(server.seen.allSatisfy { $0.headers["Idempotency-Key"] == ["order-7"] })
        try await server.stop()
    }

    @Test func neverRetries4xx() async throws {
        let server = try await FlakyHTTPServer.failing(first: 1, with: .notFound)
        let response = try await Self.client(Self.retrying).get(server.baseURL, downstream: "svc")
        #expect(response.status == .notFound)
        #expect(server.requestCount == 1)
        try await server.stop()
    }

    @Test func honoursRetryAfter() async throws {
        let server = try await FlakyHTTPServer.failing(first: 1, headers: ["Retry-After": "3"])
        let clock = TestClock(autoAdvance: true)
        let client = ResilientHTTPClient(
            configuration: .init(downstreams: ["svc": Self.retrying]),
            clock: clock,
            random: .constant(0.5),
            metricsFactory: TestMetrics()
        )
        let response = try await client.get(server.baseURL, downstream: "svc")
        #expect(response.status == .ok)
        #expect(clock.sleepRequests == [.seconds(3)])
        try await server.stop()
    }

    @Test func propagatesRequestIDAndTraceparent() async throws {
        let server = try await FlakyHTTPServer.failing(first: 0)
        let client = Self.client(Self.retrying)
        var context = TestTracing.context(traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        context.requestID = "req-123"
        _ = try await ServiceContext.withValue(context) {
            try await client.get(server.baseURL, downstream: "svc")
        }
        let head = try #require(server.seen.first)
        #expect(head.headers["X-Request-ID"] == ["req-123"])
        // One traceparent: AsyncHTTPClient's client span, a child in the caller's trace.
        let traceparents = head.headers["traceparent"]
        #expect(traceparents.count == 1)
        let parts = traceparents.first?.split(separator: "-") ?? []
        #expect(parts.count == 4)
        #expect(parts.count == 4 && parts[1] == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(parts.count == 4 && parts[2] != "00f067aa0ba902b7")
        try await server.stop()
    }

    @Test func breakerOpensAfterRepeated5xxThenFailsFastWithoutHittingTheServer() async throws {
        let server = try await FlakyHTTPServer.failing(first: 1000, with: .internalServerError)
        let policy = ResiliencePolicyConfiguration(
            retry: .init(maxAttempts: 1),
            circuitBreaker: .init(consecutiveFailures: 3, failureRateThreshold: nil, resetTimeout: .seconds(60))
        )
        let client = Self.client(policy)
        for _ in 0..<3 {
            #expect(try await client.get(server.baseURL, downstream: "svc").status == .internalServerError)
        }
        #expect(client.circuitBreaker(for: "svc").state == .open)
        let error = await #expect(throws: CircuitBreakerOpenError.self) {
            try await client.get(server.baseURL, downstream: "svc")
        }
        #expect(error?.name == "svc")
        #expect(server.requestCount == 3)
        try await server.stop()
    }

    @Test func fourHundredsDoNotTripTheBreaker() async throws {
        let server = try await FlakyHTTPServer.failing(first: 1000, with: .badRequest)
        let policy = ResiliencePolicyConfiguration(circuitBreaker: .init(consecutiveFailures: 2, failureRateThreshold: nil))
        let client = Self.client(policy)
        for _ in 0..<5 { _ = try await client.get(server.baseURL, downstream: "svc") }
        #expect(client.circuitBreaker(for: "svc").state == .closed)
        #expect(server.requestCount == 5)
        try await server.stop()
    }

    @Test func retriesConnectionRefused() async throws {
        // Bind and close a server to get a port nothing listens on.
        let server = try await FlakyHTTPServer.failing(first: 0)
        let url = server.baseURL
        try await server.stop()
        let metrics = TestMetrics()
        // AsyncHTTPClient keeps re-trying a refused connection until the attempt's deadline,
        // so keep that short here.
        let client = ResilientHTTPClient(
            configuration: .init(downstreams: ["svc": Self.retrying], attemptTimeout: .milliseconds(200)),
            clock: TestClock(autoAdvance: true),
            random: .constant(0.5),
            metricsFactory: metrics
        )
        await #expect(throws: (any Error).self) { try await client.get(url, downstream: "svc") }
        #expect(
            metrics.counterTotal(label: "http_client_requests_total", dimensions: [("downstream", "svc"), ("method", "GET"), ("status", "error")])
                == 4
        )
    }

    @Test func configurationDecodesFromJSON() throws {
        let json = """
            {"attemptTimeout": "5s", "maxResponseBodyBytes": 1024,
             "downstreams": {"payments": {"timeout": "2s", "retry": {"maxAttempts": 2}}}}
            """
        let config = try JSONDecoder().decode(ResilientHTTPClientConfiguration.self, from: Data(json.utf8))
        #expect(config.attemptTimeout == .seconds(5))
        #expect(config.policy(for: "payments").timeout == .seconds(2))
        #expect(config.policy(for: "other") == ResilientHTTPClientConfiguration().defaultPolicy)
        let bad = #"{"downstreams": {"payments": {"circuitBreaker": {"failureRateThreshold": 150}}}}"#
        #expect {
            _ = try JSONDecoder().decode(ResilientHTTPClientConfiguration.self, from: Data(bad.utf8))
        } throws: { error in
            (error as? PolicyConfigurationError)?.description == "downstreams.payments.circuitBreaker.failureRateThreshold: 150 is not in 1...100"
        }
    }

    @Test func bodyIsCollectedUpToTheLimit() async throws {
        let server = try await FlakyHTTPServer.failing(first: 0)  // answers "ok 1", "ok 2", …
        let small = ResilientHTTPClient(
            configuration: .init(downstreams: ["svc": .init(circuitBreaker: .init())], maxResponseBodyBytes: 2),
            clock: TestClock(),
            metricsFactory: TestMetrics()
        )
        await #expect(throws: (any Error).self) { try await small.get(server.baseURL, downstream: "svc") }
        let fits = Self.client(.init(circuitBreaker: .init()))
        #expect(try await fits.get(server.baseURL, downstream: "svc").bodyString == "ok 2")
        try await server.stop()
    }

    @Test func noRequestIDHeaderWithoutAContext() async throws {
        let server = try await FlakyHTTPServer.failing(first: 0)
        _ = try await Self.client(Self.retrying).get(server.baseURL, downstream: "svc")
        #expect(server.seen.first?.headers["X-Request-ID"] == [])
        try await server.stop()
    }

    @Test func idempotency() {
        #expect(ResilientHTTPRequest(method: .GET, url: "x").isIdempotent)
        #expect(ResilientHTTPRequest(method: .PUT, url: "x").isIdempotent)
        #expect(ResilientHTTPRequest(method: .DELETE, url: "x").isIdempotent)
        #expect(!ResilientHTTPRequest(method: .POST, url: "x").isIdempotent)
        #expect(!ResilientHTTPRequest(method: .PATCH, url: "x").isIdempotent)
        #expect(ResilientHTTPRequest(method: .POST, url: "x", idempotencyKey: "k").isIdempotent)
        #expect(ResilientHTTPRequest(method: .POST, url: "x", headers: ["Idempotency-Key": "k"]).isIdempotent)
    }

    @Test func classifier() {
        let c = HTTPRetryClassifier()
        #expect(c.decision(for: HTTPClientError.connectTimeout, attempt: 1) == .retry)
        #expect(c.decision(for: HTTPClientError.remoteConnectionClosed, attempt: 1) == .retry)
        #expect(c.decision(for: HTTPClientError.invalidURL, attempt: 1) == .doNotRetry)
        #expect(c.decision(for: IOError(errnoCode: ECONNRESET, reason: "read"), attempt: 1) == .retry)
        #expect(c.decision(for: CancellationError(), attempt: 1) == .doNotRetry)
    }
}
