/// Request ids for one event loop: 32 hex digits from xoshiro256** seeded by the system's random generator.
/// Unique and unguessable enough for correlating logs (they are not secrets), without a `getrandom` system call
/// and four string allocations per request.
final class RequestIDGenerator {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    init() {
        var system = SystemRandomNumberGenerator()
        state = (system.next(), system.next(), system.next(), system.next())
        if state == (0, 0, 0, 0) { state.0 = 1 }
    }

    /// The next id.
    func make() -> String {
        let high = next()
        let low = next()
        return String(unsafeUninitializedCapacity: 32) { buffer in
            Self.writeHex(high, into: buffer, at: 0)
            Self.writeHex(low, into: buffer, at: 16)
            return 32
        }
    }

    private func next() -> UInt64 {
        let result = rotate(state.1 &* 5, 7) &* 9
        let shifted = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= shifted
        state.3 = rotate(state.3, 45)
        return result
    }

    private func rotate(_ value: UInt64, _ count: UInt64) -> UInt64 { (value << count) | (value >> (64 - count)) }

    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    private static func writeHex(_ value: UInt64, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        for position in 0..<16 {
            let nibble = Int((value >> UInt64(60 - position * 4)) & 0xf)
            buffer[offset + position] = digits[nibble]
        }
    }
}
