import FlotillaTesting
import Synchronization

/// A shareable atomic counter for concurrency tests.
final class AtomicCounter: Sendable {
    private let storage = Atomic<Int>(0)
    init() {}
    @discardableResult
    func increment(by amount: Int = 1) -> Int { storage.add(amount, ordering: .relaxed).newValue }
    func decrement() { storage.subtract(1, ordering: .relaxed) }
    var value: Int { storage.load(ordering: .relaxed) }
}

/// A high-water mark tracked atomically.
final class MaxTracker: Sendable {
    private let current = Atomic<Int>(0)
    private let maximum = Atomic<Int>(0)
    init() {}
    func enter() {
        let now = current.add(1, ordering: .sequentiallyConsistent).newValue
        var seen = maximum.load(ordering: .sequentiallyConsistent)
        while now > seen {
            let (exchanged, original) = maximum.compareExchange(expected: seen, desired: now, ordering: .sequentiallyConsistent)
            if exchanged { break }
            seen = original
        }
    }
    func leave() { current.subtract(1, ordering: .sequentiallyConsistent) }
    var max: Int { maximum.load(ordering: .sequentiallyConsistent) }
}

/// Records values in order from concurrent tasks.
final class OrderRecorder: Sendable {
    private let storage = Mutex<[Int]>([])
    init() {}
    func append(_ value: Int) { storage.withLock { $0.append(value) } }
    var values: [Int] { storage.withLock { $0 } }
}
