import Synchronization

/// Where a ``RetryPolicy`` draws its jitter from: uniform doubles in `[0, 1)`.
/// Inject ``seeded(_:)`` or ``constant(_:)`` in tests.
public struct RandomSource: Sendable {
    private let body: @Sendable () -> Double

    /// A source calling `body` for each draw.
    public init(_ body: @escaping @Sendable () -> Double) {
        self.body = body
    }

    /// The next uniform value in `[0, 1)`.
    public func nextUnit() -> Double { body() }

    /// The system random generator.
    public static let system = RandomSource { Double.random(in: 0..<1) }

    /// Always `value` (e.g. `0.999` for the maximum backoff, `0` for none).
    public static func constant(_ value: Double) -> RandomSource {
        RandomSource { value }
    }

    /// A deterministic SplitMix64 sequence starting from `seed`.
    public static func seeded(_ seed: UInt64) -> RandomSource {
        let state = Mutex(seed)
        return RandomSource {
            let bits = state.withLock { state -> UInt64 in
                state &+= 0x9E37_79B9_7F4A_7C15
                var z = state
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                return z ^ (z >> 31)
            }
            return Double(bits >> 11) * 0x1.0p-53
        }
    }
}
