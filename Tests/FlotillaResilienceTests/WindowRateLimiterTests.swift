import FlotillaTesting
import Testing

@testable import FlotillaResilience

@Suite("WindowRateLimiter")
struct WindowRateLimiterTests {
    /// 2024-03-10T12:34:00Z
    static let base: Int64 = 1_710_074_040

    static func at(_ seconds: Double) -> UnixTime { UnixTime(nanoseconds: Int64((Double(base) + seconds) * 1e9)) }

    @Test func windowSlotsAlignToTheCalendar() {
        let t = UnixTime(seconds: 1_710_074_071.5)  // 2024-03-10T12:34:31.5Z
        #expect(RateLimitWindow.second.slot(containing: t) == .init(window: .second, start: 1_710_074_071, end: 1_710_074_072))
        #expect(RateLimitWindow.minute.slot(containing: t) == .init(window: .minute, start: 1_710_074_040, end: 1_710_074_100))
        #expect(RateLimitWindow.hour.slot(containing: t).start == 1_710_072_000)
        #expect(RateLimitWindow.day.slot(containing: t).start == 1_710_028_800)
        let march = RateLimitWindow.month.slot(containing: t)
        #expect(march.start == 1_709_251_200)  // 2024-03-01
        #expect(march.length == 31 * 86_400)
        #expect(march.previous.length == 29 * 86_400)  // February 2024
        #expect(RateLimitWindow.year.slot(containing: t).length == 366 * 86_400)
    }

    @Test func fixedMinuteWindowResetsExactlyAtTheBoundary() async throws {
        let limiter = WindowRateLimiter(limits: [.minute: 3])
        for i in 0..<3 {
            let r = try await limiter.acquire(key: "k", now: Self.at(59))
            #expect(r.isAllowed)
            #expect(r.decision.remaining == 2 - i)
            #expect(r.decision.resetSeconds == 1)
        }
        let denied = try await limiter.acquire(key: "k", now: Self.at(59.999))
        #expect(!denied.isAllowed)
        #expect(denied.decision.retryAfterSeconds == 1)
        let next = try await limiter.acquire(key: "k", now: Self.at(60))
        #expect(next.isAllowed)
        #expect(next.decision.remaining == 2)
        #expect(next.decision.resetSeconds == 60)
    }

    @Test func secondAndMinuteTogether() async throws {
        let limiter = WindowRateLimiter(limits: [.minute: 5, .second: 2])
        var allowed = 0
        for tenth in 0..<40 {  // 4 seconds, 10 requests a second
            if try await limiter.acquire(key: "k", now: Self.at(Double(tenth) / 10)).isAllowed { allowed += 1 }
        }
        #expect(allowed == 5)  // 2 + 2 + 1 (minute exhausted) + 0
        let r = try await limiter.acquire(key: "k", now: Self.at(5))
        #expect(!r.isAllowed)
        #expect(r.decision.limit == 5)
        let names = r.headers.map(\.name)
        #expect(names.contains("X-RateLimit-Limit-Minute"))
        #expect(names.contains("X-RateLimit-Remaining-Second"))
        #expect(r.headers.first { $0.name == "Retry-After" }?.value == "55")
    }

    @Test func deniedRequestsDoNotConsumeQuota() async throws {
        let store = InMemoryRateLimitCounterStore()
        let limiter = WindowRateLimiter(limits: [.second: 1, .minute: 10], store: store)
        #expect(try await limiter.acquire(key: "k", now: Self.at(0)).isAllowed)
        for _ in 0..<5 { #expect(try await !limiter.acquire(key: "k", now: Self.at(0.5)).isAllowed) }
        let minute = RateLimitWindow.minute.slot(containing: Self.at(0))
        #expect(try await store.count(key: "k", window: minute) == 1)
    }

    @Test func slidingWindowWeighsThePreviousWindow() async throws {
        let limiter = WindowRateLimiter(limits: [.minute: 10], algorithm: .sliding)
        for _ in 0..<10 { #expect(try await limiter.acquire(key: "k", now: Self.at(30)).isAllowed) }
        // 15 s into the next minute, 75 % of the previous 10 still count: 7 used, 3 left.
        for _ in 0..<3 { #expect(try await limiter.acquire(key: "k", now: Self.at(75)).isAllowed) }
        let denied = try await limiter.acquire(key: "k", now: Self.at(75))
        #expect(!denied.isAllowed)
        // Fixed windows would have allowed 10 here.
    }

    @Test(arguments: [7, 8, 9] as [UInt64])
    func propertyFixedWindowNeverExceedsLimitPerWindow(seed: UInt64) async throws {
        var rng = SeededGenerator(seed: seed)
        let limit = Int.random(in: 1...20, using: &rng)
        let limiter = WindowRateLimiter(limits: [.second: limit])
        var perSecond: [Int64: Int] = [:]
        var t = Double(0)
        for _ in 0..<2_000 {
            t += Double.random(in: 0...0.05, using: &rng)
            let now = Self.at(t)
            if try await limiter.acquire(key: "k", now: now).isAllowed {
                perSecond[now.seconds, default: 0] += 1
            }
        }
        #expect(perSecond.values.allSatisfy { $0 <= limit })
        #expect(perSecond.values.contains(limit))
    }
}

@Suite("InMemoryRateLimitCounterStore")
struct InMemoryRateLimitCounterStoreTests {
    @Test func sweepsCountersOfFinishedWindowsButKeepsThePreviousOne() async throws {
        let store = InMemoryRateLimitCounterStore(sweepEvery: 1)
        let t0 = UnixTime(seconds: 1_000_000_020)
        let first = RateLimitWindow.minute.slot(containing: t0)
        _ = try await store.increment(key: "k", window: first, by: 1)
        let second = RateLimitWindow.minute.slot(containing: UnixTime(seconds: 1_000_000_080))
        _ = try await store.increment(key: "k", window: second, by: 1)
        #expect(try await store.count(key: "k", window: first) == 1)  // still needed by a sliding window
        let third = RateLimitWindow.minute.slot(containing: UnixTime(seconds: 1_000_000_140))
        _ = try await store.increment(key: "k", window: third, by: 1)
        #expect(try await store.count(key: "k", window: first) == 0)
        #expect(store.counterCount == 2)
    }
}
