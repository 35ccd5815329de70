/// Kong-style keyed window limits (per second/minute/hour/day/month/year), fixed or sliding,
/// with counters in a pluggable ``RateLimitCounterStore`` so gateways can share them.
///
/// A request is allowed only if every window has room; a denied request is rolled back
/// so it does not consume quota.
///
/// ```swift
/// let limiter = WindowRateLimiter(limits: [.second: 10, .minute: 100])
/// let result = try await limiter.acquire(key: "consumer:\(id)")
/// for (name, value) in result.headers { response.headers.add(name: name, value: value) }
/// if !result.isAllowed { return .tooManyRequests }
/// ```
public final class WindowRateLimiter: Sendable {
    /// The limits, smallest window first.
    public let limits: [(window: RateLimitWindow, limit: Int)]
    /// Fixed or sliding windows.
    public let algorithm: WindowRateLimitAlgorithm
    /// Where the counters live.
    public let store: any RateLimitCounterStore
    /// `store`, when it can count without suspending (cast once, not per request).
    private let synchronousStore: (any SynchronousRateLimitCounterStore)?
    /// `store`, when it is the in-memory one: called directly, without copying an existential per request.
    private let inMemoryStore: InMemoryRateLimitCounterStore?

    /// Creates a limiter with `limits` (window → requests per window).
    public init(
        limits: [RateLimitWindow: Int],
        algorithm: WindowRateLimitAlgorithm = .fixed,
        store: any RateLimitCounterStore = InMemoryRateLimitCounterStore()
    ) {
        self.limits = limits.sorted { $0.key < $1.key }.map { (window: $0.key, limit: $0.value) }
        self.algorithm = algorithm
        self.store = store
        self.synchronousStore = store as? any SynchronousRateLimitCounterStore
        self.inMemoryStore = store as? InMemoryRateLimitCounterStore
    }

    /// Whether ``acquireWithoutSuspending(key:cost:now:)`` counts (the store is a
    /// ``SynchronousRateLimitCounterStore``) rather than returning nil.
    public var countsWithoutSuspending: Bool { synchronousStore != nil }

    /// Counts a request of `cost` for `key` at `now` (the wall clock by default).
    public func acquire(key: String, cost: Int = 1, now: UnixTime = .now()) async throws -> WindowRateLimitResult {
        if let result = try acquireWithoutSuspending(key: key, cost: cost, now: now) { return result }
        var tally = WindowTally(limiter: self, now: now, cost: cost)
        for (window, limit) in limits {
            let slot = window.slot(containing: now)
            let current = try await store.increment(key: key, window: slot, by: cost)
            let previous = algorithm == .sliding ? try await store.count(key: key, window: slot.previous) : 0
            if !tally.record(window: window, limit: limit, slot: slot, current: current, previous: previous) { break }
        }
        if tally.isDenied {
            for slot in tally.appliedSlots { _ = try await store.increment(key: key, window: slot, by: -cost) }
        }
        return tally.result()
    }

    /// ``acquire(key:cost:now:)`` without suspending, when the store is a ``SynchronousRateLimitCounterStore``
    /// (the in-memory one); nil otherwise.
    public func acquireWithoutSuspending(key: String, cost: Int = 1, now: UnixTime = .now()) throws -> WindowRateLimitResult? {
        if let inMemoryStore { return try acquire(key: key, cost: cost, now: now, in: inMemoryStore) }
        guard let store = synchronousStore else { return nil }
        return try acquire(key: key, cost: cost, now: now, in: store)
    }

    /// ``acquireWithoutSuspending(key:cost:now:)`` in a store of a known type (specialized for the in-memory one).
    private func acquire<Store: SynchronousRateLimitCounterStore>(
        key: String,
        cost: Int,
        now: UnixTime,
        in store: Store
    ) throws -> WindowRateLimitResult {
        var tally = WindowTally(limiter: self, now: now, cost: cost)
        for (window, limit) in limits {
            let slot = window.slot(containing: now)
            let current = try store.incrementWithoutSuspending(key: key, window: slot, by: cost)
            let previous = algorithm == .sliding ? try store.countWithoutSuspending(key: key, window: slot.previous) : 0
            if !tally.record(window: window, limit: limit, slot: slot, current: current, previous: previous) { break }
        }
        if tally.isDenied {
            for slot in tally.appliedSlots { _ = try store.incrementWithoutSuspending(key: key, window: slot, by: -cost) }
        }
        return tally.result()
    }
}

