/// A point on a monotonic time line, in nanoseconds since an arbitrary origin.
///
/// Policies never look at wall-clock time: every decision is made against a
/// ``ResilienceClock``'s `now`, so tests can drive time explicitly.
public struct ResilienceInstant: Hashable, Comparable, Sendable {
    /// Nanoseconds since the clock's origin.
    public var nanoseconds: Int64

    /// Creates an instant `nanoseconds` after the clock's origin.
    @inlinable
    public init(nanoseconds: Int64) {
        self.nanoseconds = nanoseconds
    }

    /// The clock's origin.
    public static let zero = ResilienceInstant(nanoseconds: 0)

    @inlinable
    public static func < (lhs: ResilienceInstant, rhs: ResilienceInstant) -> Bool {
        lhs.nanoseconds < rhs.nanoseconds
    }

    /// This instant moved forward by `duration` (backward if negative).
    @inlinable
    public func advanced(by duration: Duration) -> ResilienceInstant {
        ResilienceInstant(nanoseconds: nanoseconds &+ duration.nanosecondsClamped)
    }

    /// The duration from this instant to `other` (negative if `other` is earlier).
    @inlinable
    public func duration(to other: ResilienceInstant) -> Duration {
        .nanoseconds(other.nanoseconds &- nanoseconds)
    }

    @inlinable
    public static func + (lhs: ResilienceInstant, rhs: Duration) -> ResilienceInstant {
        lhs.advanced(by: rhs)
    }

    @inlinable
    public static func - (lhs: ResilienceInstant, rhs: ResilienceInstant) -> Duration {
        rhs.duration(to: lhs)
    }
}
