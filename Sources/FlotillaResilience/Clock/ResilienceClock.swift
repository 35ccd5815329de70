/// The source of time (and of sleeping) for every resilience policy.
///
/// Production code uses ``SystemClock``; tests inject ``TestClock`` so that
/// no test ever waits on the wall clock.
public protocol ResilienceClock: Sendable {
    /// The current monotonic instant.
    var now: ResilienceInstant { get }

    /// Suspends until `deadline`; throws `CancellationError` if the task is cancelled.
    func sleep(until deadline: ResilienceInstant) async throws
}

extension ResilienceClock {
    /// Suspends for `duration`; throws `CancellationError` if the task is cancelled.
    @inlinable
    public func sleep(for duration: Duration) async throws {
        try await sleep(until: now.advanced(by: duration))
    }
}
