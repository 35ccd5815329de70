import Benchmark
import FlotillaResilience

/// Hot-path benchmarks: run with `cd Benchmarks && swift package benchmark`.
/// Metrics marked `*` in the output are per call (the inner loop runs 1000 calls).
let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal, .throughput],
        scalingFactor: .kilo,
        maxDuration: .seconds(2)
    )

    let breaker = CircuitBreaker(name: "bench")
    Benchmark("CircuitBreaker.run closed no-op", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try await breaker.run { 1 })
        }
    }

    let limiter = TokenBucketRateLimiter(configuration: .init(rate: 1_000_000_000, burst: 1_000_000_000))
    let key = "consumer-42"
    _ = limiter.tryAcquire(key: key)
    Benchmark("TokenBucketRateLimiter.tryAcquire one key", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(limiter.tryAcquire(key: key).isAllowed)
        }
    }

    let pipeline = ResiliencePipelineBuilder()
        .addTimeout(.seconds(10))
        .addRetry(.init(maxAttempts: 3))
        .addCircuitBreaker(CircuitBreaker(name: "bench-pipeline"))
        .addBulkhead(.init(maxConcurrent: 64, maxQueue: 64), name: "bench-pipeline")
        .build()
    let context = ResilienceContext(operationName: "noop", isIdempotent: true)
    Benchmark("ResiliencePipeline.execute full no-op", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try await pipeline.execute(context) { 1 })
        }
    }

    let breakerOnly = ResiliencePipelineBuilder()
        .addRetry(.init(maxAttempts: 3))
        .addCircuitBreaker(CircuitBreaker(name: "bench-pipeline-no-timeout"))
        .addBulkhead(.init(maxConcurrent: 64, maxQueue: 64), name: "bench-pipeline-no-timeout")
        .build()
    Benchmark("ResiliencePipeline.execute retry+breaker+bulkhead no-op", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try await breakerOnly.execute(context) { 1 })
        }
    }

    layerBenchmarks()
}

/// Single-policy pipelines, to see what each layer costs.
let layerBenchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal, .throughput],
        scalingFactor: .kilo,
        maxDuration: .seconds(1)
    )
    let context = ResilienceContext(operationName: "noop", isIdempotent: true)
    let layers: [(String, ResiliencePipeline)] = [
        ("empty", ResiliencePipeline.empty),
        ("retry", ResiliencePipelineBuilder().addRetry(.init(maxAttempts: 3)).build()),
        ("breaker", ResiliencePipelineBuilder().addCircuitBreaker(CircuitBreaker(name: "layer")).build()),
        ("bulkhead", ResiliencePipelineBuilder().addBulkhead(.init(maxConcurrent: 8), name: "layer").build()),
    ]
    for (name, pipeline) in layers {
        Benchmark("Layer \(name)", configuration: configuration) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try await pipeline.execute(context) { 1 })
            }
        }
    }
}
