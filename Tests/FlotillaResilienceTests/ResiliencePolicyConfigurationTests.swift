import Foundation
import Testing

@testable import FlotillaResilience

@Suite("ResiliencePolicyConfiguration")
struct ResiliencePolicyConfigurationTests {
    static func decode(_ json: String) throws -> ResiliencePolicyConfiguration {
        try JSONDecoder().decode(ResiliencePolicyConfiguration.self, from: Data(json.utf8))
    }

    @Test func decodesAFullConfiguration() throws {
        let config = try Self.decode(
            """
            {
              "timeout": "2s",
              "retry": { "maxAttempts": 4, "baseDelay": "250ms", "maxDelay": 5, "deadline": "1m30s" },
              "circuitBreaker": { "failureRateThreshold": 40, "slidingWindowType": "time", "slidingWindowSize": 60,
                                  "minimumCalls": 20, "resetTimeout": "45s", "permittedCallsInHalfOpen": 3,
                                  "slowCallRateThreshold": 80, "slowCallDurationThreshold": "1.5s" },
              "bulkhead": { "maxConcurrent": 8, "maxQueue": 16 },
              "order": ["retry", "timeout", "circuitBreaker", "bulkhead"]
            }
            """
        )
        #expect(config.timeout == .seconds(2))
        #expect(config.retry == RetryConfiguration(maxAttempts: 4, baseDelay: .milliseconds(250), maxDelay: .seconds(5), deadline: .seconds(90)))
        #expect(config.circuitBreaker?.failureRateThreshold == 40)
        #expect(config.circuitBreaker?.consecutiveFailures == 5)  // default kept
        #expect(config.circuitBreaker?.slowCallDurationThreshold == .milliseconds(1500))
        #expect(config.bulkhead == BulkheadConfiguration(maxConcurrent: 8, maxQueue: 16))
        let breaker = config.circuitBreaker!.makeConfiguration()
        #expect(breaker.window == .timeBased(duration: .seconds(60)))
        #expect(breaker.resetTimeout == .seconds(45))
        #expect(breaker.successesToClose == 3)

        let pipeline = config.makePipeline(name: "svc", clock: TestClock())
        #expect(pipeline.kinds == [.retry, .timeout, .circuitBreaker, .bulkhead])
        #expect(pipeline.circuitBreaker?.name == "svc")
    }

    @Test func defaultOrderIsTimeoutRetryBreakerBulkhead() throws {
        let config = try Self.decode(#"{"bulkhead": {"maxConcurrent": 1}, "circuitBreaker": {}, "retry": {}, "timeout": 1}"#)
        #expect(config.makePipeline(name: "x").kinds == [.timeout, .retry, .circuitBreaker, .bulkhead])
    }

    @Test func roundTripsThroughJSON() throws {
        let config = try Self.decode(#"{"timeout": 0.5, "retry": {"maxAttempts": 2}, "circuitBreaker": {"consecutiveFailures": null}}"#)
        let data = try JSONEncoder().encode(config)
        #expect(try JSONDecoder().decode(ResiliencePolicyConfiguration.self, from: data) == config)
        #expect(config.circuitBreaker?.consecutiveFailures == nil)
    }

    @Test(arguments: [
        (#"{"circuitBreaker": {"failureRateThreshold": 150}}"#, "circuitBreaker.failureRateThreshold: 150 is not in 1...100"),
        (#"{"circuitBreaker": {"failureRateThreshold": 0.5}}"#, "circuitBreaker.failureRateThreshold: 0.5 is not in 1...100"),
        (#"{"retry": {"maxAttempts": 0}}"#, "retry.maxAttempts: 0 is not >= 1"),
        (#"{"retry": {"baseDelay": "fast"}}"#, #"retry.baseDelay: "fast" is not a duration (e.g. 250ms, 5s, 1m30s)"#),
        (#"{"retry": {"baseDelay": "2s", "maxDelay": "1s"}}"#, "retry.maxDelay: 1.0 seconds is less than baseDelay 2.0 seconds"),
        (#"{"bulkhead": {"maxConcurrent": 0}}"#, "bulkhead.maxConcurrent: 0 is not >= 1"),
        (#"{"timeout": "-1s"}"#, "timeout: -1.0 seconds is not > 0"),
        (#"{"circuitBreaker": {"permittedCallsInHalfOpen": 2, "successesToClose": 3}}"#, "circuitBreaker.successesToClose: 3 is not in 1...2"),
        (#"{"order": ["retry", "retry"]}"#, "order: retry appears more than once"),
    ])
    func badValuesNameTheField(json: String, message: String) throws {
        do {
            _ = try Self.decode(json)
            Issue.record("expected an error for \(json)")
        } catch let error as PolicyConfigurationError {
            #expect(error.description == message)
        }
    }

    @Test func nestedConfigurationsReportTheirFullPath() throws {
        let json = #"{"payments": {"circuitBreaker": {"failureRateThreshold": 150}}}"#
        #expect {
            _ = try JSONDecoder().decode([String: ResiliencePolicyConfiguration].self, from: Data(json.utf8))
        } throws: { error in
            (error as? PolicyConfigurationError)?.field == "payments.circuitBreaker.failureRateThreshold"
        }
    }

    @Test func goDurations() {
        #expect(DurationParser.parse("250ms") == .milliseconds(250))
        #expect(DurationParser.parse("5s") == .seconds(5))
        #expect(DurationParser.parse("1m30s") == .seconds(90))
        #expect(DurationParser.parse("1.5h") == .seconds(5400))
        #expect(DurationParser.parse("100us") == .microseconds(100))
        #expect(DurationParser.parse("10ns") == .nanoseconds(10))
        #expect(DurationParser.parse("0") == .zero)
        #expect(DurationParser.parse("-2s") == .seconds(-2))
        #expect(DurationParser.parse("5") == nil)
        #expect(DurationParser.parse("5 parsecs") == nil)
        #expect(DurationParser.parse("") == nil)
    }
}
