import Synchronization
import Testing

@testable import FlotillaResilience

/// An error carrying an HTTP status, as the HTTP client's status error does.
struct StatusError: RetryClassifiable {
    var status: Int
    var retryAfter: Duration?
    var retryDecision: RetryDecision { .forHTTPStatus(status, retryAfter: retryAfter) }
}

struct ConnectionReset: Error {}

/// Runs `body` failing with `errors` in turn (then succeeding); returns the attempts made.
func attempts(
    _ policy: RetryPolicy,
    idempotent: Bool = true,
    failing errors: [any Error]
) async -> (count: Int, error: (any Error)?) {
    let counter = AtomicCounter()
    do {
        try await policy.run(idempotent: idempotent) {
            let n = counter.increment()
            if n <= errors.count { throw errors[n - 1] }
        }
        return (counter.value, nil)
    } catch {
        return (counter.value, error)
    }
}

@Suite("RetryPolicy")
struct RetryPolicyTests {
    static func policy(
        _ config: RetryConfiguration = .init(maxAttempts: 4),
        clock: TestClock = TestClock(autoAdvance: true),
        random: RandomSource = .constant(0.5)
    ) -> RetryPolicy {
        RetryPolicy(configuration: config, clock: clock, random: random)
    }

    @Test(arguments: [502, 503, 504])
    func retriesGatewayStatuses(status: Int) async {
        let result = await attempts(Self.policy(), failing: [StatusError(status: status), StatusError(status: status)])
        #expect(result.count == 3)
        #expect(result.error == nil)
    }

    @Test(arguments: [400, 401, 404, 409, 422, 429, 500])
    func neverRetries4xxOr500(status: Int) async {
        let result = await attempts(Self.policy(), failing: [StatusError(status: status)])
        #expect(result.count == 1)
        #expect((result.error as? StatusError)?.status == status)
    }

    @Test func retriesConnectionErrors() async {
        let result = await attempts(Self.policy(), failing: [ConnectionReset(), ConnectionReset()])
        #expect(result.count == 3)
    }

    @Test func neverRetriesANonIdempotentCall() async {
        let result = await attempts(Self.policy(), idempotent: false, failing: [StatusError(status: 503)])
        #expect(result.count == 1)
        #expect(result.error is StatusError)
    }

    @Test func stopsAfterMaxAttemptsAndRethrowsTheLastError() async {
        let result = await attempts(Self.policy(.init(maxAttempts: 3)), failing: Array(repeating: ConnectionReset(), count: 10))
        #expect(result.count == 3)
        #expect(result.error is ConnectionReset)
    }

    @Test func neverRetriesCancellationOrAnOpenBreaker() async {
        #expect(await attempts(Self.policy(), failing: [CancellationError()]).count == 1)
        #expect(await attempts(Self.policy(), failing: [CircuitBreakerOpenError(name: "x", state: .open, retryAfter: nil)]).count == 1)
    }

    @Test func backoffIsFullJitterBelowTheCap() async {
        let clock = TestClock(autoAdvance: true)
        let config = RetryConfiguration(maxAttempts: 6, baseDelay: .milliseconds(100), maxDelay: .milliseconds(500))
        _ = await attempts(Self.policy(config, clock: clock, random: .constant(0.5)), failing: Array(repeating: ConnectionReset(), count: 5))
        // 0.5 × min(500, 100 × 2^n) ms
        #expect(clock.sleepRequests == [.milliseconds(50), .milliseconds(100), .milliseconds(200), .milliseconds(250), .milliseconds(250)])
    }

    @Test func backoffValuesStayWithinZeroAndTheCap() {
        let random = RandomSource.seeded(42)
        for retry in 0..<100 {
            let delay = Backoff.fullJitter(retry: retry, base: .milliseconds(10), cap: .seconds(2), unit: random.nextUnit())
            #expect(delay >= .zero)
            #expect(delay <= Backoff.ceiling(retry: retry, base: .milliseconds(10), cap: .seconds(2)))
            #expect(delay <= .seconds(2))
        }
        #expect(Backoff.ceiling(retry: 200, base: .seconds(1), cap: .seconds(30)) == .seconds(30))
        #expect(Backoff.ceiling(retry: 3, base: .seconds(1), cap: .seconds(30)) == .seconds(8))
    }

    @Test func honoursRetryAfter() async {
        let clock = TestClock(autoAdvance: true)
        let result = await attempts(Self.policy(clock: clock), failing: [StatusError(status: 503, retryAfter: .seconds(7))])
        #expect(result.count == 2)
        #expect(clock.sleepRequests == [.seconds(7)])
    }

    @Test func givesUpWhenRetryAfterExceedsTheMaximum() async {
        let config = RetryConfiguration(maxAttempts: 4, maxRetryAfter: .seconds(5))
        let result = await attempts(Self.policy(config), failing: [StatusError(status: 503, retryAfter: .seconds(6))])
        #expect(result.count == 1)
    }

    @Test func respectsTheOverallDeadline() async {
        let clock = TestClock(autoAdvance: true)
        // Each attempt takes 1 s on the test clock; retries sleep 0.5 s (constant jitter 0.5 × 1 s).
        let config = RetryConfiguration(maxAttempts: 100, baseDelay: .seconds(1), maxDelay: .seconds(1), deadline: .seconds(5))
        let policy = Self.policy(config, clock: clock, random: .constant(0.5))
        let counter = AtomicCounter()
        await #expect(throws: ConnectionReset.self) {
            try await policy.run(idempotent: true) {
                counter.increment()
                clock.advance(by: .seconds(1))
                throw ConnectionReset()
            }
        }
        // Attempts start at 0, 1.5, 3.0, 4.5; the next would start at 6.0 > 5.
        #expect(counter.value == 4)
    }

    @Test func retryAfterParsesSecondsAndHTTPDates() {
        let now = Double(HTTPDate.parse("Wed, 21 Oct 2015 07:28:00 GMT")!)
        #expect(RetryAfter.parse("120", nowUnixSeconds: now) == .seconds(120))
        #expect(RetryAfter.parse(" 0 ", nowUnixSeconds: now) == .zero)
        #expect(RetryAfter.parse("Wed, 21 Oct 2015 07:28:30 GMT", nowUnixSeconds: now) == .seconds(30))
        #expect(RetryAfter.parse("Wednesday, 21-Oct-15 07:29:00 GMT", nowUnixSeconds: now) == .seconds(60))
        #expect(RetryAfter.parse("Wed Oct 21 07:28:05 2015", nowUnixSeconds: now) == .seconds(5))
        #expect(RetryAfter.parse("Wed, 21 Oct 2015 07:00:00 GMT", nowUnixSeconds: now) == .zero)
        #expect(RetryAfter.parse("soon", nowUnixSeconds: now) == nil)
        #expect(RetryAfter.parse("-5", nowUnixSeconds: now) == nil)
        #expect(HTTPDate.parse("Thu, 01 Jan 1970 00:00:00 GMT") == 0)
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT") == 784_111_777)
    }

    @Test func onRetryReportsEachRetry() async {
        let seen = Mutex<[Int]>([])
        var policy = Self.policy()
        policy.onRetry = { event in seen.withLock { $0.append(event.attempt) } }
        _ = await attempts(policy, failing: [ConnectionReset(), ConnectionReset()])
        #expect(seen.withLock { $0 } == [1, 2])
    }
}
