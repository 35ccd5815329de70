import FlotillaRegistry
import Foundation
import Testing

@Suite struct CheckStateTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let ttl = CheckKind.ttl(ttl: .seconds(10))
    let http = CheckKind.http(.init(url: "http://x/health", method: "GET", header: [:], body: "", interval: .seconds(5), timeout: .seconds(1)))

    @Test func newCheckIsCriticalUnlessAStatusIsGiven() {
        #expect(CheckState(kind: ttl, status: nil, now: t0).status == .critical)
        #expect(CheckState(kind: ttl, status: nil, now: t0).criticalSince == t0)
        #expect(CheckState(kind: ttl, status: .passing, now: t0).status == .passing)
        #expect(CheckState(kind: ttl, status: .passing, now: t0).criticalSince == nil)
    }

    @Test func ttlGoesCriticalWhenNotRefreshed() {
        var state = CheckState(kind: ttl, status: nil, now: t0)
        let changed1 = state.report(.passing, output: "ok", kind: ttl, now: t0 + 1)
        #expect(changed1)
        let changed2 = state.expire(kind: ttl, now: t0 + 10.9)
        #expect(!changed2)
        #expect(state.status == .passing)
        let changed3 = state.report(.passing, output: "still ok", kind: ttl, now: t0 + 10)
        #expect(changed3 == false)
        let changed4 = state.expire(kind: ttl, now: t0 + 19)
        #expect(!changed4)
        let changed5 = state.expire(kind: ttl, now: t0 + 20)
        #expect(changed5)
        #expect(state.status == .critical)
        #expect(state.output == "TTL expired")
        #expect(state.criticalSince == t0 + 20)
        let again = state.expire(kind: ttl, now: t0 + 40)
        #expect(!again, "an expired check does not expire again")
    }

    @Test func intervalCheckIsDueEveryInterval() {
        var state = CheckState(kind: http, status: nil, now: t0)
        #expect(state.isDue(now: t0))
        state.started(kind: http, now: t0)
        #expect(!state.isDue(now: t0 + 4.9))
        #expect(state.isDue(now: t0 + 5))
        #expect(!CheckState(kind: ttl, status: nil, now: t0).isDue(now: t0 + 100))
    }

    @Test func deregistersAfterBeingCriticalLongEnough() {
        var state = CheckState(kind: http, status: .passing, now: t0)
        #expect(!state.shouldDeregister(after: .seconds(60), now: t0 + 1000))
        state.set(.critical, output: "down", now: t0 + 10)
        state.set(.critical, output: "still down", now: t0 + 20)
        #expect(!state.shouldDeregister(after: .seconds(60), now: t0 + 69))
        #expect(state.shouldDeregister(after: .seconds(60), now: t0 + 70))
        #expect(!state.shouldDeregister(after: nil, now: t0 + 7000))
        state.set(.warning, output: "recovering", now: t0 + 71)
        #expect(!state.shouldDeregister(after: .seconds(60), now: t0 + 200))
    }
}
