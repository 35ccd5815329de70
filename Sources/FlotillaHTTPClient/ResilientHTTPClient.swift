import AsyncHTTPClient
import FlotillaResilience
import Logging
import Metrics
import Synchronization

/// A resilient HTTP client for service-to-service calls, on AsyncHTTPClient.
///
/// Each downstream (a name such as `"payments"`) gets its own pipeline from the configuration —
/// timeout, retry, circuit breaker (always one per downstream), bulkhead — and every request
/// carries `X-Request-ID` (from `ServiceContext.current?.requestID`), the trace context
/// (`traceparent`, through the bootstrapped instrument) and its `Idempotency-Key`.
/// 5xx responses count as breaker failures and 502/503/504 are retried for idempotent
/// requests (GET, HEAD, PUT, DELETE, OPTIONS, or any request with an `Idempotency-Key`);
/// 4xx responses are returned as they are.
///
/// ```swift
/// let client = ResilientHTTPClient(configuration: .init(downstreams: [
///     "inventory": .init(timeout: .seconds(2), retry: .init(maxAttempts: 3), circuitBreaker: .init())
/// ]))
/// let response = try await client.execute(
///     .init(url: "http://inventory:8080/items/42"), downstream: "inventory")
/// ```
public final class ResilientHTTPClient: Sendable {
    /// Per-downstream policies and limits.
    public let configuration: ResilientHTTPClientConfiguration
    let httpClient: HTTPClient
    let clock: any ResilienceClock
    let random: RandomSource
    let metricsFactory: any MetricsFactory
    let metrics: HTTPClientMetrics
    let logger: Logger
    private let pipelines = Mutex<[String: ResiliencePipeline]>([:])

    /// Creates a client.
    ///
    /// - Parameters:
    ///   - configuration: per-downstream policies.
    ///   - httpClient: the AsyncHTTPClient to send with (`HTTPClient.shared` by default; not shut down by this client).
    ///   - clock, random: time and jitter sources for the policies (inject test doubles in tests).
    ///   - metricsFactory: where metrics go (defaults to `MetricsSystem.factory`).
    public init(
        configuration: ResilientHTTPClientConfiguration = .init(),
        httpClient: HTTPClient = .shared,
        clock: any ResilienceClock = SystemClock(),
        random: RandomSource = .system,
        metricsFactory: (any MetricsFactory)? = nil,
        logger: Logger = Logger(label: "flotilla.http-client")
    ) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.clock = clock
        self.random = random
        self.metricsFactory = metricsFactory ?? MetricsSystem.factory
        self.metrics = HTTPClientMetrics(factory: self.metricsFactory)
        self.logger = logger
    }

    /// The pipeline of `downstream`, created on first use.
    public func pipeline(for downstream: String) -> ResiliencePipeline {
        pipelines.withLock { pipelines in
            if let pipeline = pipelines[downstream] { return pipeline }
            var policy = configuration.policy(for: downstream)
            if policy.circuitBreaker == nil { policy.circuitBreaker = CircuitBreakerSettings() }
            let pipeline = policy.makePipeline(
                name: downstream,
                retryClassifier: HTTPRetryClassifier(),
                classifyBreakerError: Self.classifyBreakerError,
                clock: clock,
                random: random,
                metricsFactory: metricsFactory
            )
            pipelines[downstream] = pipeline
            return pipeline
        }
    }

    /// The circuit breaker of `downstream` (for operators: force open, disable, reset).
    public func circuitBreaker(for downstream: String) -> CircuitBreaker {
        // Every downstream pipeline has a breaker (see `pipeline(for:)`).
        pipeline(for: downstream).circuitBreaker!
    }

    /// Cancellation is not the downstream's fault; everything else (5xx, connection errors,
    /// timeouts) is a failure.
    @Sendable
    static func classifyBreakerError(_ error: any Error) -> CircuitBreakerErrorDisposition {
        if error is CancellationError { return .ignored }
        if let error = error as? HTTPClientError, error == .cancelled { return .ignored }
        return .failure
    }
}
