import Synchronization

/// The default ``RateLimitCounterStore``: a dictionary behind a `Mutex`; expired windows
/// are swept as newer ones are written.
public final class InMemoryRateLimitCounterStore: SynchronousRateLimitCounterStore {
    private struct Key: Hashable {
        var key: String
        var window: RateLimitWindow
        var start: Int64
    }

    private struct Counter {
        var value: Int
        var end: Int64
        var length: Int64
    }

    private struct State {
        var counters: [Key: Counter] = [:]
        var writesSinceSweep = 0
        var latestStart: Int64 = .min
    }

    private let state = Mutex(State())
    private let sweepEvery: Int

    /// Creates an empty store; expired counters are swept every `sweepEvery` writes.
    public init(sweepEvery: Int = 4_096) {
        self.sweepEvery = sweepEvery
    }

    /// Counters currently held (for tests and monitoring).
    public var counterCount: Int { state.withLock { $0.counters.count } }

    public func increment(key: String, window: RateLimitWindowSlot, by amount: Int) async throws -> Int {
        incrementWithoutSuspending(key: key, window: window, by: amount)
    }

    public func count(key: String, window: RateLimitWindowSlot) async throws -> Int {
        countWithoutSuspending(key: key, window: window)
    }

    public func countWithoutSuspending(key: String, window: RateLimitWindowSlot) -> Int {
        state.withLock { $0.counters[Key(key: key, window: window.window, start: window.start)]?.value ?? 0 }
    }

    public func incrementWithoutSuspending(key: String, window: RateLimitWindowSlot, by amount: Int) -> Int {
        state.withLock { state in
            let k = Key(key: key, window: window.window, start: window.start)
            // One lookup: the counter is changed in place.
            func add(to counter: inout Counter) -> Int {
                counter.value += amount
                return counter.value
            }
            let value = add(to: &state.counters[k, default: Counter(value: 0, end: window.end, length: window.length)])
            state.latestStart = max(state.latestStart, window.start)
            state.writesSinceSweep += 1
            if state.writesSinceSweep >= sweepEvery {
                state.writesSinceSweep = 0
                let now = state.latestStart
                // Keep a counter while its window or the one after it (which reads it) may be current.
                state.counters = state.counters.filter { $0.value.end + $0.value.length > now }
            }
            return value
        }
    }
}
