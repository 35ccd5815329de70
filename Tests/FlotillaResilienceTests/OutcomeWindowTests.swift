import Testing

@testable import FlotillaResilience

@Suite("OutcomeWindow")
struct OutcomeWindowTests {
    static func at(_ seconds: Double) -> ResilienceInstant {
        ResilienceInstant(nanoseconds: Int64(seconds * 1e9))
    }

    @Test func countWindowEvictsExactlyTheOldest() {
        var w = OutcomeWindow(.countBased(size: 3))
        w.record(failure: true, slow: true, now: .zero)
        w.record(failure: false, slow: false, now: .zero)
        w.record(failure: false, slow: true, now: .zero)
        #expect(w.snapshot(now: .zero) == .init(calls: 3, failures: 1, slowCalls: 2))
        // The fourth call evicts the first (the failure, slow one) and nothing else.
        w.record(failure: false, slow: false, now: .zero)
        #expect(w.snapshot(now: .zero) == .init(calls: 3, failures: 0, slowCalls: 1))
        w.record(failure: true, slow: false, now: .zero)
        #expect(w.snapshot(now: .zero) == .init(calls: 3, failures: 1, slowCalls: 1))
        w.record(failure: true, slow: false, now: .zero)
        #expect(w.snapshot(now: .zero) == .init(calls: 3, failures: 2, slowCalls: 0))
    }

    @Test func timeWindowBucketExpiresExactlyAtTheBoundary() {
        var w = OutcomeWindow(.timeBased(duration: .seconds(3)))
        w.record(failure: true, slow: false, now: Self.at(0))
        w.record(failure: false, slow: false, now: Self.at(1.999))
        #expect(w.snapshot(now: Self.at(2.999_999_999)).calls == 2)
        // The bucket [0, 1) leaves the window at exactly t = 3.
        #expect(w.snapshot(now: Self.at(3)) == .init(calls: 1, failures: 0, slowCalls: 0))
        #expect(w.snapshot(now: Self.at(3.999_999_999)).calls == 1)
        #expect(w.snapshot(now: Self.at(4)).calls == 0)
    }

    @Test func timeWindowSkippingMoreThanItsLengthClearsEverything() {
        var w = OutcomeWindow(.timeBased(duration: .seconds(2), bucketWidth: .milliseconds(500)))
        #expect(w.capacity == 4)
        for i in 0..<8 { w.record(failure: i % 2 == 0, slow: false, now: Self.at(Double(i) * 0.25)) }
        #expect(w.snapshot(now: Self.at(1.75)) == .init(calls: 8, failures: 4, slowCalls: 0))
        #expect(w.snapshot(now: Self.at(2.0)) == .init(calls: 6, failures: 3, slowCalls: 0))
        #expect(w.snapshot(now: Self.at(1000)).calls == 0)
        w.record(failure: true, slow: true, now: Self.at(1000))
        #expect(w.snapshot(now: Self.at(1001.9)) == .init(calls: 1, failures: 1, slowCalls: 1))
    }
}
