#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The real monotonic clock (`CLOCK_MONOTONIC`); sleeps with `Task.sleep`.
public struct SystemClock: ResilienceClock {
    /// Creates the system clock.
    @inlinable
    public init() {}

    /// The shared instance.
    public static let shared = SystemClock()

    @inlinable
    public var now: ResilienceInstant {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return ResilienceInstant(nanoseconds: Int64(ts.tv_sec) &* 1_000_000_000 &+ Int64(ts.tv_nsec))
    }

    public func sleep(until deadline: ResilienceInstant) async throws {
        let remaining = deadline.nanoseconds &- now.nanoseconds
        if remaining > 0 {
            try await Task.sleep(for: .nanoseconds(remaining))
        } else {
            try Task.checkCancellation()
        }
    }
}
