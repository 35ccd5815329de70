/// Exponential backoff with AWS "full jitter":
/// `sleep = random(0, min(cap, base * 2^retry))`.
public enum Backoff {
    /// The un-jittered ceiling for retry number `retry` (0-based): `min(cap, base * 2^retry)`.
    public static func ceiling(retry: Int, base: Duration, cap: Duration) -> Duration {
        let baseNanos = max(0, base.nanosecondsClamped)
        let capNanos = max(0, cap.nanosecondsClamped)
        guard retry < 62, baseNanos > 0 else { return retry < 62 ? .zero : .nanoseconds(capNanos) }
        let (scaled, overflow) = baseNanos.multipliedReportingOverflow(by: Int64(1) << Int64(retry))
        return .nanoseconds(overflow ? capNanos : min(capNanos, scaled))
    }

    /// The full-jitter delay for retry number `retry`: `unit * ceiling` with `unit` in `[0, 1)`.
    public static func fullJitter(retry: Int, base: Duration, cap: Duration, unit: Double) -> Duration {
        let ceilingNanos = Double(ceiling(retry: retry, base: base, cap: cap).nanosecondsClamped)
        let clamped = min(max(unit, 0), 1)
        return .nanoseconds(Int64((ceilingNanos * clamped).rounded(.down)))
    }
}
