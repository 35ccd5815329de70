import NIOCore

/// Something with deadlines that one event loop checks on every tick.
protocol DeadlineWatching: AnyObject {
    /// Its position in ``LoopDeadlines``; managed there.
    var deadlineSlot: Int { get set }
    /// Acts on any deadline that passed by `now`.
    func checkDeadlines(now: NIODeadline)
}

/// The deadlines of one event loop's client connections (header, idle) and their requests (read and per-try
/// timeouts), checked by one repeating tick instead of a NIO timer per request: scheduling and cancelling a timer
/// for every request cost about an eighth of the proxy's CPU. Deadlines are kept to within one tick (20 ms).
final class LoopDeadlines {
    static let tick: TimeAmount = .milliseconds(20)

    private let eventLoop: any EventLoop
    private var watched: [any DeadlineWatching] = []
    private var ticker: RepeatedTask?

    init(eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    /// Starts checking `item` (O(1)).
    func add(_ item: any DeadlineWatching) {
        guard item.deadlineSlot < 0 else { return }
        item.deadlineSlot = watched.count
        watched.append(item)
        if ticker == nil { startTicking() }
    }

    /// Stops checking `item` (O(1): the last item takes its slot).
    func remove(_ item: any DeadlineWatching) {
        let slot = item.deadlineSlot
        guard slot >= 0, slot < watched.count, watched[slot] === item else { return }
        let last = watched.removeLast()
        if slot < watched.count {
            watched[slot] = last
            last.deadlineSlot = slot
        }
        item.deadlineSlot = -1
    }

    var count: Int { watched.count }

    func stop() {
        ticker?.cancel()
        ticker = nil
    }

    private func startTicking() {
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        ticker = eventLoop.scheduleRepeatedTask(initialDelay: Self.tick, delay: Self.tick) { _ in
            bound.value.checkAll()
        }
    }

    private func checkAll() {
        guard !watched.isEmpty else {
            stop()
            return
        }
        let now = NIODeadline.now()
        // Iterate over a copy: a check may close a connection and remove it (or others) from `watched`.
        for item in watched { item.checkDeadlines(now: now) }
    }
}
