#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Wall-clock time in nanoseconds since 1970-01-01T00:00:00Z, used where windows must align to
/// the calendar and be shared across processes (rate-limit windows, `Retry-After` dates).
public struct UnixTime: Hashable, Comparable, Sendable {
    /// Nanoseconds since the Unix epoch.
    public var nanoseconds: Int64

    /// Creates a time from nanoseconds since the epoch.
    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// Creates a time from (possibly fractional) seconds since the epoch.
    public init(seconds: Double) { self.nanoseconds = Int64((seconds * 1e9).rounded()) }

    /// Whole seconds since the epoch (rounded down).
    public var seconds: Int64 { nanoseconds >= 0 ? nanoseconds / 1_000_000_000 : (nanoseconds - 999_999_999) / 1_000_000_000 }

    /// Seconds since the epoch as a `Double`.
    public var secondsDouble: Double { Double(nanoseconds) / 1e9 }

    /// The current wall-clock time (`CLOCK_REALTIME`).
    public static func now() -> UnixTime {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return UnixTime(nanoseconds: Int64(ts.tv_sec) &* 1_000_000_000 &+ Int64(ts.tv_nsec))
    }

    public static func < (lhs: UnixTime, rhs: UnixTime) -> Bool { lhs.nanoseconds < rhs.nanoseconds }
}
