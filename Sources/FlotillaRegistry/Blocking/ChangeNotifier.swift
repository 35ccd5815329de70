import Synchronization

/// Wakes blocking queries when what they read changes.
///
/// A reader takes the topic's ``generation(of:)`` before it reads, and if the result is not newer
/// than the client's index it ``wait(for:after:timeout:)``s: the wait returns at once if the
/// generation moved meanwhile, else at the next ``publish(_:)`` of the topic, the timeout, or
/// cancellation (the client went away). No change is missed between the read and the wait.
public final class ChangeNotifier: Sendable {
    /// What a blocking query watches.
    public enum Topic: Hashable, Sendable {
        /// Any instance or check.
        case catalog
        /// The instances and checks of one service name.
        case service(String)
        /// Any key.
        case kv
    }

    private struct State {
        var generations: [Topic: UInt64] = [:]
        var nextID: UInt64 = 0
        var waiters: [Topic: [UInt64: CheckedContinuation<Void, Never>]] = [:]
        var closed = false
    }

    private let state = Mutex(State())

    /// Creates a notifier with no waiters.
    public init() {}

    /// The number of changes published for `topic` so far.
    public func generation(of topic: Topic) -> UInt64 {
        state.withLock { $0.generations[topic] ?? 0 }
    }

    /// The number of readers waiting now.
    public var waiterCount: Int {
        state.withLock { $0.waiters.values.reduce(0) { $0 + $1.count } }
    }

    /// Announces a change to `topics` and wakes their waiters.
    public func publish(_ topics: some Sequence<Topic>) {
        let woken = state.withLock { state in
            var woken: [CheckedContinuation<Void, Never>] = []
            for topic in topics {
                state.generations[topic, default: 0] += 1
                if let waiting = state.waiters.removeValue(forKey: topic) { woken.append(contentsOf: waiting.values) }
            }
            return woken
        }
        for continuation in woken { continuation.resume() }
    }

    /// Answers every waiting reader now and every later one at once (at shutdown, so held
    /// requests do not hold up the server's drain).
    public func close() {
        let woken = state.withLock { state in
            state.closed = true
            defer { state.waiters = [:] }
            return state.waiters.values.flatMap(\.values)
        }
        for continuation in woken { continuation.resume() }
    }

    /// Whether ``close()`` was called.
    public var isClosed: Bool { state.withLock { $0.closed } }

    /// Waits until `topic` moves past `generation`, `timeout` passes, or the task is cancelled.
    public func wait(for topic: Topic, after generation: UInt64, timeout: Duration) async {
        if isClosed { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForChange(topic, after: generation) }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForChange(_ topic: Topic, after generation: UInt64) async {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let registered = state.withLock { state in
                    guard (state.generations[topic] ?? 0) == generation, !Task.isCancelled, !state.closed else { return false }
                    state.waiters[topic, default: [:]][id] = continuation
                    return true
                }
                if !registered { continuation.resume() }
            }
        } onCancel: {
            let continuation = state.withLock { $0.waiters[topic]?.removeValue(forKey: id) }
            continuation?.resume()
        }
    }
}
