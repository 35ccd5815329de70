/// A data-plane thread's copy of the runtime's current snapshot, read again (under the runtime's lock) only after a
/// swap. A request started after a reload sees the new snapshot, as with ``GatewayRuntime/snapshot``.
struct SnapshotCache {
    private var generation = -1
    private var cached: GatewaySnapshot?

    mutating func current(_ runtime: GatewayRuntime) -> GatewaySnapshot {
        let latest = runtime.snapshotGeneration
        if latest != generation || cached == nil {
            // The generation is read first: a swap after it is seen at the next request, never lost.
            cached = runtime.snapshot
            generation = latest
        }
        return cached!
    }
}
