import Metrics

extension ResiliencePolicyConfiguration {
    /// Builds the pipeline this configuration describes, in ``order`` (default
    /// timeout → retry → circuit breaker → bulkhead). `name` names the breaker, bulkhead
    /// and retry policy (and their metric dimensions).
    ///
    /// ```swift
    /// let config = try JSONDecoder().decode(ResiliencePolicyConfiguration.self, from: json)
    /// let pipeline = config.makePipeline(name: "payments")
    /// ```
    public func makePipeline(
        name: String,
        retryClassifier: any RetryClassifier = DefaultRetryClassifier(),
        classifyBreakerError: @escaping @Sendable (any Error) -> CircuitBreakerErrorDisposition = CircuitBreakerErrorDisposition.defaultClassifier,
        clock: any ResilienceClock = SystemClock(),
        random: RandomSource = .system,
        metricsFactory: (any MetricsFactory)? = nil
    ) -> ResiliencePipeline {
        var builder = ResiliencePipelineBuilder()
        if let timeout {
            builder = builder.addStrategy(TimeoutPolicy(timeout: timeout, operationName: name, clock: clock))
        }
        if let retry {
            builder = builder.addRetry(
                RetryPolicy(name: name, configuration: retry, classifier: retryClassifier, clock: clock, random: random)
            )
        }
        if let circuitBreaker {
            builder = builder.addCircuitBreaker(
                CircuitBreaker(
                    name: name,
                    configuration: circuitBreaker.makeConfiguration(classifyError: classifyBreakerError),
                    clock: clock,
                    metricsFactory: metricsFactory
                )
            )
        }
        if let bulkhead {
            builder = builder.addBulkhead(Bulkhead(name: name, configuration: bulkhead, metricsFactory: metricsFactory))
        }
        return builder.ordered(order ?? ResiliencePolicyKind.defaultOrder).build()
    }
}
