import NIOCore

/// What the proxy keeps per event loop: upstream connections, balancer state, metrics, deadlines and request ids.
/// Touched only from its own event loop, so the hot path takes no locks for them.
final class LoopContext {
    let eventLoop: any EventLoop
    let pool: UpstreamConnectionPool
    let balancer = LoopBalancer()
    let metrics = LoopMetrics()
    let deadlines: LoopDeadlines
    let requestIDs = RequestIDGenerator()
    let allocator = ByteBufferAllocator()
    var snapshots = SnapshotCache()

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
        self.pool = UpstreamConnectionPool(eventLoop: eventLoop)
        self.deadlines = LoopDeadlines(eventLoop: eventLoop)
    }
}
