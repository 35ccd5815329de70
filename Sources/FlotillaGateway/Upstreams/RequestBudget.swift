import NIOConcurrencyHelpers
import NIOCore

/// Istio's connection-pool limits for one cluster: at most `maxConnections` requests in flight (HTTP/1.1 uses one
/// connection per request in flight), at most `http1MaxPendingRequests` waiting; beyond that, 503 at once.
final class RequestBudget: Sendable {
    /// The outcome of asking for a slot.
    enum Grant { case granted, queued, rejected }

    private struct Waiter {
        let eventLoop: any EventLoop
        let resume: @Sendable () -> Void
    }
    private struct State {
        var inFlight = 0
        var waiters: [Waiter] = []
    }

    let maxInFlight: Int
    let maxPending: Int
    private let state = NIOLockedValueBox(State())

    init(maxInFlight: Int, maxPending: Int) {
        self.maxInFlight = maxInFlight
        self.maxPending = maxPending
    }

    /// Takes a slot now, or queues `resume` (run on `eventLoop` when a slot frees), or rejects.
    func acquire(on eventLoop: any EventLoop, resume: @escaping @Sendable () -> Void) -> Grant {
        state.withLockedValue { state in
            if state.inFlight < maxInFlight {
                state.inFlight += 1
                return .granted
            }
            guard state.waiters.count < maxPending else { return .rejected }
            state.waiters.append(Waiter(eventLoop: eventLoop, resume: resume))
            return .queued
        }
    }

    /// Frees a slot; hands it to the oldest waiter if there is one.
    func release() {
        let next: Waiter? = state.withLockedValue { state in
            if state.waiters.isEmpty {
                state.inFlight -= 1
                return nil
            }
            return state.waiters.removeFirst()
        }
        if let next { next.eventLoop.execute(next.resume) }
    }

    var inFlight: Int { state.withLockedValue { $0.inFlight } }
}