/// The windows of one ``WindowRateLimiter/acquire(key:cost:now:)`` as their counters come back: usage per window,
/// the first window over its limit, and the result.
private struct WindowTally {
    let limiter: WindowRateLimiter
    let now: UnixTime
    let cost: Int
    private(set) var usages: [RateLimitWindowUsage] = []
    private var denied: (usage: RateLimitWindowUsage, retryAfter: Duration)?

    init(limiter: WindowRateLimiter, now: UnixTime, cost: Int) {
        self.limiter = limiter
        self.now = now
        self.cost = cost
        usages.reserveCapacity(limiter.limits.count)
    }

    var isDenied: Bool { denied != nil }

    /// The slots counted so far (one per recorded window, in order), to take a denied request back.
    var appliedSlots: [RateLimitWindowSlot] {
        limiter.limits.prefix(usages.count).map { $0.window.slot(containing: now) }
    }

    /// Records one window's counter (after this request) and, for sliding windows, the previous window's; returns
    /// false once the window is over its limit (the later windows are not counted).
    mutating func record(window: RateLimitWindow, limit: Int, slot: RateLimitWindowSlot, current: Int, previous: Int) -> Bool {
        let reset = Duration.nanoseconds(slot.end * 1_000_000_000 - now.nanoseconds)
        var used = current
        var retryAfter = reset
        if limiter.algorithm == .sliding {
            let elapsed = Double(now.nanoseconds - slot.start * 1_000_000_000) / 1e9
            let weight = max(0, 1 - elapsed / Double(slot.length))
            let carried = Double(previous) * weight
            used = current + Int(carried.rounded(.down))
            if used > limit, current <= limit, previous > 0 {
                // Wait until enough of the previous window has slid out.
                let excess = Double(used - limit)
                retryAfter = .secondsDouble(min(Double(slot.length) - elapsed, excess / Double(previous) * Double(slot.length)))
            }
        }
        let usage = RateLimitWindowUsage(
            window: window,
            limit: limit,
            remaining: max(0, limit - used),
            resetSeconds: RateLimitDecision.ceilSeconds(reset)
        )
        usages.append(usage)
        if used > limit {
            denied = (usage, retryAfter)
            return false
        }
        return true
    }

    func result() -> WindowRateLimitResult {
        if let denied {
            var usages = self.usages
            // Report the pre-request remaining for windows checked before the denial.
            for i in usages.indices where usages[i].window != denied.usage.window {
                usages[i].remaining = min(usages[i].limit, usages[i].remaining + cost)
            }
            return WindowRateLimitResult(
                decision: RateLimitDecision(
                    isAllowed: false,
                    limit: denied.usage.limit,
                    remaining: 0,
                    resetAfter: .seconds(denied.usage.resetSeconds),
                    retryAfter: denied.retryAfter
                ),
                windows: fillUnchecked(usages)
            )
        }
        // The most restrictive window is the one with the fewest requests left.
        let tightest = usages.min { $0.remaining < $1.remaining }!
        return WindowRateLimitResult(
            decision: RateLimitDecision(
                isAllowed: true,
                limit: tightest.limit,
                remaining: tightest.remaining,
                resetAfter: .seconds(tightest.resetSeconds),
                retryAfter: nil
            ),
            windows: usages
        )
    }

    /// Windows after a denial were not checked; report their limit with unknown usage as full remaining.
    private func fillUnchecked(_ usages: [RateLimitWindowUsage]) -> [RateLimitWindowUsage] {
        guard usages.count < limiter.limits.count else { return usages }
        var all = usages
        for (window, limit) in limiter.limits.dropFirst(usages.count) {
            all.append(RateLimitWindowUsage(window: window, limit: limit, remaining: limit, resetSeconds: 0))
        }
        return all
    }
}
