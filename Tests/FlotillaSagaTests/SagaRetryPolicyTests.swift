import FlotillaResilience
import FlotillaSaga
import Testing

@Suite struct SagaRetryPolicyTests {
    @Test func delaysGrowExponentiallyUpToTheirPhasesCap() {
        let policy = SagaRetryPolicy(
            baseDelay: .milliseconds(100),
            maxDelay: .seconds(1),
            compensationMaxDelay: .seconds(8),
            random: .constant(0.5)
        )
        #expect(policy.delay(afterAttempt: 1, phase: .action) == .milliseconds(50))
        #expect(policy.delay(afterAttempt: 3, phase: .action) == .milliseconds(200))
        #expect(policy.delay(afterAttempt: 30, phase: .action) == .milliseconds(500))
        #expect(policy.delay(afterAttempt: 30, phase: .compensation) == .seconds(4))
    }

    @Test func jitterStaysWithinTheCeiling() {
        let policy = SagaRetryPolicy(baseDelay: .milliseconds(10), maxDelay: .milliseconds(80), random: .seeded(7))
        let delays = (1...200).map { policy.delay(afterAttempt: $0 % 6 + 1, phase: .action) }
        #expect(delays.allSatisfy { $0 >= .zero && $0 < .milliseconds(80) })
        #expect(Set(delays).count > 100)
    }

    @Test func aResilienceRetryConfigurationGivesBaseAndCap() {
        let policy = SagaRetryPolicy(configuration: RetryConfiguration(baseDelay: .milliseconds(20), maxDelay: .seconds(2)))
        #expect(policy.baseDelay == .milliseconds(20))
        #expect(policy.maxDelay == .seconds(2))
        #expect(policy.compensationMaxDelay == .seconds(30))
    }
}
