/// A set of endpoints of one cluster (all of them, or one subset) with its weighted round-robin schedule and its
/// consistent-hash ring, computed once per configuration.
final class EndpointSet: Sendable {
    /// Indices into the cluster's endpoints.
    let members: [Int]
    /// Smooth weighted round-robin order of members (indices into the cluster's endpoints).
    let schedule: [Int]
    /// Consistent-hash ring: sorted (hash, endpoint) points, 100 per weight unit of 100.
    let ring: [(hash: UInt64, endpoint: Int)]

    init(members: [Int], weights: [Int]) {
        self.members = members
        var schedule: [Int] = []
        let active = members.filter { weights[$0] > 0 }
        if !active.isEmpty {
            let divisor = active.map { weights[$0] }.reduce(0) { Self.gcd($0, $1) }
            let scaled = active.map { weights[$0] / max(divisor, 1) }
            let total = scaled.reduce(0, +)
            let length = min(total, 10_000)
            var current = [Int](repeating: 0, count: active.count)
            for _ in 0..<length {
                var best = 0
                for position in active.indices {
                    current[position] += scaled[position]
                    if current[position] > current[best] { best = position }
                }
                current[best] -= total
                schedule.append(active[best])
            }
        }
        self.schedule = schedule
        var ring: [(hash: UInt64, endpoint: Int)] = []
        for member in active {
            let points = max(1, weights[member])
            for point in 0..<points { ring.append((StableHash.of("\(member)-\(point)"), member)) }
        }
        self.ring = ring.sorted { $0.hash < $1.hash }
    }

    func ringLookup(_ hash: UInt64) -> Int? {
        guard !ring.isEmpty else { return nil }
        var low = 0
        var high = ring.count
        while low < high {
            let middle = (low + high) / 2
            if ring[middle].hash < hash { low = middle + 1 } else { high = middle }
        }
        return ring[low == ring.count ? 0 : low].endpoint
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
}

/// FNV-1a, stable across processes (Swift's Hasher is seeded per process).
enum StableHash {
    static func of(_ text: some StringProtocol) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        // Finalise (splitmix) so nearby inputs spread over the ring.
        hash ^= hash >> 30
        hash = hash &* 0xbf58_476d_1ce4_e5b9
        hash ^= hash >> 27
        hash = hash &* 0x94d0_49bb_1331_11eb
        return hash ^ (hash >> 31)
    }
}
