import Synchronization

/// A manually driven clock for tests: time only moves when ``advance(by:)`` is called,
/// and sleepers resume exactly when their deadline is reached.
///
/// With `autoAdvance: true`, a sleep instead moves time forward to its deadline and returns
/// at once — handy for retry loops whose sleeps should be recorded but never waited for.
///
/// ```swift
/// let clock = TestClock()
/// let breaker = CircuitBreaker(name: "db", configuration: config, clock: clock)
/// clock.advance(by: .seconds(30))   // the reset timeout elapses instantly
/// ```
public final class TestClock: ResilienceClock {
    private struct Sleeper {
        var id: UInt64
        var deadline: ResilienceInstant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: ResilienceInstant
        var nextID: UInt64 = 0
        var sleepers: [Sleeper] = []
        var sleepRequests: [Duration] = []
    }

    private let state: Mutex<State>
    private let autoAdvance: Bool

    /// Creates a test clock starting at `start`; see the type's documentation for `autoAdvance`.
    public init(start: ResilienceInstant = .zero, autoAdvance: Bool = false) {
        state = Mutex(State(now: start))
        self.autoAdvance = autoAdvance
    }

    public var now: ResilienceInstant {
        state.withLock { $0.now }
    }

    /// How many tasks are currently suspended in ``sleep(until:)``.
    public var sleeperCount: Int {
        state.withLock { $0.sleepers.count }
    }

    /// Every duration a caller asked to sleep, in order (deadline minus `now` at the time of the call).
    public var sleepRequests: [Duration] {
        state.withLock { $0.sleepRequests }
    }

    /// Moves time forward by `duration` and resumes every sleeper whose deadline has been reached.
    public func advance(by duration: Duration) {
        let due: [Sleeper] = state.withLock { state in
            state.now = state.now.advanced(by: duration)
            let now = state.now
            let due = state.sleepers.filter { $0.deadline <= now }
            state.sleepers.removeAll { $0.deadline <= now }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Suspends until some task is sleeping on this clock (yields, never sleeps on the wall clock).
    public func waitForSleepers(count: Int = 1) async {
        while sleeperCount < count {
            await Task.yield()
        }
    }

    public func sleep(until deadline: ResilienceInstant) async throws {
        let id: UInt64 = state.withLock { state in
            state.sleepRequests.append(state.now.duration(to: deadline))
            if autoAdvance, deadline > state.now { state.now = deadline }
            state.nextID += 1
            return state.nextID
        }
        if autoAdvance {
            try Task.checkCancellation()
            return
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow: (any Error)?? = state.withLock { state in
                    if Task.isCancelled { return .some(CancellationError()) }
                    if deadline <= state.now { return .some(nil) }
                    state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return .none
                }
                switch resumeNow {
                case .none: break
                case .some(.none): continuation.resume()
                case .some(.some(let error)): continuation.resume(throwing: error)
                }
            }
        } onCancel: {
            let sleeper: Sleeper? = state.withLock { state in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.sleepers.remove(at: index)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }
}
